import type { FileClassification } from '../diff/types.js';
import { renderIntegrationMap } from '../integration/render-map.js';
import { CATEGORIES, SEVERITIES, type Finding, type Severity } from './finding.js';
import { CATEGORY_LABEL, SEVERITY_BADGE } from './labels.js';
import { codeBlock, escapeTableCell, fenceFor, inlineCode, splitCodeSegments } from './markdown.js';
import { fitMarker } from './marker.js';
import { maskSecrets } from './mask-secrets.js';
import type { DemotedFinding, ReviewResult, SummaryFinding, TokenUsage } from './ports.js';
import { sanitizeInline, sanitizeMarkdown, stripInvisible, type SanitizeOptions } from './sanitize.js';
import { scrubFinding } from './scrub-secrets.js';
import { VERSION } from './version.js';

/** GitHub's limit on a review or comment body, in characters. */
export const GITHUB_BODY_LIMIT = 65_536;

export interface RenderOptions {
  /**
   * Links to URLs starting with one of these stay links; every other link becomes text.
   * Default for the summary: `https://github.com/<owner>/<repo>/` of the reviewed repository; for a comment: none.
   */
  allowedLinkPrefixes?: readonly string[];
}

export interface RenderSummaryOptions extends RenderOptions {
  /** Upper bound on the body's length (default `GITHUB_BODY_LIMIT`). The marker is always kept whole. */
  maxLength?: number;
  /** The version written into the marker (default: this package's). */
  version?: string;
}

const SKIPPED_COLLAPSE_AT = 10;
const REVIEWED_COLLAPSE_AT = 20;
const TRUNCATED = '…truncated';

const REASON_TEXT: Record<SummaryFinding['reason'], string> = {
  'not-in-diff': 'outside the diff',
  'over-cap': 'over the inline-comment limit',
  'rejected-by-github': 'GitHub rejected the inline comment',
  'learned-summary-only': 'its rule was dismissed often here: summary only',
};

/**
 * How much detail the summary keeps. Each step drops the next lowest-priority part, in order:
 * skipped-file names, then summary-only finding bodies (lowest-ranked first), then reviewed-file names,
 * then summary-only findings themselves (lowest-ranked first).
 */
interface Detail {
  /** How many demoted findings are listed (the first part shortened). */
  demotedItems: number;
  skippedNames: boolean;
  bodies: number;
  reviewedNames: boolean;
  summaryItems: number;
}

/**
 * The review summary in markdown: a headline with counts by severity, a table by category, the
 * assessment, findings that could not be inline (with the reason; bodies collapsed), questions for the
 * author, the files reviewed and skipped with reasons, notes, the already-posted count, the model cost,
 * and the hidden state marker last. Every untrusted text goes through `sanitizeMarkdown`, and the whole text
 * through `maskSecrets` (a suggestion that would hold a credential is dropped: see `scrubFinding`).
 * When the body would exceed `maxLength`, the lowest-priority parts are shortened first, with a visible
 * "…truncated" note; the marker is never cut.
 *
 * @example await octokit.pulls.createReview({ ..., body: renderSummary(result) })
 */
export function renderSummary(input: ReviewResult, opts: RenderSummaryOptions = {}): string {
  const maxLength = opts.maxLength ?? GITHUB_BODY_LIMIT;
  const san: SanitizeOptions = { allowedLinkPrefixes: opts.allowedLinkPrefixes ?? defaultPrefixes(input.target.repository) };
  const { text: marker, omitted } = markerFor(input, opts.version ?? VERSION);
  const result = { ...input, summaryOnly: input.summaryOnly.map((s) => ({ ...s, finding: scrubFinding(s.finding) })), demoted: (input.demoted ?? []).map((s) => ({ ...s, finding: scrubFinding(s.finding) })), notes: omitted > 0 ? [...input.notes, markerNote(omitted)] : input.notes };
  const n = result.summaryOnly.length;
  const render = (d: Detail) => `${renderBody(result, d, san)}\n\n${marker}`;
  const fits = (d: Detail) => render(d).length <= maxLength;
  // The last net: nothing posted may hold a credential, whatever text it came from (the marker holds none).
  const finish = (d: Detail) => {
    const body = maskSecrets(renderBody(result, d, san));
    const out = `${body}\n\n${marker}`;
    return out.length <= maxLength ? out : hardCut(body, marker, maxLength);
  };

  const nd = result.demoted?.length ?? 0;
  let d: Detail = { demotedItems: nd, skippedNames: true, bodies: n, reviewedNames: true, summaryItems: n };
  if (fits(d)) return finish(d);
  d = { ...d, demotedItems: largest(nd, (k) => fits({ ...d, demotedItems: k })) };
  if (fits(d)) return finish(d);
  d = { ...d, skippedNames: false };
  if (fits(d)) return finish(d);
  d = { ...d, bodies: largest(n, (k) => fits({ ...d, bodies: k })) };
  if (fits(d)) return finish(d);
  d = { ...d, reviewedNames: false };
  if (fits(d)) return finish(d);
  d = { ...d, summaryItems: largest(n, (k) => fits({ ...d, summaryItems: k })) };
  if (fits(d)) return finish(d);
  return hardCut(maskSecrets(renderBody(result, d, san)), marker, maxLength);
}

/**
 * One inline review comment: a badge line (severity, category, rule), the title in bold, the body, and
 * a ```` ```suggestion ```` block when the finding has a suggestion for the new side. The suggestion is
 * code: only invisible characters are removed, and its fence is longer than any backtick run in it.
 * Credentials are masked everywhere, and a suggestion that would hold one is left out with a note.
 */
export function renderComment(input: Finding, opts: RenderOptions = {}): string {
  const san: SanitizeOptions = { allowedLinkPrefixes: opts.allowedLinkPrefixes ?? [] };
  const finding = scrubFinding(input);
  const source = finding.ruleId ? `rule ${inlineCode(stripInvisible(finding.ruleId))}` : 'reviewer';
  const parts = [
    `${SEVERITY_BADGE[finding.severity]} · ${CATEGORY_LABEL[finding.category]} · ${source}`,
    `**${sanitizeInline(finding.title, san)}**`,
    sanitizeMarkdown(finding.body, san).trim(),
  ];
  if (finding.suggestion !== undefined) {
    // GitHub applies suggestions to the new side only; on the old side it is just a proposal.
    parts.push(finding.side === 'RIGHT' ? suggestionBlock(finding.suggestion) : `Suggested change:\n\n${codeBlock(stripInvisible(finding.suggestion))}`);
  }
  // The last net: nothing posted may hold a credential, whatever text it came from.
  return maskSecrets(parts.join('\n\n'));
}

/**
 * The hidden marker for a review: its open findings with severity (or only its fingerprints), within the
 * marker's budget, and how many fingerprints that budget left out.
 * @example const { text, omitted } = markerFor(result, VERSION);
 */
export function markerFor(result: ReviewResult, version: string): { text: string; omitted: number } {
  return fitMarker({ headSha: result.target.headSha, fingerprints: result.fingerprints, ...(result.open ? { open: result.open } : {}), version });
}

/** The visible note for a marker that could not list every finding. */
export const markerNote = (omitted: number): string =>
  `This review has too many findings to remember them all: ${plural(omitted, 'less severe finding')} may be posted again by a later review.`;

function suggestionBlock(suggestion: string): string {
  const code = stripInvisible(suggestion);
  const fence = fenceFor(code);
  const body = code === '' || code.endsWith('\n') ? code : `${code}\n`;
  return `${fence}suggestion\n${body}${fence}`;
}

function defaultPrefixes(repository: string): string[] {
  return /^[\w.-]+\/[\w.-]+$/.test(repository) ? [`https://github.com/${repository}/`] : [];
}

/** The largest k in [0, n] with ok(k), assuming ok is monotone (true up to some k). */
function largest(n: number, ok: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function renderBody(r: ReviewResult, d: Detail, san: SanitizeOptions): string {
  const sections = [
    headline(r),
    categoryTable(r),
    r.assessment ? `### Assessment\n\n${sanitizeMarkdown(r.assessment, san).trim()}` : '',
    // Built from code facts only; names from the PR are code spans and plain diagram labels (see renderIntegrationMap).
    r.integrationMap ? renderIntegrationMap(r.integrationMap) : '',
    summaryFindings(r.summaryOnly, d, san),
    demotedFindings(r.demoted ?? [], d, san),
    questions(r.questions, san),
    filesSection(r.files, d, san),
    notes(r, san),
    footer(r),
  ];
  return sections.filter((s) => s !== '').join('\n\n');
}

function severityCounts(r: ReviewResult): Record<Severity, number> {
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const f of [...r.inline, ...r.summaryOnly.map((s) => s.finding)]) counts[f.severity]++;
  return counts;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function headline(r: ReviewResult): string {
  const total = r.inline.length + r.summaryOnly.length;
  const reviewed = r.files.filter((f) => f.selected).length;
  if (total === 0) {
    const why = reviewed === 0 ? 'No backend or integration files to review in this change.' : `No findings in ${plural(reviewed, 'reviewed file')}.`;
    return `## arch-review\n\n**${why}**`;
  }
  const sev = severityCounts(r);
  const bySeverity = SEVERITIES.filter((s) => sev[s] > 0)
    .map((s) => `${SEVERITY_BADGE[s].split(' ')[0]} ${sev[s]} ${s}`)
    .join(' · ');
  const where = [r.inline.length > 0 ? plural(r.inline.length, 'inline comment') : '', r.summaryOnly.length > 0 ? `${r.summaryOnly.length} in this summary` : '']
    .filter((s) => s !== '')
    .join(', ');
  return `## arch-review\n\n**${plural(total, 'finding')}**: ${bySeverity} (${where}).`;
}

function categoryTable(r: ReviewResult): string {
  if (r.inline.length + r.summaryOnly.length === 0) return '';
  const rows = CATEGORIES.map((c) => `| ${escapeTableCell(CATEGORY_LABEL[c])} | ${r.counts[c] ?? 0} |`);
  return ['| Category | Findings |', '| --- | ---: |', ...rows].join('\n');
}

function location(f: Finding): string {
  const lines = f.endLine !== undefined && f.endLine > f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
  return inlineCode(`${stripInvisible(f.path)}:${lines}${f.side === 'LEFT' ? ' (old)' : ''}`);
}

function summaryFindings(items: readonly SummaryFinding[], d: Detail, san: SanitizeOptions): string {
  if (items.length === 0) return '';
  const shown = items.slice(0, d.summaryItems).map((s, i) => {
    const f = s.finding;
    const head = `**${SEVERITY_BADGE[f.severity]} · ${CATEGORY_LABEL[f.category]}** · ${location(f)} · ${sanitizeInline(f.title, san)} _(${REASON_TEXT[s.reason]})_`;
    if (i >= d.bodies) return head;
    let details = sanitizeMarkdown(f.body, san).trim();
    if (f.suggestion !== undefined) details += `\n\nSuggested change:\n\n${codeBlock(stripInvisible(f.suggestion))}`;
    return `${head}\n\n<details>\n<summary>Details</summary>\n\n${details}\n\n</details>`;
  });
  const cut: string[] = [];
  if (d.bodies < Math.min(items.length, d.summaryItems)) cut.push(`_${TRUNCATED}: details of the last ${plural(Math.min(items.length, d.summaryItems) - d.bodies, 'finding')} left out to fit GitHub's size limit._`);
  if (d.summaryItems < items.length) cut.push(`_${TRUNCATED}: ${plural(items.length - d.summaryItems, 'more finding')} not listed, to fit GitHub's size limit._`);
  return [`### Not posted inline (${items.length})`, ...shown, ...cut].join('\n\n');
}

const DEMOTION_HEADING: Record<DemotedFinding['reason'], string> = {
  'low-confidence': 'Lower confidence',
  'pre-existing': 'Already in the base branch',
  'rejected-by-agent': 'Rejected by the reviewer on a second look',
  dismissed: 'Dismissed earlier (👎, resolved unchanged, or a reply)',
};

/** Findings kept out of the inline comments on purpose, collapsed, grouped by why. */
function demotedFindings(items: readonly DemotedFinding[], d: Detail, san: SanitizeOptions): string {
  if (items.length === 0) return '';
  const shown = items.slice(0, d.demotedItems);
  const groups = (Object.keys(DEMOTION_HEADING) as Array<DemotedFinding['reason']>)
    .map((reason) => {
      const group = shown.filter((s) => s.reason === reason);
      if (group.length === 0) return '';
      const lines = group.map((s) => {
        const f = s.finding;
        const rule = f.ruleId ? ` · ${inlineCode(stripInvisible(f.ruleId))}` : '';
        return `- ${SEVERITY_BADGE[f.severity].split(' ')[0]} ${location(f)}${rule} · ${sanitizeInline(f.title, san)} — ${sanitizeInline(s.why, san)}`;
      });
      return `**${DEMOTION_HEADING[reason]}** (${group.length})\n\n${lines.join('\n')}`;
    })
    .filter((g) => g !== '');
  if (shown.length < items.length) groups.push(`_${TRUNCATED}: ${plural(items.length - shown.length, 'more finding')} not listed, to fit GitHub's size limit._`);
  const summary = `Not posted inline: ${plural(items.length, 'lower-confidence, pre-existing or rejected finding')}`;
  return `<details>\n<summary>${summary}</summary>\n\n${groups.join('\n\n')}\n\n</details>`;
}

function indentContinuation(text: string, pad: string): string {
  return text.replace(/\n(?!\n)/g, `\n${pad}`).replace(/\n\n/g, `\n\n${pad}`);
}

function questions(list: readonly string[], san: SanitizeOptions): string {
  if (list.length === 0) return '';
  const items = list.map((q, i) => `${i + 1}. ${indentContinuation(sanitizeMarkdown(q, san).trim(), '   ')}`);
  return `### Questions for the author\n\n${items.join('\n')}`;
}

function collapsible(summary: string, body: string, collapse: boolean): string {
  return collapse ? `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>` : `${summary}:\n\n${body}`;
}

function filesSection(files: readonly FileClassification[], d: Detail, san: SanitizeOptions): string {
  if (files.length === 0) return '';
  const reviewed = files.filter((f) => f.selected);
  const skipped = files.filter((f) => !f.selected);
  const parts = ['### Files'];

  const reviewedHead = `Reviewed ${reviewed.length} of ${plural(files.length, 'changed file')}`;
  if (reviewed.length === 0) parts.push(`${reviewedHead}.`);
  else if (!d.reviewedNames) parts.push(`${reviewedHead}. _${TRUNCATED}: the list of reviewed files was left out to fit GitHub's size limit._`);
  else {
    const list = reviewed.map((f) => `- ${inlineCode(stripInvisible(f.path))} — ${sanitizeInline(f.reason, san)}`).join('\n');
    parts.push(collapsible(reviewedHead, list, reviewed.length > REVIEWED_COLLAPSE_AT));
  }

  if (skipped.length > 0) {
    const groups = new Map<string, FileClassification[]>();
    for (const f of skipped) {
      const key = f.skipReason ?? 'other';
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const head = `Skipped ${plural(skipped.length, 'file')}`;
    const lines = [...groups].map(([reason, group]) => {
      const label = `**${escapeLabel(reason)}** (${group.length})`;
      if (!d.skippedNames) return `- ${label}`;
      const names = group.map((f) => `${inlineCode(stripInvisible(f.path))}${f.reason && f.reason !== reason ? ` (${sanitizeInline(f.reason, san)})` : ''}`);
      return `- ${label}: ${names.join(', ')}`;
    });
    if (!d.skippedNames) lines.push(`\n_${TRUNCATED}: skipped file names left out to fit GitHub's size limit._`);
    parts.push(collapsible(head, lines.join('\n'), d.skippedNames && skipped.length > SKIPPED_COLLAPSE_AT));
  }
  return parts.join('\n\n');
}

const escapeLabel = (s: string): string => stripInvisible(s).replace(/[^\w -]/g, '');

function notes(r: ReviewResult, san: SanitizeOptions): string {
  const items = r.notes.map((n) => sanitizeInline(n, san)).filter((n) => n !== '');
  if ((r.suppressed?.length ?? 0) > 0) items.push(`${plural(r.suppressed!.length, 'finding')} suppressed in code (\`arch-review-ignore\` comments).`);
  if (r.alreadyPosted > 0) items.push(`${plural(r.alreadyPosted, 'finding')} from an earlier review of this pull request ${r.alreadyPosted === 1 ? 'is' : 'are'} not repeated.`);
  if (items.length === 0) return '';
  return `### Notes\n\n${items.map((n) => `- ${n}`).join('\n')}`;
}

function usageLine(u: TokenUsage): string {
  const cache = u.cacheReadTokens + u.cacheWriteTokens > 0 ? ` (cache: ${u.cacheReadTokens.toLocaleString('en-US')} read, ${u.cacheWriteTokens.toLocaleString('en-US')} written)` : '';
  const cost = u.costUsd !== undefined ? `, about $${u.costUsd.toFixed(2)}` : '';
  return `Model usage: ${u.inputTokens.toLocaleString('en-US')} input and ${u.outputTokens.toLocaleString('en-US')} output tokens${cache} in ${plural(u.requests, 'request')}${cost}.`;
}

function footer(r: ReviewResult): string {
  const sha = stripInvisible(r.target.headSha).slice(0, 12);
  const lines: string[] = [];
  if (r.usage) lines.push(`_${usageLine(r.usage)}_`);
  lines.push(`_Reviewed at ${inlineCode(sha)} by arch-review._`);
  return lines.join('\n\n');
}

/** Last resort: cut at a line end, close what the cut left open, say so, and append the marker whole. */
function hardCut(body: string, marker: string, maxLength: number): string {
  const note = `_${TRUNCATED} to fit GitHub's size limit._`;
  const reserve = marker.length + note.length + 64;
  let cut = body.slice(0, Math.max(0, maxLength - reserve));
  const nl = cut.lastIndexOf('\n');
  if (nl > 0) cut = cut.slice(0, nl);
  let closing = '';
  const segments = splitCodeSegments(cut);
  const last = segments[segments.length - 1];
  if (last?.kind === 'fence' && !last.closed) closing += `\n${last.marker}`;
  let open = 0;
  for (const s of segments) if (s.kind === 'text') open += (s.text.match(/<details>/g) ?? []).length - (s.text.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < open; i++) closing += '\n\n</details>';
  const out = `${cut}${closing}\n\n${note}\n\n${marker}`;
  return out.length <= maxLength ? out : `${note}\n\n${marker}`;
}
