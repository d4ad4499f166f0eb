/**
 * `npm run eval`: scores the labelled corpus (bench/quality/cases) twice, rules-only and rules+agent with the
 * real Claude reviewer, and prints both side by side (recall, precision and F1 per category, findings per
 * clean PR), the agent's tokens and cost, and how many rule findings its second opinion rejected and whether
 * those rejections were right. One line per case as it goes. Needs ANTHROPIC_API_KEY (ANTHROPIC_BASE_URL and
 * ARCH_REVIEW_AGENT_DEADLINE_MS are honoured) or ARCH_REVIEW_PROVIDER; without either, says so and exits 0,
 * so CI can run it safely.
 *
 *   npm run eval -- [--only <language>] [--case <id>] [--verbose]
 */
import { parseArgs } from 'node:util';
import { agentOptionsFromEnv } from '../../src/agent/agent-options-from-env.js';
import { createAnthropicReviewer } from '../../src/agent/anthropic-reviewer.js';
import { createStderrLogger } from '../../src/cli/stderr-logger.js';
import type { Reviewer, TokenUsage } from '../../src/review/ports.js';
import { CASES_ROOT, loadCases, scoreCase, type CaseScore } from '../quality/cases/score.js';
import { formatComparison, sumUsage } from './eval-report.js';

const { values } = parseArgs({ options: { only: { type: 'string' }, case: { type: 'string' }, verbose: { type: 'boolean' } } });
const log = createStderrLogger(process.stderr, process.env.EVAL_VERBOSE ? 'debug' : 'warn');
const options = agentOptionsFromEnv(process.env, log);
if (!options) {
  console.log('npm run eval: ANTHROPIC_API_KEY is not set (nor ARCH_REVIEW_PROVIDER), so the labelled corpus was not reviewed by the agent (nothing to do; exit 0).');
  console.log('Set ANTHROPIC_API_KEY (and optionally ANTHROPIC_BASE_URL), or ARCH_REVIEW_PROVIDER=bedrock|vertex with its variables, to compare rules-only and rules+agent. `npx tsx bench/quality/cases/score.ts` scores the rules alone.');
  process.exit(0);
}

// The real reviewer, with each review's usage recorded on the way out.
const claude = createAnthropicReviewer(options);
const usages: TokenUsage[] = [];
const reviewer: Reviewer = {
  name: claude.name,
  async review(input) {
    const out = await claude.review(input);
    if (out.usage) usages.push(out.usage);
    return out;
  },
};

const cases = loadCases(CASES_ROOT, values.only).filter((c) => !values.case || c.id === values.case);
const rules: CaseScore[] = [];
const agent: CaseScore[] = [];
for (const c of cases) {
  const started = Date.now();
  const before = usages.length;
  const r = await scoreCase(c);
  const a = await scoreCase(c, reviewer);
  rules.push(r);
  agent.push(a);
  const cost = sumUsage(usages.slice(before)).costUsd;
  console.log(
    `${c.id}: rules ${r.tp} TP / ${r.fp} FP, rules+agent ${a.tp} TP / ${a.fp} FP, ${a.rejected.length} rejected; ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s, ${cost !== undefined ? `$${cost.toFixed(4)}` : 'cost unknown'}`,
  );
}
console.log(`\n${formatComparison(rules, agent, sumUsage(usages), { verbose: values.verbose === true })}`);
