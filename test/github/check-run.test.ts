import { describe, expect, it } from 'vitest';
import { completeCheckRun, createCheckRun, type CheckAnnotation } from '../../src/github/check-run.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, HEAD_SHA, REF, REPO_PATH, checkRunJson, testOctokit } from './fixtures.js';

const nock = useHttpMocks();

const annotations = (n: number): CheckAnnotation[] =>
  Array.from({ length: n }, (_, i) => ({ path: 'src/pay.ts', start_line: i + 1, end_line: i + 1, annotation_level: 'warning', message: `finding ${i}` }));

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
});
