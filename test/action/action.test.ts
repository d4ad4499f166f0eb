/**
 * End to end: the GitHub Action's entry (`node dist/action/main.js`, what action.yml runs), started as the
 * Actions runner starts it (INPUT_* variables, GITHUB_EVENT_PATH with a real `pull_request` payload,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), against a fake GitHub Enterprise (GITHUB_API_URL) that accepts
 * the workflow's token. Every assertion is on what the fake GitHub saw and what the process wrote.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseMarker } from '../../src/review/marker.js';
import { buildOnce, REPO_ROOT } from '../e2e/build-once.js';
import { demoPullRequest } from '../e2e/demo-pull-request.js';
import { startFakeAnthropic } from '../e2e/fake-anthropic.js';
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github.js';
import { pullRequestOpenedPayload } from '../e2e/webhook-payloads.js';
import { inputOf } from '../../src/action/action-inputs.js';
import { runActionProcess, type ActionRun } from './run-action-process.js';
import { readActionYml, runCompositeAction } from './run-composite-action.js';

const TARGET = { owner: 'acme', repo: 'payments', number: 7, installationId: 1 };
const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const CHECK_RUNS = /^\/repos\/acme\/payments\/check-runs/;
const REVIEWS = /^\/repos\/acme\/payments\/pulls\/7\/reviews$/;

let github: FakeGitHub;

const shaFor = (scenario: string) => createHash('sha1').update(`${scenario}-${randomBytes(8).toString('hex')}`).digest('hex');

/** The `pull_request.opened` example of @octokit/webhooks-examples, at `sha`; from a fork when asked. */
function eventFor(sha: string, opts: { fork?: boolean } = {}): object {
  const event = pullRequestOpenedPayload(TARGET, sha) as { pull_request: { head: { repo: { full_name: string } } } };
  if (opts.fork) event.pull_request.head.repo.full_name = 'forker/payments';
  return event;
}

function run(sha: string, opts: { inputs?: Record<string, string>; fork?: boolean; workspaceFiles?: Record<string, string>; env?: Record<string, string> } = {}): Promise<ActionRun> {
  return runActionProcess({
    apiUrl: `http://${github.host}/api/v3`,
    repository: `${TARGET.owner}/${TARGET.repo}`,
    event: eventFor(sha, opts),
    inputs: { 'INPUT_GITHUB-TOKEN': TOKEN, INPUT_CONFIG: '.github/arch-review.yml', ...opts.inputs },
    ...(opts.workspaceFiles ? { workspaceFiles: opts.workspaceFiles } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
}

/** Every inline comment is on a line of the served diff (the fake's own reading of it). */
function expectAnchoredOnDiff(sha: string): number {
  const files = github.diffFiles(TARGET.number);
  let count = 0;
  for (const review of github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha)) {
    for (const c of review.comments) {
      const lines = (c.side ?? 'RIGHT') === 'RIGHT' ? files.get(c.path)?.right : files.get(c.path)?.left;
      expect(lines?.has(c.line!), `${c.path}:${c.line} is a line of the diff`).toBe(true);
      count++;
    }
  }
  return count;
}

/** The fake GitHub as a workflow sees it: the workflow token posts as github-actions[bot], and its check runs belong to the github-actions app. */
const startWorkflowFake = () => startFakeGitHub({ owner: TARGET.owner, repo: TARGET.repo, appId: 15368, appSlug: 'github-actions', installationToken: 'unused', tokens: [TOKEN] });

describe('the GitHub Action (node dist/action/main.js) against a fake GitHub Enterprise', () => {
  beforeAll(async () => {
    await buildOnce();
    github = await startWorkflowFake();
  }, 180_000);

  afterAll(async () => {
    await github?.close();
  });

  beforeEach(() => github.reset());

  it('posts one COMMENT review with the marker and anchored comments, completes the arch-review check run, and writes the counts as outputs', async () => {
    const sha = shaFor('review');
    github.addPullRequest(demoPullRequest(TARGET.number, sha));

    const result = await run(sha);

    expect(result.code, result.stderr).toBe(0);
    const reviews = github.submittedReviews(TARGET.number);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.event).toBe('COMMENT');
    expect(reviews[0]!.commitId).toBe(sha);
    expect(parseMarker(reviews[0]!.body)?.headSha).toBe(sha);
    expect(expectAnchoredOnDiff(sha)).toBeGreaterThan(0);
    // Only the workflow's token was used, and only under GITHUB_API_URL.
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}` && r.path.startsWith('/api/v3/'))).toBe(true);

    const check = github.checkRuns.filter((c) => c.headSha === sha);
    expect(check).toHaveLength(1);
    expect(check[0]!.name).toBe('arch-review');
    expect(check[0]!.statuses.at(-1)).toBe('completed');

    const { total, high, medium, low } = result.outputs;
    expect(Number(total)).toBeGreaterThan(0);
    expect(Number(high) + Number(medium) + Number(low)).toBe(Number(total));
    expect(Number(high)).toBeGreaterThan(0);
    // The marker lists every finding open at the head with its severity: the outputs say the same.
    const open = parseMarker(reviews[0]!.body)?.open ?? [];
    expect(Number(total)).toBe(open.length);
    expect(Number(high)).toBe(open.filter((f) => f.severity === 'high').length);
    expect(result.summary).toContain('Posted [a review]');
  }, 90_000);

  it('posts no second review when the workflow runs again on the same commit, and reports the same counts', async () => {
    const sha = shaFor('rerun');
    github.addPullRequest(demoPullRequest(TARGET.number, sha));
    const first = await run(sha);
    expect(first.code, first.stderr).toBe(0);
    const creates = github.calls('POST', REVIEWS).length;

    const second = await run(sha);

    expect(second.code, second.stderr).toBe(0);
    expect(github.submittedReviews(TARGET.number)).toHaveLength(1);
    expect(github.calls('POST', REVIEWS)).toHaveLength(creates);
    expect(github.checkRuns.filter((c) => c.headSha === sha)).toHaveLength(1);
    expect(second.outputs).toEqual(first.outputs);
    expect(second.summary).toContain('reviewed already');
  }, 120_000);

  it('with a read-only token (a fork’s pull request), reports with workflow annotations and the job summary, and posts nothing', async () => {
    const sha = shaFor('fork');
    github.addPullRequest(demoPullRequest(TARGET.number, sha));
    github.knobs.readOnly = true;

    const result = await run(sha, { fork: true });

    expect(result.code, result.stderr).toBe(0);
    expect(github.submittedReviews(TARGET.number)).toHaveLength(0);
    expect(github.checkRuns).toHaveLength(0);
    expect(github.issueComments).toHaveLength(0);
    // The writes were tried and refused, not skipped by a guess.
    expect(github.requests.filter((r) => r.method !== 'GET').every((r) => r.status === 403)).toBe(true);
    expect(github.calls('POST', CHECK_RUNS).length).toBeGreaterThan(0);

    // ::error / ::warning / ::notice lines on stdout, on the finding's file and line, escaped as the toolkit does.
    const annotations = result.stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l));
    expect(annotations.length).toBe(Number(result.outputs.total));
    expect(annotations.some((l) => /^::error title=arch-review%3A [^,:]+,file=src\/payments\/stripe-webhook\.ts,line=\d+,endLine=\d+::\S/.test(l))).toBe(true);
    expect(annotations.every((l) => !l.slice(2).includes('\n'))).toBe(true);
    expect(result.stdout).toContain('%0A'); // multi-line bodies are escaped onto one line

    expect(result.summary).toContain('cannot write to this pull request');
    expect(result.summary).toContain('stripe-webhook.ts');
    expect(Number(result.outputs.high)).toBeGreaterThan(0);
  }, 90_000);

  it('with anthropic-api-key and model, the agent reviewer runs with that key and model (ANTHROPIC_BASE_URL honoured), and the key is masked', async () => {
    const key = `sk-ant-${randomBytes(12).toString('hex')}`;
    const anthropic = await startFakeAnthropic({ apiKey: key });
    try {
      const sha = shaFor('agent');
      github.addPullRequest(demoPullRequest(TARGET.number, sha));

      const result = await run(sha, { inputs: { 'INPUT_ANTHROPIC-API-KEY': key, INPUT_MODEL: 'claude-action-test' }, env: { ANTHROPIC_BASE_URL: anthropic.baseUrl } });

      expect(result.code, result.stderr).toBe(0);
      expect(anthropic.requests.length).toBeGreaterThan(0);
      expect(anthropic.requests.every((r) => r.apiKey === key && r.body.model === 'claude-action-test')).toBe(true);
      expect(github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha)).toHaveLength(1);
      // The runner hides the key in every later log line once told; the Action's own logs never print it.
      expect(result.stdout).toContain(`::add-mask::${key}`);
      expect(result.stderr).not.toContain(key);
    } finally {
      await anthropic.close();
    }
  }, 90_000);

  it('a broken configuration in the checkout fails the step and the check run, naming the file and line, and posts no review', async () => {
    const sha = shaFor('bad-config');
    github.addPullRequest(demoPullRequest(TARGET.number, sha));

    const result = await run(sha, { workspaceFiles: { '.github/arch-review.yml': 'min_severity: extreme\n' } });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error title=arch-review%3A invalid configuration,file=\.github\/arch-review\.yml::.*arch-review\.yml:1/m);
    expect(github.submittedReviews(TARGET.number)).toHaveLength(0);
    expect(github.checkRuns.find((c) => c.headSha === sha)?.conclusion).toBe('failure');
    expect(result.summary).toContain('The configuration cannot be used');
  }, 90_000);

  it('a cancelled workflow run (SIGINT) stops the review before it is posted and completes the check run cancelled', async () => {
    const sha = shaFor('cancel');
    github.addPullRequest(demoPullRequest(TARGET.number, sha));
    // The first tries of the review fail with 500: the publisher waits before sending again, and the run is cancelled then.
    github.knobs.failCreateReview = 3;
    let child: ChildProcess | undefined;
    const running = runActionProcess({
      apiUrl: `http://${github.host}/api/v3`,
      repository: `${TARGET.owner}/${TARGET.repo}`,
      event: eventFor(sha),
      inputs: { 'INPUT_GITHUB-TOKEN': TOKEN },
      onSpawn: (c) => (child = c),
    });
    await expect.poll(() => github.calls('POST', REVIEWS).length, { timeout: 30_000, interval: 10 }).toBeGreaterThan(0);
    child!.kill('SIGINT');

    const result = await running;

    expect(result.code).toBe(1);
    expect(github.submittedReviews(TARGET.number)).toHaveLength(0);
    const check = github.checkRuns.filter((c) => c.headSha === sha);
    expect(check).toHaveLength(1);
    expect(check[0]!.statuses.at(-1)).toBe('completed');
    expect(check[0]!.conclusion).toBe('cancelled');
    expect(result.stdout).toMatch(/^::error title=arch-review stopped::/m);
  }, 90_000);

  it('exits 1 with fail-on high when a high finding is open, and 0 when the checkout’s configuration leaves none', async () => {
    const sha = shaFor('fail-on');
    github.addPullRequest(demoPullRequest(TARGET.number, sha));

    const failing = await run(sha, { inputs: { 'INPUT_FAIL-ON': 'high' } });
    expect(failing.code, failing.stderr).toBe(1);
    expect(failing.stdout).toMatch(/^::error title=arch-review%3A findings at or above fail-on::/m);
    expect(Number(failing.outputs.high)).toBeGreaterThan(0);

    github.reset();
    const quiet = shaFor('fail-on-quiet');
    github.addPullRequest(demoPullRequest(TARGET.number, quiet));
    const config = 'categories:\n  security: false\n  resilience: false\n  error-handling: false\n';
    const passing = await run(quiet, { inputs: { 'INPUT_FAIL-ON': 'high' }, workspaceFiles: { '.github/arch-review.yml': config } });
    expect(passing.code, passing.stderr).toBe(0);
    expect(passing.outputs.high).toBe('0');
    expect(Number(passing.outputs.total)).toBeGreaterThan(0);
    // The checkout's file was used: the repository's (the API's) was never asked for.
    expect(github.calls('GET', /\/contents\/\.github%2Farch-review\.yml|\/contents\/\.github\/arch-review\.yml/)).toHaveLength(0);
  }, 120_000);
});

describe('action.yml (its composite steps, run as the runner runs them)', () => {
  beforeAll(async () => {
    await buildOnce();
    github = await startWorkflowFake();
  }, 180_000);

  afterAll(async () => {
    await github?.close();
  });

  it('declares the inputs and outputs, and every input reaches the entry', () => {
    const action = readActionYml();
    expect(Object.keys(action.inputs).sort()).toEqual(['anthropic-api-key', 'config', 'fail-on', 'github-token', 'model']);
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
    expect(action.inputs.config!.default).toBe('.github/arch-review.yml');
    expect(Object.keys(action.outputs).sort()).toEqual(['high', 'low', 'medium', 'total']);
    const review = action.runs.steps.find((s) => s.id === 'review')!;
    const env = review.env ?? {};
    for (const name of Object.keys(action.inputs)) {
      const key = Object.keys(env).find((k) => env[k] === `\${{ inputs.${name} }}`);
      expect(key, `input ${name} is passed to the entry`).toBeDefined();
      expect(inputOf({ [key!]: 'x' }, name), `${key} is read as input ${name}`).toBe('x');
    }
  });

  it('the README’s workflow uses only declared inputs, names its job other than the check run, and grants the permissions the Action needs', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## GitHub Action\n'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml, 'the GitHub Action section has a workflow').toBeDefined();
    const workflow = parse(yaml!) as { permissions: Record<string, string>; jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }> };
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', checks: 'write' });
    expect(Object.keys(workflow.jobs)).not.toContain('arch-review');
    const step = Object.values(workflow.jobs).flatMap((j) => j.steps).find((s) => s.uses?.includes('/arch-review@'));
    expect(step, 'a step uses the Action').toBeDefined();
    for (const key of Object.keys(step!.with ?? {})) expect(Object.keys(readActionYml().inputs)).toContain(key);
  });

  it('a few-line workflow (uses + fail-on) gets one review, the counts as action outputs, and a failed step', async () => {
    const sha = shaFor('composite');
    github.addPullRequest(demoPullRequest(TARGET.number, sha));

    const result = await runCompositeAction({
      apiUrl: `http://${github.host}/api/v3`,
      repository: `${TARGET.owner}/${TARGET.repo}`,
      event: eventFor(sha),
      githubToken: TOKEN,
      withInputs: { 'fail-on': 'high' },
    });

    // setup-node runs only when the runner's Node is older than package.json's engines minimum.
    const engines = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const [want = 0, wantMinor = 0] = (/(\d+)(?:\.(\d+))?/.exec(engines) ?? []).slice(1).map((v) => Number(v ?? 0));
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const recentEnough = major > want || (major === want && minor >= wantMinor);
    expect(recentEnough ? result.skipped : result.used).toEqual(['actions/setup-node@v4']);
    // This checkout is installed and built already (buildOnce), so the install step does nothing.

    expect(result.stdout).toContain('installed and built already');
    expect(result.code, result.stderr).toBe(1);
    expect(github.submittedReviews(TARGET.number).filter((r) => r.commitId === sha)).toHaveLength(1);
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    expect(Number(result.outputs.high)).toBeGreaterThan(0);
    expect(Number(result.outputs.total)).toBe(Number(result.outputs.high) + Number(result.outputs.medium) + Number(result.outputs.low));
  }, 120_000);
});
