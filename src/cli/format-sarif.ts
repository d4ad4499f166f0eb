import type { Category, Finding, Severity } from '../review/finding.js';
import { maskSecrets } from '../review/mask-secrets.js';
import type { ReviewResult } from '../review/ports.js';
import type { RuleMeta } from '../rules/types.js';
import { allFindings } from './summarize-result.js';

export interface SarifOptions {
  /** arch-review's version, for `tool.driver.version`. */
  version: string;
  /** The rules to describe in `tool.driver.rules` (the registry). */
  rules: readonly RuleMeta[];
  /** Where to read about the tool. */
  informationUri: string;
}

type SarifLevel = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, SarifLevel> = { high: 'error', medium: 'warning', low: 'note' };
/** GitHub code scanning shows security results with a CVSS-like score as critical/high/medium/low. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.5', low: '3.0' };
/** The fingerprint key; bump the suffix if fingerprints ever change meaning. */
export const SARIF_FINGERPRINT_KEY = 'archReview/v1';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: Record<string, unknown>;
}

/**
 * The review as a SARIF 2.1.0 log that GitHub code scanning accepts (`github/codeql-action/upload-sarif`):
 * one run, the registry's rules as `tool.driver.rules`, one result per finding with its level
 * (high = error, medium = warning, low = note), location and `partialFingerprints`, so code scanning
 * tracks a finding across pushes. Agent findings use the rule id `agent/<category>`.
 */
export function formatSarif(result: ReviewResult, opts: SarifOptions): string {
  return `${JSON.stringify(toSarifLog(result, opts), null, 2)}\n`;
}

/** The SARIF log as an object. */
export function toSarifLog(result: ReviewResult, opts: SarifOptions): Record<string, unknown> {
  // Uploaded to code scanning: credentials masked as in every text arch-review posts.
  const findings = allFindings(result).map((f) => ({ ...f, title: maskSecrets(f.title), body: maskSecrets(f.body) }));
  const rules: SarifRule[] = opts.rules.map(ruleDescriptor);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  for (const f of findings) {
    const id = sarifRuleId(f);
    if (index.has(id)) continue;
    index.set(id, rules.length);
    rules.push(f.source === 'agent' ? agentRuleDescriptor(f.category) : unknownRuleDescriptor(id, f));
  }

  const results = findings.map((f) => {
    const ruleId = sarifRuleId(f);
    const uri = f.path.split('/').map(encodeURIComponent).join('/');
    // A LEFT-side finding is about deleted code, which has no line in the head file: anchor it to the file.
    const region = f.side === 'LEFT' ? undefined : { startLine: f.line, endLine: f.endLine && f.endLine > f.line ? f.endLine : f.line };
    return {
      ruleId,
      ruleIndex: index.get(ruleId)!,
      level: LEVEL[f.severity],
      message: { text: `${f.title}\n\n${f.body}` },
      locations: [{ physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, ...(region ? { region } : {}) } }],
      partialFingerprints: { [SARIF_FINGERPRINT_KEY]: f.fingerprint },
      properties: { category: f.category, severity: f.severity, source: f.source },
    };
  });

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'arch-review', version: opts.version, informationUri: opts.informationUri, rules } },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

function sarifRuleId(f: Finding): string {
  return f.source === 'agent' || !f.ruleId ? `agent/${f.category}` : f.ruleId;
}

function properties(category: Category, severity: Severity): Record<string, unknown> {
  return {
    tags: [category],
    ...(category === 'security' ? { 'security-severity': SECURITY_SEVERITY[severity] } : {}),
    precision: 'high',
  };
}

function ruleDescriptor(r: RuleMeta): SarifRule {
  return {
    id: r.id,
    name: pascalCase(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: r.why },
    help: { text: r.fix, markdown: r.fix },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: properties(r.category, r.severity),
  };
}

function agentRuleDescriptor(category: Category): SarifRule {
  const text = `A ${category} problem found by the arch-review agent (Claude reviewing as a backend-integration architect).`;
  return {
    id: `agent/${category}`,
    name: `Agent${pascalCase(category)}`,
    shortDescription: { text: `Agent review: ${category}` },
    fullDescription: { text },
    help: { text: 'Each result explains what is wrong, why it matters in production, and the fix.', markdown: 'Each result explains what is wrong, why it matters in production, and the fix.' },
    defaultConfiguration: { level: 'warning' },
    properties: { ...properties(category, 'medium'), precision: 'medium' },
  };
}

/** A rule finding whose rule is not in the registry given (e.g. a rule turned off mid-run): described from the finding. */
function unknownRuleDescriptor(id: string, f: Finding): SarifRule {
  return {
    id,
    name: pascalCase(id),
    shortDescription: { text: f.title },
    fullDescription: { text: f.title },
    help: { text: f.title, markdown: f.title },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: properties(f.category, f.severity),
  };
}

function pascalCase(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
