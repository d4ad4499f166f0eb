/**
 * The part of `examples/payments-pr/README.md` that says what `npm run demo` reports: its findings (posted
 * inline, or in the summary) and what it lists collapsed as not posted inline, built from the demo's JSON
 * report. `npm run docs:demo` rewrites it; the demo test fails while it differs from a fresh run.
 */
import type { JsonReport } from '../src/cli/format-json.js';

export const DEMO_ARGS = ['review', '--diff', 'examples/payments-pr/pr.diff', '--repo-root', 'examples/payments-pr/head', '--base-root', 'examples/payments-pr/base', '--no-agent'];
export const DEMO_START = '<!-- demo-findings:start (npm run docs:demo) -->';
export const DEMO_END = '<!-- demo-findings:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const where = (f: { path: string; line: number; endLine?: number }) => `\`${f.path}:${f.endLine && f.endLine > f.line ? `${f.line}-${f.endLine}` : f.line}\``;

/** The two tables: every reported finding, and every finding listed as not posted inline, with why. */
export function demoTables(report: JsonReport): string {
  const findings = [...report.findings].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || (a.ruleId ?? '').localeCompare(b.ruleId ?? ''));
  const rows = findings.map((f) => `| ${where(f)} | \`${f.ruleId ?? 'agent'}\` | ${f.severity} | ${f.category} | ${cell(f.title)} |`);
  const demoted = [...report.demoted].sort((a, b) => a.finding.path.localeCompare(b.finding.path) || a.finding.line - b.finding.line);
  const demotedRows = demoted.map((d) => `| ${where(d.finding)} | \`${d.finding.ruleId ?? 'agent'}\` | ${d.reason} | ${cell(d.why)} |`);
  return [
    `**${findings.length} findings** reported:`,
    '',
    '| where | rule | severity | category | finding |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    demoted.length === 0
      ? 'Nothing listed as not posted inline.'
      : [`**${demoted.length} listed, collapsed, as not posted inline:**`, '', '| where | rule | why not inline | detail |', '|---|---|---|---|', ...demotedRows].join('\n'),
  ].join('\n');
}

/** The README with its demo tables replaced. Throws when the markers are missing. */
export function withDemoTables(readme: string, report: JsonReport): string {
  const start = readme.indexOf(DEMO_START);
  const end = readme.indexOf(DEMO_END);
  if (start < 0 || end < start) throw new Error(`examples/payments-pr/README.md has no ${DEMO_START} … ${DEMO_END} markers`);
  return `${readme.slice(0, start + DEMO_START.length)}\n${demoTables(report)}\n${readme.slice(end)}`;
}
