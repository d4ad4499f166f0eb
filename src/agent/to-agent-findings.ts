import type { Finding } from '../review/finding.js';
import { fingerprint } from '../review/fingerprint.js';
import type { ReviewFile } from '../review/ports.js';
import { stripInvisible } from '../review/sanitize.js';
import type { AgentFinding } from './agent-output-schema.js';

export interface ConfinedFindings {
  findings: Finding[];
  /** Findings about a file that was not in the request (made up, or a path mangled). */
  foreign: AgentFinding[];
  /** Findings below `minConfidence`. */
  unsure: AgentFinding[];
}

const MAX_RANGE = 50;

/**
 * Turns one request's validated answer into project findings, distrusting it: a finding on a file the
 * request did not contain is set aside (`foreign`), one below `minConfidence` too (`unsure`). Lines
 * outside the diff are kept: the review core moves them to the summary. Each finding gets `source:
 * 'agent'` and a fingerprint over its category, path and the anchored head lines (normalised), so it
 * keeps its identity when lines move. Invisible characters are removed from the text here; the
 * renderer's sanitiser still handles mentions, HTML, images and links when it is posted.
 *
 * @example toAgentFindings(output.findings, request.files, 0.6).findings
 */
export function toAgentFindings(raw: readonly AgentFinding[], files: readonly ReviewFile[], minConfidence: number): ConfinedFindings {
  const byPath = new Map(files.map((f) => [f.diff.path, f]));
  const out: ConfinedFindings = { findings: [], foreign: [], unsure: [] };
  for (const a of raw) {
    const file = byPath.get(a.path);
    if (!file) {
      out.foreign.push(a);
      continue;
    }
    if (a.confidence < minConfidence) {
      out.unsure.push(a);
      continue;
    }
    // An end before the start, or a range over many lines, is not a range GitHub can anchor: keep the start.
    const endLine = a.endLine !== undefined && a.endLine > a.line && a.endLine - a.line <= MAX_RANGE ? a.endLine : undefined;
    const code = anchoredCode(file, a.line, endLine ?? a.line);
    const f: Finding = {
      path: a.path,
      line: a.line,
      ...(endLine !== undefined ? { endLine } : {}),
      side: 'RIGHT',
      category: a.category,
      severity: a.severity,
      title: stripInvisible(a.title).replace(/\s+/g, ' ').trim(),
      body: stripInvisible(a.body).trim(),
      ...(a.suggestion !== undefined ? { suggestion: stripInvisible(a.suggestion) } : {}),
      source: 'agent',
      // Without the code (no head text), the title stands in, so two findings on one file stay apart.
      fingerprint: fingerprint({ category: a.category, path: a.path, code: code.length > 0 ? code : [a.title] }),
    };
    if (f.title === '' || f.body === '') continue;
    out.findings.push(f);
  }
  return out;
}

/** Head lines `from`..`to`, from the head text, or from the hunks when the head text is missing. */
function anchoredCode(file: ReviewFile, from: number, to: number): string[] {
  if (file.headText !== undefined) return file.headText.split('\n').slice(from - 1, to);
  const byLine = new Map<number, string>();
  for (const h of file.diff.hunks) for (const l of h.lines) if (l.newLine !== undefined) byLine.set(l.newLine, l.content);
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const t = byLine.get(n);
    if (t !== undefined) out.push(t);
  }
  return out;
}
