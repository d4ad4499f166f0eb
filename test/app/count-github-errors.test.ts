import { describe, expect, it } from 'vitest';
import { ProbotOctokit } from 'probot';
import { countGitHubErrors } from '../../src/app/count-github-errors.js';
import { withGitHubRetryPolicy } from '../../src/github/octokit-policy.js';
import { createMetrics } from '../../src/metrics.js';
import { useHttpMocks } from '../helpers/http.js';

const nock = useHttpMocks();

describe('countGitHubErrors', () => {
  it('counts failed requests by status and rethrows them', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const Octokit = ProbotOctokit.plugin(countGitHubErrors(metrics));
    const octokit = new Octokit({ auth: { token: 'x' }, retry: { enabled: false }, throttle: { enabled: false } } as never);
    nock('https://api.github.com').get('/repos/o/r').reply(502, {}).get('/repos/o/r').reply(200, { id: 1 });
    await expect(octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })).rejects.toMatchObject({ status: 502 });
    await octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('github_api_errors_total{status="502"} 1');
    expect(text).not.toContain('status="200"');
  });

  it('counts a failure without an HTTP answer as status="network", not the 500 Octokit reports', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const Octokit = ProbotOctokit.plugin(countGitHubErrors(metrics));
    const octokit = new Octokit({ auth: { token: 'x' }, retry: { enabled: false }, throttle: { enabled: false } } as never);
    nock('https://api.github.com').get('/repos/o/r').replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await expect(octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })).rejects.toMatchObject({ status: 500 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('github_api_errors_total{status="network"} 1');
    expect(text).not.toContain('status="500"');
  });

  it('counts every try when applied under the retry policy', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const Octokit = withGitHubRetryPolicy(ProbotOctokit.plugin(countGitHubErrors(metrics)) as unknown as typeof ProbotOctokit, { baseDelayMs: 1 });
    const octokit = new Octokit({ auth: { token: 'x' }, throttle: { enabled: false }, log: { debug() {}, info() {}, warn() {}, error() {} } });
    nock('https://api.github.com').get('/repos/o/r').reply(502, {}).get('/repos/o/r').replyWithError('socket hang up').get('/repos/o/r').reply(200, { id: 1 });
    await octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('github_api_errors_total{status="502"} 1');
    expect(text).toContain('github_api_errors_total{status="network"} 1');
  });
});
