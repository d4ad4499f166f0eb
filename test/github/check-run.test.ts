import { describe, expect, it } from 'vitest';
import { completeCheckRun, createCheckRun, findCheckRuns, hasCompletedCheckRun, startCheckRun, updateCheckRunOutput, type CheckAnnotation } from '../../src/github/check-run.js';
import { ExternalServiceError } from '../../src/errors.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, HEAD_SHA, REF, REPO_PATH, checkRunJson, testOctokit } from './fixtures.js';

const nock = useHttpMocks();

const SLUG = 'arch-review';
const LIST = `${REPO_PATH}/commits/${HEAD_SHA}/check-runs`;
const LIST_QUERY = { check_name: 'arch-review', filter: 'all', per_page: 100 };
const fast = { delayMs: 0 };

const annotations = (n: number): CheckAnnotation[] =>
  Array.from({ length: n }, (_, i) => ({ path: 'src/pay.ts', start_line: i + 1, end_line: i + 1, annotation_level: 'warning', message: `finding ${i}` }));

/** `GET …/commits/{ref}/check-runs` as GitHub answers it. */
const listed = (runs: Array<{ id: number; status: string; conclusion?: string | null; slug?: string }>) => ({
  total_count: runs.length,
  check_runs: runs.map((r) => ({ ...checkRunJson(r.id, r.status), conclusion: r.conclusion ?? null, app: { id: 1, slug: r.slug ?? SLUG, name: r.slug ?? SLUG } })),
});

describe('createCheckRun', () => {
  it('creates the arch-review check run in progress on the head SHA', async () => {
    let sent: Record<string, unknown> | undefined;
    nock(API)
      .post(`${REPO_PATH}/check-runs`, (b: Record<string, unknown>) => ((sent = b), true))
      .reply(201, checkRunJson(77));
    expect(await createCheckRun(testOctokit(), REF, HEAD_SHA)).toBe(77);
    expect(sent).toMatchObject({ name: 'arch-review', head_sha: HEAD_SHA, status: 'in_progress' });
  });
});

describe('findCheckRuns / hasCompletedCheckRun', () => {
  it("lists only this app's arch-review runs on the commit, newest first", async () => {
    nock(API)
      .get(LIST)
      .query(LIST_QUERY)
      .reply(200, listed([{ id: 5, status: 'completed', conclusion: 'neutral' }, { id: 9, status: 'in_progress' }, { id: 7, status: 'completed', slug: 'someone-else' }]));
    expect(await findCheckRuns(testOctokit(), REF, HEAD_SHA, 'arch-review[bot]')).toEqual([
      { id: 9, status: 'in_progress', conclusion: null },
      { id: 5, status: 'completed', conclusion: 'neutral' },
    ]);
  });

  it("says a commit is unreviewed when only another app's run (or an in-progress one) is there", async () => {
    nock(API).get(LIST).query(LIST_QUERY).reply(200, listed([{ id: 1, status: 'completed', slug: 'impostor' }, { id: 2, status: 'in_progress' }]));
    expect(await hasCompletedCheckRun(testOctokit(), REF, HEAD_SHA, SLUG)).toBe(false);
    nock(API).get(LIST).query(LIST_QUERY).reply(200, listed([{ id: 3, status: 'completed', conclusion: 'failure' }]));
    expect(await hasCompletedCheckRun(testOctokit(), REF, HEAD_SHA, SLUG)).toBe(true);
  });
});

describe('startCheckRun', () => {
  it('reuses the run in progress and completes older in-progress runs of ours as superseded, creating nothing', async () => {
    nock(API).get(LIST).query(LIST_QUERY).reply(200, listed([{ id: 40, status: 'in_progress' }, { id: 41, status: 'queued' }, { id: 39, status: 'completed' }, { id: 50, status: 'in_progress', slug: 'other' }]));
    const closed: Array<{ conclusion: string; output: { title: string } }> = [];
    nock(API)
      .patch(`${REPO_PATH}/check-runs/40`, (b: (typeof closed)[number]) => (closed.push(b), true))
      .reply(200, checkRunJson(40, 'completed'));
    expect(await startCheckRun(testOctokit(), REF, HEAD_SHA, SLUG, fast)).toBe(41);
    expect(closed).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'neutral', output: expect.objectContaining({ title: 'Superseded by a newer attempt' }) })]);
  });

  it('creates a run when none of ours is in progress (a completed one is left alone)', async () => {
    nock(API).get(LIST).query(LIST_QUERY).reply(200, listed([{ id: 39, status: 'completed' }]));
    nock(API).post(`${REPO_PATH}/check-runs`).reply(201, checkRunJson(77));
    expect(await startCheckRun(testOctokit(), REF, HEAD_SHA, SLUG, fast)).toBe(77);
  });

  it('does not re-send a create whose answer was lost: it finds the run GitHub did create', async () => {
    nock(API).get(LIST).query(LIST_QUERY).reply(200, listed([]));
    // GitHub created run 78, but the answer was a 502 (Octokit would otherwise retry the POST itself).
    nock(API).post(`${REPO_PATH}/check-runs`).once().reply(502, { message: 'Bad Gateway' });
    nock(API).get(LIST).query(LIST_QUERY).reply(200, listed([{ id: 78, status: 'in_progress' }]));
    expect(await startCheckRun(testOctokit(), REF, HEAD_SHA, SLUG, fast)).toBe(78);
  });

  it('creates again after an unknown outcome when nothing was created, and gives up after its tries', async () => {
    nock(API).get(LIST).query(LIST_QUERY).times(2).reply(200, listed([]));
    nock(API).post(`${REPO_PATH}/check-runs`).reply(503, { message: 'Unavailable' });
    nock(API).post(`${REPO_PATH}/check-runs`).reply(201, checkRunJson(79));
    expect(await startCheckRun(testOctokit(), REF, HEAD_SHA, SLUG, fast)).toBe(79);

    nock(API).get(LIST).query(LIST_QUERY).times(2).reply(200, listed([]));
    nock(API).post(`${REPO_PATH}/check-runs`).times(2).reply(500, { message: 'Server Error' });
    await expect(startCheckRun(testOctokit(), REF, HEAD_SHA, SLUG, { ...fast, tries: 2 })).rejects.toBeInstanceOf(ExternalServiceError);
  });

  it('does not retry a create GitHub refused (403: the app lacks the checks permission)', async () => {
    nock(API).get(LIST).query(LIST_QUERY).reply(200, listed([]));
    nock(API).post(`${REPO_PATH}/check-runs`).reply(403, { message: 'Resource not accessible by integration' });
    await expect(startCheckRun(testOctokit(), REF, HEAD_SHA, SLUG, fast)).rejects.toMatchObject({ status: 403, retryable: false });
  });
});

describe('completeCheckRun', () => {
  it('sends 50 annotations with the completion and appends the rest 50 at a time', async () => {
    const bodies: Array<{ status?: string; conclusion?: string; output: { title: string; annotations: CheckAnnotation[] } }> = [];
    nock(API)
      .patch(`${REPO_PATH}/check-runs/77`, (b: (typeof bodies)[number]) => (bodies.push(b), true))
      .times(3)
      .reply(200, checkRunJson(77, 'completed'));
    await completeCheckRun(testOctokit(), REF, { checkRunId: 77, headSha: HEAD_SHA }, { conclusion: 'failure', title: '120 findings', summary: 'S', annotations: annotations(120) });
    expect(bodies.map((b) => b.output.annotations.length)).toEqual([50, 50, 20]);
    expect(bodies[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(bodies[1]!.conclusion).toBeUndefined();
    expect(bodies.flatMap((b) => b.output.annotations.map((a) => a.start_line))).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(bodies.every((b) => b.output.title === '120 findings')).toBe(true);
  });

  it('creates a completed check run when none was started, and cuts the summary to 65,535 characters', async () => {
    const bodies: Array<{ status: string; conclusion: string; output: { summary: string } }> = [];
    nock(API)
      .post(`${REPO_PATH}/check-runs`, (b: (typeof bodies)[number]) => (bodies.push(b), true))
      .reply(201, checkRunJson(78, 'completed'));
    const id = await completeCheckRun(testOctokit(), REF, { headSha: HEAD_SHA }, { conclusion: 'neutral', title: 't', summary: 'x'.repeat(70_000), annotations: [] });
    expect(id).toBe(78);
    expect(bodies[0]).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect(bodies[0]!.output.summary.length).toBe(65_535);
  });

  it('with the app slug and no run id, completes the run already in progress instead of adding one', async () => {
    nock(API).get(LIST).query(LIST_QUERY).reply(200, listed([{ id: 60, status: 'in_progress' }]));
    let body: { conclusion?: string } = {};
    nock(API)
      .patch(`${REPO_PATH}/check-runs/60`, (b: typeof body) => ((body = b), true))
      .reply(200, checkRunJson(60, 'completed'));
    expect(await completeCheckRun(testOctokit(), REF, { headSha: HEAD_SHA, appSlug: SLUG }, { conclusion: 'failure', title: 't', summary: 's', annotations: [] }, fast)).toBe(60);
    expect(body.conclusion).toBe('failure');
  });

  it('retries the completion beyond Octokit’s own retries, and throws when it keeps failing (the job is then retried)', async () => {
    // Octokit retries a 5xx three times (4 requests); completeCheckRun tries that twice more.
    nock(API).patch(`${REPO_PATH}/check-runs/77`).times(4).reply(502, { message: 'Bad Gateway' });
    nock(API).patch(`${REPO_PATH}/check-runs/77`).reply(200, checkRunJson(77, 'completed'));
    await completeCheckRun(testOctokit(), REF, { checkRunId: 77, headSha: HEAD_SHA }, { conclusion: 'neutral', title: 't', summary: 's', annotations: [] }, fast);

    nock(API).patch(`${REPO_PATH}/check-runs/77`).times(8).reply(500, { message: 'Server Error' });
    await expect(
      completeCheckRun(testOctokit(), REF, { checkRunId: 77, headSha: HEAD_SHA }, { conclusion: 'neutral', title: 't', summary: 's', annotations: [] }, { ...fast, tries: 2 }),
    ).rejects.toMatchObject({ retryable: true });
  });
});

describe('updateCheckRunOutput', () => {
  it('changes only the output: the run stays in progress', async () => {
    let body: Record<string, unknown> = {};
    nock(API)
      .patch(`${REPO_PATH}/check-runs/77`, (b: Record<string, unknown>) => ((body = b), true))
      .reply(200, checkRunJson(77));
    await updateCheckRunOutput(testOctokit(), REF, 77, { title: 'Attempt 1 of 4 failed; retrying', summary: 's' });
    expect(body).toEqual({ output: { title: 'Attempt 1 of 4 failed; retrying', summary: 's' } });
  });
});
