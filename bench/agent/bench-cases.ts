import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiffFileSource } from '../../src/cli/diff-file-source.js';
import { generateLargePr } from './generate-large-pr.js';
import { MemorySource } from './memory-source.js';
import { measureAgentPrompt, type PromptMeasure } from './measure-agent-prompt.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The demo PR bundled in examples/payments-pr. */
export const DEMO_PR = {
  diff: path.join(ROOT, 'examples/payments-pr/pr.diff'),
  head: path.join(ROOT, 'examples/payments-pr/head'),
  target: {
    repository: 'acme/payments',
    number: 1,
    headSha: 'demo',
    title: 'Stripe and partner webhooks, CRM sync, ledger export',
    body: 'Adds the Stripe and partner webhooks, syncs plans to the CRM, and exports the ledger.',
    commitMessages: ['Stripe and partner webhooks, CRM sync, ledger export'],
  },
};

/** Measures the demo PR and the generated large PR. */
export async function measureBenchCases(): Promise<PromptMeasure[]> {
  const demo = await measureAgentPrompt({ name: 'demo PR (examples/payments-pr)', source: new DiffFileSource(readFileSync(DEMO_PR.diff, 'utf8'), DEMO_PR.head), target: DEMO_PR.target });
  const large = generateLargePr();
  const big = await measureAgentPrompt({
    name: 'generated large PR',
    source: new MemorySource(large.diff, large.headFiles),
    target: { repository: 'acme/shop', number: 2, headSha: 'large', title: large.title, body: large.body },
  });
  return [demo, big];
}
