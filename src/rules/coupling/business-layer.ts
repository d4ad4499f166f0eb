import { ADAPTER_DIRS, hasFileRole, nameWords } from '../file-role.js';
import type { RuleContext } from '../types.js';

/** Folder names that mark business logic: domain models, services, use cases. */
const BUSINESS_DIRS = new Set([
  'domain',
  'domains',
  'core',
  'services',
  'service',
  'usecases',
  'usecase',
  'use_cases',
  'use-cases',
  'application',
  'business',
  'model',
  'models',
  'entities',
  'entity',
]);

/** Monorepo folders whose children are package names. */
const MONOREPO_DIRS = new Set(['packages', 'libs', 'apps', 'modules']);

/** File names (without extension) that are business modules on their own. */
const BUSINESS_FILES = new Set(['services', 'models', 'domain', 'entities', 'usecases', 'use_cases']);

/**
 * Folder names that mark the edge, where vendor SDKs belong: the adapter folders of `file-role` and the
 * persistence layer. They win over a business folder above them.
 */
const EDGE_DIRS = new Set([...ADAPTER_DIRS, 'repositories', 'repository', 'persistence']);

/** Folder and file names of tests, fixtures and scripts: not production business logic. */
const NON_PRODUCTION = /(^|\/)(tests?|__tests__|__mocks__|spec|specs|fixtures?|testdata|mocks?|scripts|migrations|e2e)(\/|$)|(\.|_)(test|spec)\.\w+$|_test\.go$|(^|\/)test_[^/]+\.py$|Tests?\.java$/i;

/**
 * A file name that says the module is itself the adapter (`stripe-client.ts`, `payment_gateway.py`,
 * `S3StorageAdapter.java`): such files are the right home for vendor code even inside `services/`.
 */
const ADAPTER_WORDS = new Set(['adapter', 'adapters', 'client', 'clients', 'gateway', 'gateways', 'provider', 'providers', 'integration', 'integrations', 'connector', 'sdk', 'wrapper', 'api']);

/** Lowercased folder names of a repo-relative path (the file name left out). */
function folders(path: string): string[] {
  const parts = path.replace(/\\/g, '/').split('/').filter((p) => p.length > 0);
  return parts.slice(0, -1).map((p) => p.toLowerCase());
}

function baseName(path: string): string {
  return path.replace(/\\/g, '/').split('/').pop() ?? path;
}

/**
 * True when `path` is business logic: under a domain/service/use-case/model folder, not under an
 * adapter/integration/infrastructure folder, not a test, and not named as an adapter itself.
 * @example isBusinessLogicPath('src/services/billing.ts') // true
 * @example isBusinessLogicPath('src/services/stripe/stripe-client.ts') // false: named as an adapter
 */
export function isBusinessLogicPath(path: string): boolean {
  const dirs = folders(path);
  if (NON_PRODUCTION.test(path.replace(/\\/g, '/'))) return false;
  const stem = baseName(path).replace(/\.[^.]+$/, '');
  // Django-style `billing/services.py` and `orders/models.py` are business modules as much as `services/` folders;
  // `packages/core/` of a monorepo is a package name, not a domain core.
  const business = dirs.some((d, i) => BUSINESS_DIRS.has(d) && !(d === 'core' && MONOREPO_DIRS.has(dirs[i - 1] ?? '')));
  if (!business && !BUSINESS_FILES.has(stem.toLowerCase())) return false;
  if (dirs.some((d) => EDGE_DIRS.has(d))) return false;
  return !nameWords(stem).some((w) => ADAPTER_WORDS.has(w));
}

/** File names that say use case or domain object whatever the folder: `create-order.usecase.ts`, `use-case.ts`, `order.aggregate.ts`. */
const BUSINESS_STEM = /(^|[-_.])(use[-_]?case|interactor|aggregate|domain[-_]service)$/i;

/**
 * What the content says business logic is, where the folders do not: a class named as a use case or
 * interactor, a JPA `@Entity`, a Django model, a Spring `@Service` that runs `@Transactional` work or holds a
 * repository, a NestJS `@Injectable()` service that holds the database (Prisma, a TypeORM repository, a
 * Mongoose model), Django `@transaction.atomic` work. A service that owns domain data and calls a vendor
 * directly is the coupling the rules look for; an adapter rarely touches the database.
 */
const BUSINESS_CONTENT = [
  /\bclass\s+\w+(UseCase|Usecase|Interactor|Aggregate)\b/,
  /^@Entity\b/m,
  /^class\s+\w+\(\s*(models\.Model|\w+Model)\s*\)\s*:/m,
  /^\s*@transaction\.atomic\b/m,
  /^@Service\b[\s\S]*(@Transactional\b|\b[A-Z]\w*Repository\s+\w+\s*[;,)=])/m,
  /@Injectable\(\)[\s\S]*?\bclass\s+\w+Service\b[\s\S]*\b(PrismaService|PrismaClient|Repository<|@InjectRepository|@InjectModel|EntityManager)\b/,
];

/**
 * True when the file is business logic, by its path ({@link isBusinessLogicPath}) or, where the folders say
 * nothing, by its name or content ({@link BUSINESS_STEM}, {@link BUSINESS_CONTENT}); never when its role
 * (see `file-role.ts`) is an adapter, test, script, migration, entry point or config module.
 * @example isBusinessModule('apps/api/src/app/orders/create-order.usecase.ts', '') // true
 * @example isBusinessModule('src/orders/OrderService.java', '@Service\npublic class OrderService {\n  @Transactional\n  void place() {}\n}') // true
 */
export function isBusinessModule(path: string, source: string): boolean {
  if (hasFileRole(path, source, 'adapter', 'test', 'script', 'migration', 'cli', 'config')) return false;
  if (isBusinessLogicPath(path)) return true;
  if (NON_PRODUCTION.test(path.replace(/\\/g, '/')) || folders(path).some((d) => EDGE_DIRS.has(d))) return false;
  const stem = baseName(path).replace(/\.[^.]+$/, '');
  return BUSINESS_STEM.test(stem) || BUSINESS_CONTENT.some((re) => re.test(source));
}

/**
 * True when the file or folder name says the module itself wraps `vendorKey` (`services/stripe.ts`,
 * `services/slack/notify.py`): the vendor's own module is where its SDK belongs.
 */
export function isNamedAfterVendor(path: string, vendorKeys: readonly string[]): boolean {
  const parts = path.replace(/\\/g, '/').split('/');
  const stemmed = parts.map((p, i) => (i === parts.length - 1 ? p.replace(/\.[^.]+$/, '') : p));
  const words = new Set(stemmed.flatMap(nameWords));
  return vendorKeys.some((k) => words.has(k));
}

const ROOT_FILE = /^(config|configuration|settings|conf|env|environment|main|app|server|bootstrap|container|wiring|di|composition[-_]?root|__main__|wsgi|asgi|manage)$/i;

/**
 * True for a composition root or config module, where reading the environment is right: `config.*`,
 * `settings.py`, `main.*`, `index.*` at the root of `src/`, anything under `cmd/` or `config/`,
 * `*Config.java`, `*Application.java`, `*Settings.*`.
 */
export function isCompositionRoot(path: string): boolean {
  const dirs = folders(path);
  const name = baseName(path);
  const stem = name.replace(/\.[^.]+$/, '').replace(/\.(config|settings)$/i, '.$1');
  if (dirs.some((d) => d === 'cmd' || d === 'config' || d === 'configuration' || d === 'settings' || d === 'bootstrap')) return true;
  if (ROOT_FILE.test(stem)) return true;
  if (/(config|configuration|settings|env)$/i.test(stem.replace(/[-_.]/g, ''))) return true;
  if (/Application$/.test(stem)) return true;
  if (/^index$/i.test(stem) && dirs.filter((d) => d !== 'src').length === 0) return true;
  return false;
}

/**
 * True when the rule's file is business logic: by the layer the repository model inferred when there is one
 * (`business`; an `adapter`, `edge` or `entry` module is not), and by {@link isBusinessModule}'s folder, name
 * and content heuristics when there is none or the model could not place the file (`unknown`).
 * @example isBusinessContext({ path: 'src/lib/billing.ts', source: '', layer: 'business' }) // true
 */
export function isBusinessContext(ctx: Pick<RuleContext, 'path' | 'source' | 'layer'>): boolean {
  if (ctx.layer === undefined || ctx.layer === 'unknown') return isBusinessModule(ctx.path, ctx.source);
  return ctx.layer === 'business' && !hasFileRole(ctx.path, ctx.source, 'adapter', 'test', 'script', 'migration', 'cli', 'config');
}
