import type { NapiConfig, SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, callLabel, calleeSegments } from '../ast/external-call.js';
import { enclosingFunction, isTsLike } from '../ast/function-scope.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import type { Rule, RuleMatch } from '../types.js';
import { isOperatorToolPath } from './operator-tools.js';
import { dynamicString, type DynamicString } from './dynamic-string.js';
import { argumentsOf, callHead, isTaggedTemplate } from './syntax.js';

/** Methods that run the SQL text they are given, per language. */
const SINKS: Record<'js' | 'python' | 'go' | 'java', RegExp> = {
  js: /^(query|execute|raw|\$queryRawUnsafe|\$executeRawUnsafe|queryRawUnsafe|executeRawUnsafe|unsafe|whereRaw|orWhereRaw|havingRaw|orderByRaw|joinRaw|fromRaw|selectRaw)$/,
  python: /^(execute|executemany|executescript|mogrify|raw|text|read_sql|read_sql_query|exec_driver_sql)$/,
  go: /^(Query|QueryRow|Exec|QueryContext|QueryRowContext|ExecContext|Prepare|PrepareContext|Queryx|QueryRowx|QueryxContext|QueryRowxContext|Select|SelectContext|Get|GetContext|MustExec|MustExecContext|NamedExec|NamedQuery|Raw)$/,
  java: /^(executeQuery|executeUpdate|execute|executeLargeUpdate|addBatch|prepareStatement|prepareCall|query|queryForObject|queryForList|queryForMap|queryForRowSet|queryForStream|update|batchUpdate|createQuery|createNativeQuery|createSQLQuery)$/,
};

/**
 * Sinks whose argument is a SQL fragment by definition (a condition, an ordering), so it need not look
 * like a statement: knex `whereRaw`, GORM `Where`/`Order`/`Having`/`Joins`, Django `RawSQL`.
 */
const FRAGMENT_SINKS: Record<'js' | 'python' | 'go' | 'java', RegExp> = {
  js: /^(whereRaw|orWhereRaw|havingRaw|orderByRaw|joinRaw|fromRaw|selectRaw)$/,
  python: /^(RawSQL)$/,
  go: /^(Where|Or|Not|Having|Order|Joins|Group)$/,
  java: /^$/,
};

/** Cheap prefilter on the call text: every sink name contains one of these. */
const SINK_HINT = /query|exec|raw|unsafe|prepare|select|get|text|read_sql|update|batch|mogrify|where|order|having|joins|group|\.Or|\.Not|RawSQL/i;

/** SQL statements, by how they start or by clauses only SQL has. */
const SQL_START = /^\s*\(?\s*(select|insert\s+into|update|delete\s+from|with|merge\s+into|replace\s+into|upsert|create|drop|alter|truncate|call)\b/i;
const SQL_CLAUSE = /\b(select\b[\s\S]*\bfrom|insert\s+into|update\s+[\w."`]+\s+set|delete\s+from|where\s+[\w."`]+\s*(=|<|>|like|in\b|is\b|between|!=|<>)|order\s+by|group\s+by|values\s*\()/i;

const family = (language: RuleLanguage): 'js' | 'python' | 'go' | 'java' =>
  isTsLike(language) ? 'js' : language === 'python' ? 'python' : language === 'go' ? 'go' : 'java';

/** The parameterised form, in the language of the file. */
const PARAMETERISED: Record<'js' | 'python' | 'go' | 'java', string> = {
  js: "Use placeholders and pass the values separately: `pool.query('SELECT * FROM users WHERE email = $1', [email])` (node-postgres; `?` for mysql2), `knex.raw('… = ?', [email])`, Sequelize `replacements`, or Prisma's tagged `$queryRaw\\`… ${email}\\``.",
  python: 'Use placeholders and pass the values separately: `cursor.execute("SELECT * FROM users WHERE email = %s", (email,))`, or `session.execute(text("SELECT * FROM users WHERE email = :email"), {"email": email})`.',
  go: 'Use placeholders and pass the values as arguments: `db.QueryContext(ctx, "SELECT * FROM users WHERE email = $1", email)` (`?` for MySQL and SQLite).',
  java: 'Use a `PreparedStatement` with `?` and `ps.setString(1, email)`, `jdbcTemplate.query("SELECT * FROM users WHERE email = ?", mapper, email)`, or JPA `createQuery("… WHERE u.email = :email").setParameter("email", email)`.',
};

/** The arguments of a sink call that carry SQL text (Go sinks take it in different positions, so all are checked). */
function sqlArguments(call: SgNode, language: RuleLanguage): readonly SgNode[] {
  const args = argumentsOf(call);
  if (language === 'go') return args;
  const first = args[0];
  if (!first) return [];
  // node-postgres query config: `pool.query({ text: \`…\`, values })`.
  if (kindOf(first) === 'object') {
    const text = first.children().find((p) => kindOf(p) === 'pair' && /^(text|sql)$/.test(fieldOf(p, 'key')?.text() ?? ''));
    const value = text ? fieldOf(text, 'value') : null;
    return value ? [value] : [];
  }
  return [first];
}

/** A piece of text every sink name of the family contains: short, so ast-grep compiles it quickly for each file. */
const SINK_PIECES: Record<'js' | 'python' | 'go' | 'java', string> = {
  js: 'query|execute|unsafe|raw|Raw',
  python: 'exec|mogrify|raw|text|read_sql|RawSQL',
  go: 'Query|Exec|Prepare|Select|Get|Raw|Where|Or|Not|Having|Order|Joins|Group',
  java: 'execute|Batch|prepare|query|Query|update|Update',
};

/** The same pieces as a JS regex, to test the whole source before any tree search. */
const SINK_PIECE_TEXT: Record<'js' | 'python' | 'go' | 'java', RegExp> = {
  js: new RegExp(SINK_PIECES.js),
  python: new RegExp(SINK_PIECES.python),
  go: new RegExp(SINK_PIECES.go),
  java: new RegExp(SINK_PIECES.java),
};

/**
 * Calls whose callee could end in a sink name, matched natively: every callee segment is part of the
 * callee's text (Java: the method is the `name`), so a call without a sink piece there cannot pass the exact test below.
 */
function sinkCandidates(language: RuleLanguage): NapiConfig {
  const fam = family(language);
  return { rule: { kind: CALL_KIND[language], has: { field: fam === 'java' ? 'name' : 'function', regex: SINK_PIECES[fam] } } };
}

function describe(built: DynamicString): string {
  const values = [...new Set(built.unsafe.map((u) => `\`${quote(u.text(), 40)}\``))].slice(0, 3).join(', ');
  const via = built.via ? ` in \`${built.via.name}\` (line ${lineOf(built.via.statement)})` : '';
  return `SQL is built with ${built.how}${via} from ${values}`;
}

/**
 * `sql-string-building`: SQL text built by interpolation, concatenation or formatting and handed to a
 * query call (directly or through a local variable). Values known to be harmless are ignored: literals,
 * UPPER_CASE constants, numbers (cast or declared), generated placeholder lists, a choice between
 * literals, and filter lists joined from literal fragments. Tagged templates (`sql\`…\``,
 * `prisma.$queryRaw\`…\``) bind their values and are never reported.
 */
export const sqlStringBuilding: Rule = {
  id: 'sql-string-building',
  category: 'security',
  severity: 'high',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'SQL built from string interpolation',
  why:
    'A value spliced into SQL text is parsed as SQL: one crafted input (`\' OR 1=1 --`) reads or deletes other customers\' rows, and even trusted values break the query on a stray quote; the database cannot reuse plans for ever-changing text either.',
  fix:
    'Keep the SQL text constant and pass every value as a bind parameter (`$1`, `?`, `%s`, `:name` depending on the driver). Table, column and sort names cannot be bound: map them through an allow-list of known identifiers.',
  exemptions:
    'Silent for bound parameters and tagged templates (`sql` tags, Prisma `$queryRaw`); for values that cannot carry SQL: literals, UPPER_CASE and outer-scope constants, numbers (cast, unary `+`, declared type, or a same-file function declared to return one), generated placeholder lists, choices between literals, lookups in a constant map (`SORT_COLUMNS[key]`), identifiers checked against an allow-list before use (`if col not in ALLOWED: raise`), escaping helpers and `this.tableName`; and in command-line tools, scripts and migrations, where the operator supplies the values.',
  confidence: 0.75, // estimate: 0 firings on the real-world corpus after the fixes (the 5 earlier ones were all FP and are gone); 1 TP on the labelled cases
  check(ctx) {
    const { language } = ctx;
    const fam = family(language);
    const matches: RuleMatch[] = [];
    // The callee's text is part of the source: a file without any sink piece has no candidate call.
    if (isOperatorToolPath(ctx.path) || !SINK_PIECE_TEXT[fam].test(ctx.source)) return matches;
    for (const call of ctx.root.root().findAll(sinkCandidates(language))) {
      if (isTaggedTemplate(call) || !SINK_HINT.test(callHead(call))) continue;
      const segs = calleeSegments(call, language);
      const method = segs[segs.length - 1] ?? '';
      const fragment = FRAGMENT_SINKS[fam].test(method);
      if (!SINKS[fam].test(method) && !fragment) continue;
      const scope = { node: enclosingFunction(call, language) ?? ctx.root.root(), language };
      // The reported value is in the call or in an assignment looked up in this scope: the scope holds the match.
      if (!inChange(ctx, scope.node)) continue;
      // A fragment sink's later arguments are bind values (`Where("name LIKE ?", pattern)`).
      for (const arg of fragment ? sqlArguments(call, language).slice(0, 1) : sqlArguments(call, language)) {
        const built = dynamicString(arg, scope);
        if (!built || built.unsafe.length === 0) continue;
        if (!fragment && !SQL_START.test(built.staticText) && !SQL_CLAUSE.test(built.staticText)) continue;
        const first = built.unsafe[0];
        if (!first) continue;
        matches.push({
          line: lineOf(first),
          detail: `${describe(built)}, then run by \`${callLabel(call, language)}\`. ${PARAMETERISED[fam]}`,
        });
        break;
      }
    }
    return matches.sort((a, b) => a.line - b.line);
  },
};
