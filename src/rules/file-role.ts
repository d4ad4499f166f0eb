/**
 * What a file is for, from its path and content: the contexts in which integration rules stay silent or speak
 * more softly. A test, a command-line entry point, a config loader, a script or a migration is not the
 * integration code a backend architect reviews; an adapter is the place where vendor SDKs and environment
 * reads belong. Pure and cheap (path tests and a few regular expressions over the source): any rule may call it.
 */
export type FileRole = 'test' | 'cli' | 'config' | 'script' | 'migration' | 'adapter';

const norm = (path: string): string => path.replace(/\\/g, '/');
const dirsOf = (path: string): string[] => norm(path).split('/').slice(0, -1).map((d) => d.toLowerCase());
/**
 * Folders that say what the code is for: JVM package folders (after `src/main/java/`) are left out, since a
 * package named `io.github.jhipster.sample` or `com.acme.tools` says nothing about the file's role.
 */
function roleDirsOf(path: string): string[] {
  const dirs = dirsOf(path);
  const at = dirs.findIndex((d, i) => d === 'main' && /^(java|kotlin|scala|groovy)$/.test(dirs[i + 1] ?? ''));
  return at >= 0 ? dirs.slice(0, at + 2) : dirs;
}
const baseOf = (path: string): string => norm(path).split('/').pop() ?? path;
/** The file name without its extension(s) that only say the language or flavour (`foo.test.ts` → `foo.test`). */
const stemOf = (path: string): string => baseOf(path).replace(/\.(ts|tsx|js|jsx|mjs|cjs|mts|cts|py|go|java)$/i, '');

/** Words of a file or folder name: `StripePaymentGateway` → stripe, payment, gateway; `s3_client` → s3, client. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

const TEST_DIRS = /^(tests?|__tests__|__mocks__|spec|specs|fixtures?|testdata|test[-_]?utils?|testutils?|testing|test[-_]?helpers?|mocks?|e2e|integration[-_]tests?)$/;
const TEST_FILE = /(\.|_|-)(test|spec|e2e-spec|test-utils?)$|^test_|^conftest$|Tests?$|^Test[A-Z]|^mock[-_A-Z]/;
const TEST_CONTENT = /^\s*import\s+"testing"|from ['"](vitest|@jest\/globals|@nestjs\/testing)['"]|^\s*import\s+pytest\b|^\s*import\s+org\.junit\b/m;

/** Tests, test utilities, fixtures and mocks: `*.test.ts`, `*_test.go`, `test_*.py`, `*Test.java`, `medusa-test-utils/`. */
function isTest(path: string, source: string): boolean {
  const dirs = dirsOf(path);
  if (dirs.some((d) => TEST_DIRS.test(d) || /(^|[-_])test[-_]?utils?$/.test(d))) return true;
  return TEST_FILE.test(stemOf(path)) || TEST_CONTENT.test(source);
}

const CLI_DIRS = new Set(['cmd', 'cli', 'bin']);
const CLI_CONTENT =
  /^\s*"github\.com\/(spf13\/cobra|urfave\/cli)[^"]*"|^\s*(import|from)\s+(argparse|click|typer|docopt)\b|from ['"](commander|yargs|meow|cac|citty|@oclif\/core)['"]|require\(['"](commander|yargs)['"]\)|^#!.*\bnode\b|^\s*import\s+(picocli|org\.apache\.commons\.cli|com\.beust\.jcommander)\./m;
const GO_MAIN = /^package main\b[\s\S]*^func main\(\)/m;
const PY_MAIN = /^if __name__ == ['"]__main__['"]:/m;

/** Command-line entry points: `cmd/`, Django `management/commands/`, `__main__.py`, Go `package main`, cobra/argparse/commander programs. */
function isCli(path: string, source: string): boolean {
  const dirs = roleDirsOf(path);
  const stem = stemOf(path);
  if (dirs.some((d) => CLI_DIRS.has(d)) || /^(__main__|manage|cli)$/.test(stem)) return true;
  if (dirs.some((d, i) => d === 'management' && dirs[i + 1] === 'commands')) return true;
  return GO_MAIN.test(source) || CLI_CONTENT.test(source) || (PY_MAIN.test(source) && /\bsys\.argv\b|argparse|click/.test(source));
}

const CONFIG_DIRS = new Set(['config', 'configs', 'configuration', 'settings', 'conf', 'feature-flags', 'feature_flags', 'featureflags', 'feature-flag', 'feature_flag']);
const CONFIG_STEM = /^(config|configuration|settings|conf|env|environment)$|(config|configuration|settings|properties|env)$|feature[-_]?flags?/i;
const CONFIG_CONTENT =
  /@ConfigurationProperties\b|^\s*@Configuration\b|class\s+\w+\((\w+\.)?BaseSettings\)|^\s*"github\.com\/(kelseyhightower\/envconfig|caarlos0\/env)[^"]*"|from ['"](convict|envalid)['"]|\bregisterAs\(\s*['"]\w+['"]\s*,/m;

/**
 * Config loading and validation: `config/`, `settings.py`, `*Config.java`, `*.config.ts`, feature-flag modules,
 * `@ConfigurationProperties`, pydantic `BaseSettings`, envconfig, convict/envalid schemas, NestJS `registerAs`.
 * Reading config through a service (`ConfigService`, `viper.Get…`) does not make a module a config loader.
 */
function isConfig(path: string, source: string): boolean {
  const dirs = dirsOf(path);
  const stem = stemOf(path).replace(/[-_.]/g, '');
  if (dirs.some((d) => CONFIG_DIRS.has(d) || /feature[-_]?flags?/.test(d))) return true;
  if (CONFIG_STEM.test(stem) || CONFIG_STEM.test(stemOf(path))) return true;
  return CONFIG_CONTENT.test(source);
}

const SCRIPT_DIRS = new Set(['scripts', 'script', 'hack', 'examples', 'example', 'samples', 'sample', 'demo', 'demos', 'bench', 'benchmarks', 'contrib', 'packaging']);
const SCRIPT_STEM = /^(setup|noxfile|fabfile|gulpfile|gruntfile|jakefile|dodo)$/i;

/**
 * One-off and tooling code: `scripts/`, `hack/`, `examples/`, `setup.py`, build files. Not `tools/` (a Go
 * library folder as often as a build-tool one) nor `tasks.py` (Celery tasks are runtime code).
 */
function isScript(path: string): boolean {
  return roleDirsOf(path).some((d) => SCRIPT_DIRS.has(d)) || SCRIPT_STEM.test(stemOf(path));
}

const MIGRATION_DIRS = new Set(['migrations', 'migration', 'migrate', 'alembic', 'seeds', 'seeders']);
const MIGRATION_CONTENT =
  /class\s+Migration\(migrations\.Migration\)|implements\s+MigrationInterface\b|^\s*(exports\.up|export\s+(async\s+)?function\s+up)\b|^from alembic import op|^\s*"github\.com\/(pressly\/goose|go-gormigrate\/gormigrate)[^"]*"|^\s*import\s+org\.flywaydb\./m;

/** Schema and data migrations: `migrations/`, `alembic/versions/`, Flyway `V12__add_col.java`, knex/TypeORM/goose/Django migration files. */
function isMigration(path: string, source: string): boolean {
  const dirs = dirsOf(path);
  if (dirs.some((d) => MIGRATION_DIRS.has(d))) return true;
  if (/^V\d+(_\d+)*__/.test(baseOf(path)) || /[-_.]migration$/i.test(stemOf(path))) return true;
  return MIGRATION_CONTENT.test(source);
}

/** Folder names that mark the edge of the system, where vendor SDKs belong. */
export const ADAPTER_DIRS = new Set([
  'adapters',
  'adapter',
  'integrations',
  'integration',
  'infrastructure',
  'infra',
  'clients',
  'client',
  'gateways',
  'gateway',
  'providers',
  'provider',
  'vendors',
  'vendor',
  'external',
  'thirdparty',
  'third_party',
  'third-party',
  'connectors',
  'plugins',
  'transports',
]);

/** Words of a file name that say the module wraps something outside (`stripe-client.ts`, `payment_gateway.py`, `transports.py`). */
export const ADAPTER_WORDS = new Set(['adapter', 'adapters', 'client', 'clients', 'gateway', 'gateways', 'provider', 'providers', 'integration', 'integrations', 'connector', 'sdk', 'wrapper', 'api', 'transport', 'transports']);

/**
 * A class implementing or extending a port, provider or transport base (`class GcsStorageService extends
 * StorageService`, `class S3Adapter implements FileStoragePort`, `class NotifyDiscord(NotifyBase)`).
 */
const ADAPTER_CLASS =
  /\bclass\s+\w+(\s+extends\s+[\w.]+(<[^>{]*>)?)?\s+(implements|extends)\s+[\w.]*?(Port|Gateway|Provider|Adapter|Client|Transport|Storage\w*|Notifier|Sender|Connector)\b|^class\s+\w+\(\s*[\w.]*(Provider|Transport|Adapter|Client|Backend|NotifyBase|Gateway)\s*[,)]/m;

/** Adapters and client wrappers: under `adapters/`, `integrations/`, `providers/`, `clients/`…, named as one, or a class implementing a port. */
function isAdapter(path: string, source: string): boolean {
  if (dirsOf(path).some((d) => ADAPTER_DIRS.has(d))) return true;
  if (nameWords(stemOf(path)).some((w) => ADAPTER_WORDS.has(w))) return true;
  return ADAPTER_CLASS.test(source);
}

/**
 * Every role of a file; empty for ordinary production code.
 * @example fileRoles('cmd/send/main.go', 'package main\nfunc main() {}') // ['cli']
 * @example fileRoles('src/services/billing.ts', '') // []
 */
export function fileRoles(path: string, source = ''): FileRole[] {
  // Every rule asks about the file it checks: the roles of the last files are kept (same path, same source).
  const hit = rolesCache.get(path);
  if (hit && hit.source === source) return [...hit.roles];
  const roles = computeRoles(path, source);
  if (rolesCache.size >= 16) rolesCache.delete(rolesCache.keys().next().value as string);
  rolesCache.set(path, { source, roles });
  return [...roles];
}

const rolesCache = new Map<string, { source: string; roles: readonly FileRole[] }>();

function computeRoles(path: string, source: string): FileRole[] {
  const roles: FileRole[] = [];
  if (isTest(path, source)) roles.push('test');
  if (isCli(path, source)) roles.push('cli');
  if (isConfig(path, source)) roles.push('config');
  if (isScript(path)) roles.push('script');
  if (isMigration(path, source)) roles.push('migration');
  if (isAdapter(path, source)) roles.push('adapter');
  return roles;
}

/** True when the file has one of `roles`. */
export function hasFileRole(path: string, source: string, ...roles: FileRole[]): boolean {
  const found = fileRoles(path, source);
  return roles.some((r) => found.includes(r));
}

/** Tests, command-line entry points, scripts and migrations: code that is not integration code at run time. */
export function isOutsideRuntime(path: string, source = ''): boolean {
  return hasFileRole(path, source, 'test', 'cli', 'script', 'migration');
}
