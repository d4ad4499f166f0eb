/**
 * The fault fake GitHub itself (no app process): its routes answer like GitHub's, and its faults are
 * what the suite claims (a reset after a write leaves the write applied; rate limits carry
 * retry-after), seeded so a run can be repeated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { headContent, planScenario } from './scenario-plan.js';
import { startFaultGitHub } from './fault-github.js';
import type { FaultGitHub, FaultOptions } from './fault-github.js';

const INSTALLATIONS = [
  { id: 11, owner: 'org1', repo: 'svc1' },
  { id: 12, owner: 'org2', repo: 'svc2' },
];
const SHA0 = 'a'.repeat(40);
const SHA1 = 'c'.repeat(40);
/** An app JWT with the claims the fake checks (no public key given, so the signature is not). */
const JWT = ['{"alg":"RS256"}', JSON.stringify({ iss: 1, exp: Math.floor(Date.now() / 1000) + 600 }), 'sig'].map((p, i) => (i < 2 ? Buffer.from(p).toString('base64url') : p)).join('.');

let github: FaultGitHub | undefined;
afterEach(async () => {
  await github?.close();
  github = undefined;
});

async function start(faults: FaultOptions): Promise<FaultGitHub> {
  github = await startFaultGitHub({ appId: 1, appSlug: 'arch-review', installations: INSTALLATIONS, faults, permissions: { alice: 'write' } });
  github.openPullRequest('org1/svc1', 1, headContent(1, SHA0, 0));
  return github;
}

async function call(path: string, init: { method?: string; token?: string; body?: unknown; accept?: string } = {}) {
  const res = await fetch(`http://${github!.host}/api/v3${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: init.token ? `token ${init.token}` : `bearer ${JWT}`, accept: init.accept ?? 'application/vnd.github+json', 'content-type': 'application/json' },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text && res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('the fault fake GitHub', () => {
  it('serves installations, tokens scoped to their repository, pull requests whose head moves, and check runs per commit', async () => {
    const gh = await start({ seed: 1, rate: 0 });
    const listed = await call('/app/installations?per_page=1');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('link')).toContain('rel="next"');
    const token = (await call('/app/installations/11/access_tokens', { method: 'POST' })).json!.token as string;

    expect((await call('/installation/repositories', { token })).json).toMatchObject({ total_count: 1, repositories: [{ full_name: 'org1/svc1' }] });
    expect((await call('/repos/org2/svc2/pulls', { token })).status).toBe(404);
    expect(((await call('/repos/org1/svc1/pulls/1', { token })).json!.head as { sha: string }).sha).toBe(SHA0);
    expect((await call('/repos/org1/svc1/pulls/1', { token, accept: 'application/vnd.github.v3.diff' })).text).toContain('diff --git a/src/payments/stripe-webhook.ts');

    gh.push('org1/svc1', 1, headContent(1, SHA1, 1));
    const open = await call('/repos/org1/svc1/pulls?state=open&sort=updated&direction=desc', { token });
    expect((open.json as unknown as { head: { sha: string } }[])[0]!.head.sha).toBe(SHA1);
    expect((await call('/repos/org1/svc1/pulls/1', { token, accept: 'application/vnd.github.v3.diff' })).text).toContain('src/payments/step-1/stripe-webhook.ts');

    await call('/repos/org1/svc1/check-runs', { method: 'POST', token, body: { name: 'arch-review', head_sha: SHA1, status: 'in_progress' } });
    await call('/repos/org1/svc1/check-runs', { method: 'POST', token, body: { name: 'other', head_sha: SHA1, status: 'in_progress' } });
    const runs = await call(`/repos/org1/svc1/commits/${SHA1}/check-runs?check_name=arch-review`, { token });
    expect(runs.json).toMatchObject({ total_count: 1, check_runs: [{ name: 'arch-review', status: 'in_progress', app: { id: 1, slug: 'arch-review' } }] });
  });

  it('rejects a review comment off the diff with 422 and keeps one pending review per pull request', async () => {
    const gh = await start({ seed: 1, rate: 0 });
    const token = gh.installations[0]!.token;
    await call('/app/installations/11/access_tokens', { method: 'POST' });
    const off = await call('/repos/org1/svc1/pulls/1/reviews', { method: 'POST', token, body: { commit_id: SHA0, event: 'COMMENT', body: 'x', comments: [{ path: 'src/payments/stripe-webhook.ts', line: 999, side: 'RIGHT', body: 'no' }] } });
    expect(off.status).toBe(422);
    expect((await call('/repos/org1/svc1/pulls/1/reviews', { method: 'POST', token, body: { commit_id: SHA0, comments: [] } })).status).toBe(200);
    expect((await call('/repos/org1/svc1/pulls/1/reviews', { method: 'POST', token, body: { commit_id: SHA0, comments: [] } })).status).toBe(422);
  });

  it('a reset after a write: the client sees the connection drop, yet GitHub made the change', async () => {
    const gh = await start({ seed: 3, rate: 1, mix: { '500': 0, '502': 0, '503': 0, '429': 0, 'secondary-403': 0, slow: 0, 'reset-before': 0, 'reset-after': 1 } });
    const token = gh.installations[0]!.token;
    await expect(call('/repos/org1/svc1/pulls/1/reviews', { method: 'POST', token, body: { commit_id: SHA0, event: 'COMMENT', body: 'once' } })).rejects.toThrow();
    expect(gh.submittedReviews('org1/svc1', 1).map((r) => r.body)).toEqual(['once']);
    expect(gh.calls.at(-1)).toMatchObject({ method: 'POST', status: 0, fault: 'reset-after', applied: true });
  });

  it('a secondary rate limit is a 403 with its message and retry-after', async () => {
    const gh = await start({ seed: 3, rate: 1, retryAfterS: 2, mix: { '500': 0, '502': 0, '503': 0, '429': 0, 'secondary-403': 1, slow: 0, 'reset-before': 0, 'reset-after': 0 } });
    const limited = await call('/repos/org1/svc1/pulls/1', { token: gh.installations[0]!.token });
    expect(limited.status).toBe(403);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(String(limited.json!.message)).toMatch(/secondary rate limit/);
  });

  it('a reset before a write applies nothing', async () => {
    const gh = await start({ seed: 3, rate: 1, mix: { '500': 0, '502': 0, '503': 0, '429': 0, 'secondary-403': 0, slow: 0, 'reset-before': 1, 'reset-after': 0 } });
    await expect(call('/repos/org1/svc1/pulls/1/reviews', { method: 'POST', token: gh.installations[0]!.token, body: { commit_id: SHA0, event: 'COMMENT', body: 'x' } })).rejects.toThrow();
    expect(gh.reviews).toEqual([]);
    expect(gh.calls.at(-1)).toMatchObject({ status: 0, fault: 'reset-before', applied: false });
  });

  it('faults about the configured share of requests, the same ones for the same seed and request order', async () => {
    const faultsOf = async (seed: number) => {
      const gh = await start({ seed, rate: 0.2, mix: { slow: 0, 'reset-before': 0, 'reset-after': 0 } });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await call('/app')).status);
      await gh.close();
      github = undefined;
      return statuses;
    };
    const a = await faultsOf(42);
    expect(await faultsOf(42)).toEqual(a);
    const faulted = a.filter((s) => s !== 200).length;
    expect(faulted).toBeGreaterThan(20);
    expect(faulted).toBeLessThan(60);
  });
});

describe('the scenario plan', () => {
  it('is the same for the same seed and has out-of-order pairs (newest head delivered first), redeliveries of earlier ids and commands', () => {
    const shape = { prs: 12, installations: 3, deliveries: 50, seconds: 15, seed: 7 };
    const plan = planScenario(shape);
    expect(planScenario(shape)).toEqual(plan);
    expect(plan.events.filter((e) => e.kind !== 'push')).toHaveLength(50);
    expect(plan.counts.outOfOrderPairs).toBeGreaterThan(0);
    const firstSeen = new Map<string, number>();
    for (const e of plan.events) {
      if (e.kind === 'push') continue;
      if (e.kind === 'redelivery') expect(firstSeen.get(e.id)).toBeLessThanOrEqual(e.t);
      else firstSeen.set(e.id, e.t);
    }
    // In every out-of-order pair the newer step is delivered before the older one.
    const ooo = plan.events.filter((e): e is Extract<typeof e, { kind: 'pull_request' }> => e.kind === 'pull_request' && e.outOfOrder === true);
    for (const e of ooo) {
      const partner = ooo.find((x) => x.pr === e.pr && x !== e)!;
      if (e.step > partner.step) expect(e.t).toBeLessThan(partner.t);
    }
  });
});
