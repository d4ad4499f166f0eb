import { describe, expect, it } from 'vitest';
import { ExternalServiceError } from '../../src/errors.js';
import { createGitHubSource, MAX_LISTED_FILES } from '../../src/github/github-source.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, BASE_SHA, HEAD_SHA, PR_PATH, REF, REPO_PATH, testOctokit } from './fixtures.js';

const nock = useHttpMocks();

const DIFF = `diff --git a/src/pay.ts b/src/pay.ts
index 1111111..2222222 100644
--- a/src/pay.ts
+++ b/src/pay.ts
@@ -1,2 +1,3 @@
 export const a = 1;
+export const b = 2;
 export const c = 3;
`;

const TOO_LARGE = {
  message: 'Sorry, the diff exceeded the maximum number of files (300). Consider using \'List pull requests files\' API or locally cloning the repository instead.',
  errors: [{ resource: 'PullRequest', field: 'diff', code: 'too_large' }],
  documentation_url: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests-files',
  status: '406',
};

function fileJson(i: number, over: Record<string, unknown> = {}) {
  return {
    sha: `sha${i}`,
    filename: `src/f${i}.ts`,
    status: 'modified',
    additions: 1,
    deletions: 0,
    changes: 1,
    blob_url: `https://github.com/x/blob/${HEAD_SHA}/src/f${i}.ts`,
    raw_url: `https://github.com/x/raw/${HEAD_SHA}/src/f${i}.ts`,
    contents_url: `${API}${REPO_PATH}/contents/src/f${i}.ts?ref=${HEAD_SHA}`,
    patch: '@@ -1 +1,2 @@\n a\n+b',
    ...over,
  };
}

const link = (page: number, last: number) =>
  `<${API}/repositories/1296269/pulls/${REF.number}/files?per_page=100&page=${page}>; rel="next", <${API}/repositories/1296269/pulls/${REF.number}/files?per_page=100&page=${last}>; rel="last"`;

describe('createGitHubSource.loadDiff', () => {
  it('loads the unified diff with the diff media type', async () => {
    nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3.diff').reply(200, DIFF, { 'content-type': 'application/vnd.github.v3.diff; charset=utf-8' });
    const raw = await createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA }).loadDiff();
    expect(raw).toEqual({ kind: 'unified', text: DIFF });
  });

  it('falls back to the paginated files API on 406 too_large, asking for the diff only once', async () => {
    // One 406 interceptor only: a retry of the diff request would find no mock and fail the test.
    nock(API).get(PR_PATH).matchHeader('accept', 'application/vnd.github.v3.diff').reply(406, TOO_LARGE);
    nock(API)
      .get(`${PR_PATH}/files`)
      .query({ per_page: 100 })
      .reply(200, Array.from({ length: 100 }, (_, i) => fileJson(i)), { link: link(2, 2) });
    nock(API)
      .get(`/repositories/1296269/pulls/${REF.number}/files`)
      .query({ per_page: 100, page: 2 })
      .reply(200, [
        fileJson(100, { filename: 'assets/logo.png', status: 'added', patch: undefined }),
        fileJson(101, { filename: 'src/new-name.ts', previous_filename: 'src/old-name.ts', status: 'renamed' }),
      ]);
    const raw = await createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA, changedFiles: 102 }).loadDiff();
    expect(raw.kind).toBe('files');
    if (raw.kind !== 'files') return;
    expect(raw.files).toHaveLength(102);
    expect(raw.truncated).toBeUndefined();
    expect(raw.files[100]).toEqual({ filename: 'assets/logo.png', status: 'added', additions: 1, deletions: 0 });
    expect(raw.files[101]).toMatchObject({ filename: 'src/new-name.ts', previous_filename: 'src/old-name.ts', status: 'renamed', patch: '@@ -1 +1,2 @@\n a\n+b' });
  });

  it('stops at 3,000 files and marks the list truncated', async () => {
    nock(API).get(PR_PATH).reply(406, TOO_LARGE);
    nock(API)
      .get(`${PR_PATH}/files`)
      .query({ per_page: 100 })
      .reply(200, Array.from({ length: 100 }, (_, i) => fileJson(i)), { link: link(2, 31) });
    for (let page = 2; page <= 30; page++) {
      nock(API)
        .get(`/repositories/1296269/pulls/${REF.number}/files`)
        .query({ per_page: 100, page })
        .reply(200, Array.from({ length: 100 }, (_, i) => fileJson((page - 1) * 100 + i)), { link: link(page + 1, 31) });
    }
    const raw = await createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA, changedFiles: 3500 }).loadDiff();
    expect(raw.kind === 'files' && raw.files.length).toBe(MAX_LISTED_FILES);
    expect(raw.kind === 'files' && raw.truncated).toBe(true);
  });

  it('marks the list truncated when GitHub lists fewer files than the PR changes', async () => {
    nock(API).get(PR_PATH).reply(406, TOO_LARGE);
    nock(API).get(`${PR_PATH}/files`).query({ per_page: 100 }).reply(200, [fileJson(1)]);
    const raw = await createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA, changedFiles: 4000 }).loadDiff();
    expect(raw.kind === 'files' && raw.truncated).toBe(true);
  });

  it('translates other failures into ExternalServiceError without falling back', async () => {
    nock(API).get(PR_PATH).reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    const err = await createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA }).loadDiff().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).status).toBe(404);
    expect((err as ExternalServiceError).retryable).toBe(false);
  });
});

describe('createGitHubSource.readFile', () => {
  const contents = (path: string, content: Buffer, over: Record<string, unknown> = {}) => ({
    type: 'file',
    encoding: 'base64',
    size: content.length,
    name: path.split('/').pop(),
    path,
    content: content.toString('base64').replace(/(.{60})/g, '$1\n'),
    sha: 'blobsha',
    url: `${API}${REPO_PATH}/contents/${path}?ref=${HEAD_SHA}`,
    ...over,
  });

  it('reads the head version at the head SHA and decodes base64', async () => {
    const text = 'export const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);\n'.repeat(3);
    nock(API).get(`${REPO_PATH}/contents/src%2Fpay.ts`).query({ ref: HEAD_SHA }).reply(200, contents('src/pay.ts', Buffer.from(text)));
    const file = await createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA }).readFile('src/pay.ts', 1024);
    expect(file).toEqual({ text, size: text.length, binary: false });
  });

  it('reports a file with a NUL byte as binary, without text', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]);
    nock(API).get(`${REPO_PATH}/contents/logo.png`).query({ ref: HEAD_SHA }).reply(200, contents('logo.png', bytes));
    const file = await createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA }).readFile('logo.png', 1024);
    expect(file).toEqual({ size: 6, binary: true });
  });

  it('reports a file over the cap as too large, without its text', async () => {
    const text = 'x'.repeat(2048);
    nock(API).get(`${REPO_PATH}/contents/big.ts`).query({ ref: HEAD_SHA }).reply(200, contents('big.ts', Buffer.from(text)));
    const file = await createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA }).readFile('big.ts', 1024);
    expect(file).toEqual({ size: 2048, binary: false, tooLarge: true });
  });

  it('reads the raw bytes when GitHub sends no content (files over 1 MB)', async () => {
    const text = 'const big = 1;\n';
    nock(API).get(`${REPO_PATH}/contents/huge.ts`).query({ ref: HEAD_SHA }).reply(200, contents('huge.ts', Buffer.from(text), { encoding: 'none', content: '' }));
    nock(API)
      .get(`${REPO_PATH}/contents/huge.ts`)
      .query({ ref: HEAD_SHA })
      .matchHeader('accept', 'application/vnd.github.v3.raw')
      .reply(200, text, { 'content-type': 'text/plain; charset=utf-8' });
    const file = await createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA }).readFile('huge.ts', 4 * 1024 * 1024);
    expect(file).toEqual({ text, size: text.length, binary: false });
  });

  it('returns undefined for a path missing at head or that is not a file', async () => {
    nock(API).get(`${REPO_PATH}/contents/gone.ts`).query({ ref: HEAD_SHA }).reply(404, { message: 'Not Found', status: '404' });
    nock(API).get(`${REPO_PATH}/contents/lib`).query({ ref: HEAD_SHA }).reply(200, [{ type: 'file', name: 'a.ts', path: 'lib/a.ts' }]);
    const source = createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA });
    expect(await source.readFile('gone.ts', 1024)).toBeUndefined();
    expect(await source.readFile('lib', 1024)).toBeUndefined();
  });
});

describe('createGitHubSource.readBaseFile', () => {
  const MERGE_BASE = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
  const COMPARE = `${REPO_PATH}/compare/${BASE_SHA}...${HEAD_SHA}`;
  const file = (text: string) => ({ type: 'file', encoding: 'base64', size: text.length, content: Buffer.from(text).toString('base64') });

  it('is absent without the base SHA: the review then treats every match as new', () => {
    expect(createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA }).readBaseFile).toBeUndefined();
  });

  it('reads base versions at the merge base (one compare request for all of them), through the retry policy', async () => {
    nock(API).get(COMPARE).query(true).reply(200, { status: 'ahead', merge_base_commit: { sha: MERGE_BASE }, files: [] });
    nock(API)
      .get(`${REPO_PATH}/contents/src%2Fpay.ts`)
      .query({ ref: MERGE_BASE })
      .reply(502, { message: 'Server Error' })
      .get(`${REPO_PATH}/contents/src%2Fpay.ts`)
      .query({ ref: MERGE_BASE })
      .reply(200, file('export const a = 1;\n'))
      .get(`${REPO_PATH}/contents/src%2Fold.ts`)
      .query({ ref: MERGE_BASE })
      .reply(404, { message: 'Not Found', status: '404' });
    const source = createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA, baseSha: BASE_SHA });
    const [pay, old] = await Promise.all([source.readBaseFile!('src/pay.ts', 1024), source.readBaseFile!('src/old.ts', 1024)]);
    expect(pay).toEqual({ text: 'export const a = 1;\n', size: 20, binary: false });
    expect(old).toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('falls back to the base SHA when the merge base cannot be found', async () => {
    nock(API).get(COMPARE).query(true).reply(404, { message: 'Not Found', status: '404' });
    nock(API).get(`${REPO_PATH}/contents/src%2Fpay.ts`).query({ ref: BASE_SHA }).reply(200, file('x\n'));
    const source = createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA, baseSha: BASE_SHA });
    expect(await source.readBaseFile!('src/pay.ts', 1024)).toEqual({ text: 'x\n', size: 2, binary: false });
  });
});
