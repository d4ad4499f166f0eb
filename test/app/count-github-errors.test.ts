import { describe, expect, it } from 'vitest';
import { ProbotOctokit } from 'probot';
import { countGitHubErrors } from '../../src/app/count-github-errors.js';
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

  it('counts a request that got no answer (a connection reset) as network, not as a 500 from GitHub', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const Octokit = ProbotOctokit.plugin(countGitHubErrors(metrics));
    const octokit = new Octokit({ auth: { token: 'x' }, retry: { enabled: false }, throttle: { enabled: false } } as never);
    nock('https://api.github.com').get('/repos/o/r').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    await expect(octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })).rejects.toMatchObject({ status: 500 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('github_api_errors_total{status="network"} 1');
    expect(text).not.toContain('status="500"');
  });
});
