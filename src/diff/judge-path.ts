import type { Language } from './language.js';
import type { RuleLanguage, SkipReason } from './types.js';

/** What a path (and its Linguist language) alone says about a file. */
export type PathVerdict =
  | { selected: false; skipReason: SkipReason; reason: string }
  | { selected: true; reason: string; ruleLanguage?: RuleLanguage; /** No extension: the head text's `#!` line decides. */ needsShebang?: boolean };

const RULE_LANGUAGE: Record<string, RuleLanguage> = {
  TypeScript: 'typescript',
  TSX: 'tsx',
  JavaScript: 'javascript',
  Python: 'python',
  Go: 'go',
  Java: 'java',
};

/** Server-side languages the agent reviews without deterministic rules. */
const BACKEND = new Set([
  'Ruby', 'C#', 'Kotlin', 'PHP', 'Hack', 'Rust', 'Scala', 'Elixir', 'Erlang', 'Clojure', 'F#', 'Groovy', 'Perl', 'C', 'C++',
  'Crystal', 'OCaml', 'Haskell', 'Zig', 'Nim', 'Visual Basic .NET', 'Gleam', 'Ballerina', 'Apex', 'Lua', 'V',
]);

/** Interfaces other systems depend on: a change here is an integration change even without code. */
const CONTRACT = new Set(['Protocol Buffer', 'GraphQL', 'Thrift', 'Avro IDL', 'SQL', 'PLpgSQL', 'PLSQL', 'TSQL', 'SQLPL', 'RAML', 'API Blueprint']);

/** Client-side programming languages (mobile and browser). */
const FRONTEND_PROGRAMMING = new Set(['Swift', 'Objective-C', 'Objective-C++', 'Dart', 'Elm', 'CoffeeScript', 'ReScript', 'PureScript', 'LiveScript']);

/** Markup Linguist types that are documents, not user interfaces. */
const DOC_MARKUP = new Set(['MDX', 'BibTeX', 'TeX', 'Roff', 'Roff Manpage', 'RUNOFF', 'Rich Text Format', 'Texinfo', 'Mermaid', 'D2', 'Pic', 'PostScript', 'Jupyter Notebook']);

/** Build, infrastructure and deployment languages: configuration, not application code. */
const CONFIG_PROGRAMMING = new Set([
  'Dockerfile', 'Makefile', 'HCL', 'Starlark', 'Nix', 'CMake', 'Procfile', 'Jsonnet', 'Bicep', 'CUE', 'Earthly', 'Just', 'Puppet',
  'Dhall', 'Terraform Template', 'Go Template',
]);

/**
 * Scripts for operators and developers (deploy, CI, setup) are skipped as unsupported: they glue tools
 * together rather than integrate services, no rule parses them, and a `curl` in a deploy script is not
 * the production call path an integration review is about. `paths.include` brings them back.
 */
const SCRIPT = new Set(['Shell', 'PowerShell', 'Batchfile', 'Fish', 'Tcsh', 'Nushell', 'Awk']);

const LOCKFILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb', 'poetry.lock', 'pipfile.lock',
  'uv.lock', 'pdm.lock', 'go.sum', 'go.work.sum', 'cargo.lock', 'gemfile.lock', 'composer.lock', 'podfile.lock', 'mix.lock',
  'pubspec.lock', 'packages.lock.json', 'gradle.lockfile', 'package.resolved', 'flake.lock', 'deno.lock', 'gopkg.lock', 'conan.lock',
]);

const VENDOR_DIRS = new Set(['vendor', 'vendors', 'node_modules', 'third_party', 'third-party', 'thirdparty', 'bower_components', '.yarn', 'pods']);
const GENERATED_DIRS = new Set(['dist', 'build', '__generated__', 'generated', '.next', '.nuxt']);
const GENERATED_FILE = [
  /\.min\.[cm]?(js|css)$/, /\.(js|css)\.map$/, /\.pb\.(go|gw\.go|validate\.go)$/, /_pb2(_grpc)?\.pyi?$/, /_(grpc_)?pb\.(js|d\.ts|ts)$/,
  /\.generated\./, /\.g\.(dart|cs)$/, /\.designer\.cs$/, /_generated\.go$/, /^zz_generated\./,
];
const TEST_DIRS = new Set(['test', 'tests', '__tests__', '__mocks__', '__fixtures__', 'fixtures', 'testdata', 'spec', 'specs', 'e2e', 'testing']);
const TEST_FILE = [
  /_test\.go$/, /\.(test|spec)\.[cm]?[jt]sx?$/, /^test_.*\.py$/, /_test\.py$/, /^conftest\.py$/, /_spec\.rb$/, /_test\.rb$/, /_test\.exs$/,
];
/** Case matters here: `PaymentTest.java` is a test, `Contest.java` is not. */
const TEST_FILE_CASED = /[a-z0-9](Test|Tests|IT|Spec)\.(java|kt|cs|scala|groovy)$/;
/**
 * Folders of one-off developer and operator scripts (release, seed, backfill): not the production call path.
 * `tools/` is not among them (it is often product code, e.g. an agent's tools). `paths.include` brings them back.
 */
const SCRIPT_DIRS = new Set(['scripts', 'script', 'hack']);
const DOC_FILE = /^(readme|changelog|changes|license|licence|copying|contributing|authors|notice|code_of_conduct|security|history)(\.[\w.-]+)?$/;
const CONTRACT_FILE = /^(openapi|swagger|asyncapi)([\w.-]*)\.(ya?ml|json)$/;
const CONFIG_EXT = /\.(conf|config|cfg|properties|env|ini|toml|ya?ml|json5?|xml|plist|editorconfig|npmrc|nvmrc)$/;
const JS_FAMILY = new Set(['TypeScript', 'TSX', 'JavaScript']);

/**
 * Judges a changed file by its path and Linguist language alone. Checks run from the most certain
 * to the most general: vendored, lockfile, generated, test, docs, frontend, config, then the language
 * itself. `components/`, `pages/` (not `pages/api/`), `public/`, `static/` and `app/ui/` mark
 * frontend code only for JavaScript-family files (a Laravel `public/index.php` is backend); `.tsx`
 * and `.jsx` are frontend wherever they are.
 */
export function judgePath(path: string, language: Language | undefined): PathVerdict {
  const segments = path.split('/');
  const base = segments[segments.length - 1]!;
  const lowerBase = base.toLowerCase();
  const dirs = segments.slice(0, -1).map((s) => s.toLowerCase());
  const skip = (skipReason: SkipReason, reason: string): PathVerdict => ({ selected: false, skipReason, reason });
  const name = language?.name;

  const vendorDir = dirs.find((d) => VENDOR_DIRS.has(d));
  if (vendorDir) return skip('vendored', `vendored code (${vendorDir}/)`);
  if (LOCKFILES.has(lowerBase) || /\.lockb?$/.test(lowerBase)) return skip('lockfile', 'lockfile');
  // `build/` under `src/` is more often a package (com/acme/build/) than build output.
  const genDir = dirs.find((d, i) => GENERATED_DIRS.has(d) && !(d === 'build' && dirs.slice(0, i).includes('src')));
  if (genDir) return skip('generated', `build output (${genDir}/)`);
  if (GENERATED_FILE.some((re) => re.test(lowerBase))) return skip('generated', 'generated file (by its name)');
  const testDir = dirs.find((d) => TEST_DIRS.has(d));
  if (testDir || TEST_FILE.some((re) => re.test(lowerBase)) || TEST_FILE_CASED.test(base)) return skip('test', testDir ? `test code (${testDir}/)` : 'test code');
  const migration = migrationPath(dirs);
  if (migration) return skip('migration', `database migration (${migration})`);
  const scriptDir = dirs.find((d) => SCRIPT_DIRS.has(d));
  if (scriptDir) return skip('script', `developer or operator script (${scriptDir}/)`);
  if (dirs.includes('docs') || DOC_FILE.test(lowerBase) || language?.type === 'prose' || (name && DOC_MARKUP.has(name))) {
    return skip('docs', name ? `documentation (${name})` : 'documentation');
  }

  const js = name !== undefined && JS_FAMILY.has(name);
  const frontendDir = frontendPath(dirs, js);
  if (/\.(tsx|jsx)$/.test(lowerBase) || /\.stories\.[\w]+$/.test(lowerBase) || frontendDir) {
    return skip('frontend', frontendDir ? `frontend code (${frontendDir})` : `frontend code (${name ?? base})`);
  }
  if (CONTRACT_FILE.test(lowerBase)) return { selected: true, reason: 'API or schema contract (OpenAPI)' };
  if (lowerBase === 'jenkinsfile') return skip('config', 'configuration (Jenkinsfile)');
  if (!language) {
    if (CONFIG_EXT.test(lowerBase)) return skip('config', 'configuration');
    if (!base.includes('.')) return { selected: true, reason: 'no extension: its #! line decides', needsShebang: true };
    return skip('unsupported-language', `unknown file type (${base.slice(base.lastIndexOf('.'))})`);
  }
  return judgeLanguage(language);
}

/** The verdict on a file by its language alone (also used once a `#!` line has named it). */
export function judgeLanguage(language: Language): PathVerdict {
  const { name } = language;
  const ruleLanguage = RULE_LANGUAGE[name];
  if (ruleLanguage) return { selected: true, reason: `backend code (${name})`, ruleLanguage };
  if (BACKEND.has(name)) return { selected: true, reason: `backend code (${name})` };
  if (CONTRACT.has(name)) return { selected: true, reason: `API or schema contract (${name})` };
  if (SCRIPT.has(name)) return { selected: false, skipReason: 'unsupported-language', reason: `${name} script (scripts are not reviewed)` };
  if (CONFIG_PROGRAMMING.has(name) || language.type === 'data') return { selected: false, skipReason: 'config', reason: `configuration (${name})` };
  if (language.type === 'prose') return { selected: false, skipReason: 'docs', reason: `documentation (${name})` };
  if (language.type === 'markup' || FRONTEND_PROGRAMMING.has(name)) return { selected: false, skipReason: 'frontend', reason: `frontend code (${name})` };
  return { selected: false, skipReason: 'unsupported-language', reason: `${name} is not a backend language arch-review reviews` };
}

/**
 * Schema and data migrations (Django/Alembic `migrations/`, Rails/Knex `db/migrate/`, Flyway `db/migration/`):
 * run once by a deploy, not integration code; a reviewer of integrations has nothing to say about them.
 */
function migrationPath(dirs: readonly string[]): string | undefined {
  const i = dirs.findIndex((d) => d === 'migrations' || d === 'alembic' || ((d === 'migrate' || d === 'migration') && dirs.includes('db')));
  return i < 0 ? undefined : `${dirs.slice(0, i + 1).join('/')}/`;
}

function frontendPath(dirs: readonly string[], js: boolean): string | undefined {
  if (dirs.includes('frontend')) return 'frontend/';
  if (!js) return undefined;
  for (let i = 0; i < dirs.length; i++) {
    const d = dirs[i]!;
    if (d === 'components' || d === 'public' || d === 'static') return `${d}/`;
    if (d === 'pages' && dirs[i + 1] !== 'api') return 'pages/';
    if (d === 'app' && dirs[i + 1] === 'ui') return 'app/ui/';
  }
  return undefined;
}
