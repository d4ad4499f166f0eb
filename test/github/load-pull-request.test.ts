import { describe, expect, it } from 'vitest';
import { loadPullRequest } from '../../src/github/load-pull-request.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, BASE_SHA, HEAD_SHA, PR_PATH, REF, commitJson, pullRequestJson, testOctokit } from './fixtures.js';

const nock = useHttpMocks();

describe('loadPullRequest', () => {
  it('builds the review target and the gates from the pull request and its commits', async () => {
    nock(API).get(PR_PATH).reply(200, pullRequestJson({ title: 'Add retries to the payments client', body: 'Retries with backoff.' }));
    nock(API)
      .get(`${PR_PATH}/commits`)
      .query({ per_page: 50 })
      .reply(200, [commitJson('c1', 'Add retry helper'), commitJson('c2', 'Use it in the payments client')]);
    const pr = await loadPullRequest(testOctokit(), REF);
    expect(pr.target).toEqual({
      repository: 'Codertocat/Hello-World',
      number: 2,
      headSha: HEAD_SHA,
      baseSha: BASE_SHA,
      title: 'Add retries to the payments client',
      body: 'Retries with backoff.',
      author: 'Codertocat',
      commitMessages: ['Add retry helper', 'Use it in the payments client'],
    });
    expect(pr).toMatchObject({ state: 'open', draft: false, authorLogin: 'Codertocat', authorType: 'User', headSha: HEAD_SHA, changedFiles: 1, labels: [] });
  });

  it('leaves out an empty body', async () => {
    nock(API).get(PR_PATH).reply(200, pullRequestJson({ body: null }));
    nock(API).get(`${PR_PATH}/commits`).query({ per_page: 50 }).reply(200, []);
    const pr = await loadPullRequest(testOctokit(), REF);
    expect('body' in pr.target).toBe(false);
  });
});
