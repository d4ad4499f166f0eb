import { describe, expect, it } from 'vitest';
import { formatMarkdown } from '../../src/cli/format-markdown.js';
import { formatSarif } from '../../src/cli/format-sarif.js';
import { defaultConfig } from '../../src/config/schema.js';
import { reviewCheckOutcome } from '../../src/github/check-run-outcome.js';
import { createGitHubPublisher } from '../../src/github/github-publisher.js';
import { silentLogger, type ReviewResult } from '../../src/review/ports.js';
import { renderComment } from '../../src/review/render.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';
import { SUGGESTION_WITHHELD, scrubFinding } from '../../src/review/scrub-secrets.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, HEAD_SHA, PR_PATH, REF, createdReviewJson, testOctokit } from './fixtures.js';

const nock = useHttpMocks();

// Issue 7, item 12. A real-shaped Stripe live key on a line both `hardcoded-secret` and `http-call-without-timeout` flag;
// the second rule's suggestion reprints the whole line.
const KEY = 'sk_live_51HxYzQ8rT2vWk9LmNpBc4Ds';
const PATH = 'src/payments/charge.ts';
const LINES = [
  'export async function charge(amount: number): Promise<void> {',
  `  const res = await fetch('https://api.stripe.com/v1/charges', { method: 'POST', body: String(amount), headers: { Authorization: 'Bearer ${KEY}' } });`,
  '  if (!res.ok) throw new Error(`charge failed: HTTP ${res.status}`);',
  '}',
];
const DIFF = `diff --git a/${PATH} b/${PATH}
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/${PATH}
@@ -0,0 +1,${LINES.length} @@
${LINES.map((l) => `+${l}`).join('\n')}
`;

async function review(): Promise<ReviewResult> {
  return reviewPullRequest({
    source: { loadDiff: async () => ({ kind: 'unified', text: DIFF }), readFile: async () => undefined },
    config: defaultConfig(),
    target: { repository: `${REF.owner}/${REF.repo}`, number: REF.number, headSha: HEAD_SHA },
    log: silentLogger,
    rules: ALL_RULES,
  });
}

describe('no text arch-review posts holds a detected secret', () => {
  it('the rules really do flag the line twice, and one suggestion reprints the key (the premise)', async () => {
    const result = await review();
    expect(result.inline.map((f) => f.ruleId).sort()).toEqual(['hardcoded-secret', 'http-call-without-timeout']);
    expect(result.inline.find((f) => f.ruleId === 'http-call-without-timeout')!.suggestion).toContain(KEY);
  });

  it('masks the key in the review, its inline comments and the check run, and drops the suggestion that holds it', async () => {
    const result = await review();
    const posted: Array<{ body: string; comments: Array<{ body: string }> }> = [];
    nock(API)
      .post(`${PR_PATH}/reviews`, (b: (typeof posted)[number]) => (posted.push(b), true))
      .reply(200, createdReviewJson(77));
    const publisher = createGitHubPublisher(testOctokit(), REF, { headSha: HEAD_SHA, version: '0.1.0', log: silentLogger });
    await publisher.publish(result);
    const check = reviewCheckOutcome(result, { ...defaultConfig(), check_run: { enabled: true, conclusion: 'failure', fail_on: 'high' } });

    const everything = JSON.stringify({ posted, check });
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(8));
    const timeout = posted[0]!.comments.find((c) => c.body.includes('without-timeout'))!;
    expect(timeout.body).not.toContain('```suggestion');
    expect(timeout.body).toContain(SUGGESTION_WITHHELD);
    expect(posted[0]!.comments.find((c) => c.body.includes('hardcoded-secret'))!.body).toContain('sk_l****');
    expect(check.annotations).toHaveLength(2);
    expect(check.annotations.every((a) => a.raw_details === undefined)).toBe(true);
  });

  it('masks the key in the summary of a finding outside the diff, and in the CLI markdown and SARIF', async () => {
    const result = await review();
    const outside: ReviewResult = { ...result, inline: [], summaryOnly: result.inline.map((finding) => ({ finding, reason: 'not-in-diff' as const })) };
    const md = formatMarkdown(outside) + formatMarkdown(result);
    const sarif = formatSarif(result, { version: '0.1.0', rules: ALL_RULES, informationUri: 'https://example.com' });
    expect(md).toContain(SUGGESTION_WITHHELD);
    expect(md).not.toContain(KEY);
    expect(sarif).not.toContain(KEY);
  });

  it('masks a key anywhere in a finding, and leaves clean findings alone', async () => {
    const [secret] = (await review()).inline;
    const clean = { ...secret!, title: 'Plain', body: 'Plain body.', suggestion: 'await fetch(url, { signal: AbortSignal.timeout(5000) });' };
    expect(scrubFinding(clean)).toBe(clean);
    const agent = { ...clean, body: `The header carries ${KEY}.`, suggestion: "headers: { Authorization: 'Bearer sk_l****' }" };
    const scrubbed = scrubFinding(agent);
    expect(scrubbed.body).toBe(`The header carries sk_l****.\n\n${SUGGESTION_WITHHELD}`);
    expect(scrubbed.suggestion).toBeUndefined();
    expect(renderComment({ ...clean, side: 'LEFT', suggestion: `x = '${KEY}'` })).not.toContain(KEY);
  });
});
