/**
 * `npm run eval`: reviews the bundled examples (examples/<name>/pr.diff with head files in
 * examples/<name>/head) with the real Claude reviewer and prints the findings, tokens and cost per
 * example. Needs ANTHROPIC_API_KEY (ANTHROPIC_BASE_URL and ARCH_REVIEW_AGENT_DEADLINE_MS are honoured);
 * without it, says so and exits 0, so CI can run it safely.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentOptionsFromEnv } from '../../src/agent/agent-options-from-env.js';
import { createAnthropicReviewer } from '../../src/agent/anthropic-reviewer.js';
import { DiffFileSource } from '../../src/cli/diff-file-source.js';
import { createStderrLogger } from '../../src/cli/stderr-logger.js';
import { defaultConfig } from '../../src/config/schema.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const log = createStderrLogger(process.stderr, process.env.EVAL_VERBOSE ? 'debug' : 'warn');
const options = agentOptionsFromEnv(process.env, log);
if (!options) {
  console.log('npm run eval: ANTHROPIC_API_KEY is not set (nor ARCH_REVIEW_PROVIDER), so no example was reviewed by the agent (nothing to do; exit 0).');
  console.log('Set ANTHROPIC_API_KEY (and optionally ANTHROPIC_BASE_URL), or ARCH_REVIEW_PROVIDER=bedrock|vertex with its variables, to review the bundled examples for real.');
  process.exit(0);
}

const reviewer = createAnthropicReviewer(options);
const examples = readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, 'examples', d.name, 'pr.diff')))
  .map((d) => d.name)
  .sort();

let totalCost = 0;
let costKnown = true;
for (const name of examples) {
  const dir = path.join(ROOT, 'examples', name);
  const started = Date.now();
  const result = await reviewPullRequest({
    source: new DiffFileSource(readFileSync(path.join(dir, 'pr.diff'), 'utf8'), path.join(dir, 'head')),
    reviewer,
    config: defaultConfig(),
    target: { repository: `examples/${name}`, headSha: 'eval', title: `Example: ${name}` },
    log,
  });
  const all = [...result.inline, ...result.summaryOnly.map((s) => s.finding)];
  const agent = all.filter((f) => f.source === 'agent');
  console.log(`\n## ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`findings: ${all.length} (${agent.length} from the agent, ${all.length - agent.length} from rules)`);
  for (const f of agent) console.log(`- [${f.severity}] ${f.category} ${f.path}:${f.line} ${f.title}`);
  if (result.assessment) console.log(`assessment: ${result.assessment}`);
  for (const q of result.questions) console.log(`question: ${q}`);
  for (const n of result.notes) console.log(`note: ${n}`);
  const u = result.usage;
  if (u) {
    console.log(`tokens: ${u.inputTokens} input, ${u.outputTokens} output, ${u.cacheReadTokens} cache read, ${u.cacheWriteTokens} cache write, ${u.requests} request(s)`);
    console.log(`cost: ${u.costUsd !== undefined ? `$${u.costUsd.toFixed(4)}` : 'unknown (model not in the price table)'}`);
    if (u.costUsd === undefined) costKnown = false;
    else totalCost += u.costUsd;
  } else {
    console.log('tokens: none (the agent made no successful request)');
  }
}
console.log(`\n${examples.length} example(s); total cost ${costKnown ? `$${totalCost.toFixed(4)}` : 'unknown'}.`);
