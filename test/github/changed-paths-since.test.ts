import { describe, expect, it } from 'vitest';
import { changedPathsSince } from '../../src/github/changed-paths-since.js';
import { silentLogger } from '../../src/review/ports.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, HEAD_SHA, REF, REPO_PATH, testOctokit } from './fixtures.js';

const nock = useHttpMocks();
const OLD = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const comparePath = `${REPO_PATH}/compare/${OLD}...${HEAD_SHA}`;
const compareJson = (status: string, files: object[]) => ({
  url: `${API}${comparePath}`,
  status,
  ahead_by: 2,
  behind_by: status === 'diverged' ? 3 : 0,
  total_commits: 2,
  commits: [],
  files,
});

describe('changedPathsSince', () => {
  it('lists the paths changed since the reviewed commit, renames under both names', async () => {
    nock(API)
      .get(comparePath)
      .query({ per_page: 1 })
      .reply(200, compareJson('ahead', [
        { sha: 's1', filename: 'src/pay.ts', status: 'modified', additions: 1, deletions: 0, changes: 1 },
        { sha: 's2', filename: 'src/new.ts', previous_filename: 'src/old.ts', status: 'renamed', additions: 0, deletions: 0, changes: 0 },
      ]));
    const paths = await changedPathsSince(testOctokit(), REF, OLD, HEAD_SHA, silentLogger);
    expect([...(paths ?? [])].sort()).toEqual(['src/new.ts', 'src/old.ts', 'src/pay.ts']);
  });

  it('gives up (review everything) when the old commit is gone after a force push', async () => {
    nock(API).get(comparePath).query({ per_page: 1 }).reply(404, { message: 'Not Found', status: '404' });
    expect(await changedPathsSince(testOctokit(), REF, OLD, HEAD_SHA, silentLogger)).toBeUndefined();
  });

  it('gives up when the head does not extend the reviewed commit (a rebase)', async () => {
    nock(API).get(comparePath).query({ per_page: 1 }).reply(200, compareJson('diverged', [{ sha: 's1', filename: 'src/pay.ts', status: 'modified' }]));
    expect(await changedPathsSince(testOctokit(), REF, OLD, HEAD_SHA, silentLogger)).toBeUndefined();
  });

  it('gives up when the file list may be capped at 300', async () => {
    const files = Array.from({ length: 300 }, (_, i) => ({ sha: `s${i}`, filename: `f${i}.ts`, status: 'modified' }));
    nock(API).get(comparePath).query({ per_page: 1 }).reply(200, compareJson('ahead', files));
    expect(await changedPathsSince(testOctokit(), REF, OLD, HEAD_SHA, silentLogger)).toBeUndefined();
  });
});
