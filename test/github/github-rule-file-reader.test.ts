import { describe, expect, it } from 'vitest';
import { ExternalServiceError } from '../../src/errors.js';
import { createGitHubRuleFileReader, createRuleFileCache } from '../../src/github/github-rule-file-reader.js';
import { withCustomRuleProblems } from '../../src/github/custom-rule-check-outcome.js';
import { API, REF, REPO_PATH, testOctokit } from './fixtures.js';
import { useHttpMocks } from '../helpers/http.js';

const nock = useHttpMocks();
const enc = encodeURIComponent;
const entry = (type: string, path: string, sha = `sha-${path}`) => ({ type, name: path.split('/').pop(), path, sha });
const raw = (path: string, text: string) =>
  nock(API).get(`${REPO_PATH}/contents/${enc(path)}`).matchHeader('accept', 'application/vnd.github.v3.raw').reply(200, text, { 'content-type': 'text/plain' });

describe('createGitHubRuleFileReader', () => {
  it('lists the folder at the default branch, follows subfolders, reads only YAML files, and a missing folder has none', async () => {
    nock(API)
      .get(`${REPO_PATH}/contents/${enc('rules')}`)
      .query((q) => q.ref === undefined)
      .reply(200, [entry('file', 'rules/a.yml'), entry('file', 'rules/README.md'), entry('dir', 'rules/http')]);
    nock(API).get(`${REPO_PATH}/contents/${enc('rules/http')}`).reply(200, [entry('file', 'rules/http/b.yaml')]);
    nock(API).get(`${REPO_PATH}/contents/${enc('utils')}`).reply(404, { message: 'Not Found' });
    raw('rules/a.yml', 'id: a\n');
    raw('rules/http/b.yaml', 'id: b\n');
    const reader = createGitHubRuleFileReader(testOctokit(), REF);
    expect(await reader.read(['rules/', 'utils'])).toEqual({
      files: [
        { path: 'rules/a.yml', text: 'id: a\n' },
        { path: 'rules/http/b.yaml', text: 'id: b\n' },
      ],
      problems: [],
    });
  });

  it('reads a file again only when its blob SHA changed', async () => {
    const cache = createRuleFileCache();
    nock(API).get(`${REPO_PATH}/contents/rules`).reply(200, [entry('file', 'rules/a.yml', 'v1')]);
    raw('rules/a.yml', 'id: a\n');
    expect((await createGitHubRuleFileReader(testOctokit(), REF, cache).read(['rules'])).files).toEqual([{ path: 'rules/a.yml', text: 'id: a\n' }]);
    nock(API).get(`${REPO_PATH}/contents/rules`).reply(200, [entry('file', 'rules/a.yml', 'v1')]);
    expect((await createGitHubRuleFileReader(testOctokit(), REF, cache).read(['rules'])).files).toEqual([{ path: 'rules/a.yml', text: 'id: a\n' }]);
    nock(API).get(`${REPO_PATH}/contents/rules`).reply(200, [entry('file', 'rules/a.yml', 'v2')]);
    raw('rules/a.yml', 'id: a2\n');
    expect((await createGitHubRuleFileReader(testOctokit(), REF, cache).read(['rules'])).files).toEqual([{ path: 'rules/a.yml', text: 'id: a2\n' }]);
  });

  it('a GitHub failure other than 404 throws the project’s error (the queue retries the job)', async () => {
    nock(API).get(`${REPO_PATH}/contents/rules`).reply(403, { message: 'Resource not accessible by integration' });
    await expect(createGitHubRuleFileReader(testOctokit(), REF).read(['rules'])).rejects.toBeInstanceOf(ExternalServiceError);
  });
});

describe('withCustomRuleProblems', () => {
  const outcome = { conclusion: 'neutral' as const, title: '2 findings: 2 medium', summary: 'Summary of the review', annotations: [{ path: 'src/a.ts', start_line: 3, end_line: 3, annotation_level: 'warning' as const, message: 'm' }] };

  it('leaves an outcome without problems alone', () => {
    expect(withCustomRuleProblems(outcome, [])).toBe(outcome);
  });

  it('fails the check, names each file:line and what is wrong, annotates the lines, and keeps the review’s findings', () => {
    const res = withCustomRuleProblems(outcome, [
      { file: 'r/a.yml', line: 3, column: 1, ruleId: 'a', message: 'ast-grep rejected the rule: bad kind' },
      { file: 'r/b.yml', message: 'could not read the file: EACCES' },
    ]);
    expect(res.conclusion).toBe('failure');
    expect(res.title).toBe('Broken custom rule file: r/a.yml:3:1: rule `a`: ast-grep rejected the rule: bad kind (+1 more)');
    expect(res.summary).toContain('r/a.yml:3:1: rule `a`: ast-grep rejected the rule: bad kind\nr/b.yml: could not read the file: EACCES');
    expect(res.summary.endsWith('Summary of the review')).toBe(true);
    expect(res.annotations).toEqual([
      { path: 'r/a.yml', start_line: 3, end_line: 3, annotation_level: 'failure', title: 'Broken custom rule a', message: 'r/a.yml:3:1: rule `a`: ast-grep rejected the rule: bad kind' },
      outcome.annotations[0],
    ]);
  });
});
