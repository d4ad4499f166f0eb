import { describe, expect, it } from 'vitest';
import { readTarballSnapshot } from '../../src/github/github-snapshot.js';
import { createGitHubSource } from '../../src/github/github-source.js';
import { mergeFileModels } from '../../src/integration/build-model.js';
import { baseModelData } from '../../src/integration/repository-model.js';
import { useHttpMocks } from '../helpers/http.js';
import { tarballOf } from '../helpers/tarball.js';
import { loadFixture } from '../integration/load-fixture.js';
import { API, BASE_SHA, HEAD_SHA, REF, REPO_PATH, testOctokit } from './fixtures.js';

const nock = useHttpMocks();
const BUDGET = { maxFiles: 5000, maxBytes: 50 * 1024 * 1024, timeoutMs: 20_000 };
const CODELOAD = 'https://codeload.github.com';
const shop = () => Object.fromEntries(loadFixture('ts-shop').map((f) => [f.path, f.source]));

describe('readTarballSnapshot', () => {
  it('follows the 302 to codeload without the token, streams the tar.gz and strips the top folder', async () => {
    const archive = await tarballOf({ ...shop(), 'node_modules/stripe/index.js': "import http from 'http';\n", 'docs/x.md': '# x\n' });
    nock(API).get(`${REPO_PATH}/tarball/${BASE_SHA}`).reply(302, '', { location: `${CODELOAD}/${REF.owner}/${REF.repo}/legacy.tar.gz/${BASE_SHA}?token=t` });
    // `fetch` drops the installation token when the redirect changes host; codeload's URL carries its own.
    nock(CODELOAD, { badheaders: ['authorization'] }).get(`/${REF.owner}/${REF.repo}/legacy.tar.gz/${BASE_SHA}`).query({ token: 't' }).reply(200, archive, { 'content-type': 'application/x-gzip' });
    const unmatched: unknown[] = [];
    const onNoMatch = (req: unknown) => unmatched.push(req);
    nock.emitter.on('no match', onNoMatch);
    const snap = await readTarballSnapshot(testOctokit(), { ...REF, ref: BASE_SHA, budget: BUDGET, changedPaths: ['src/orders/cancel-order.ts'] });
    nock.emitter.off('no match', onNoMatch);
    // Within the budget: ONE request (its redirect followed), no second pass.
    expect(unmatched).toEqual([]);
    expect(snap.ref).toBe(BASE_SHA);
    // Every source file of the fixture but `src/lib/errors.ts`, which neither integrates nor imports a module.
    expect(snap.files.map((f) => f.path).sort()).toEqual(Object.keys(shop()).filter((p) => p !== 'src/lib/errors.ts').sort());
    expect(snap.truncated).toBe(false);
  });

  it('stops reading when the budget is spent, and says so', async () => {
    const files = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`src/m${String(i).padStart(2, '0')}/c.ts`, `import axios from 'axios';\nexport const f = () => axios.get('https://x.example.com/${i}');\n`]));
    nock(API).get(`${REPO_PATH}/tarball/${BASE_SHA}`).reply(200, await tarballOf(files), { 'content-type': 'application/x-gzip' });
    const snap = await readTarballSnapshot(testOctokit(), { ...REF, ref: BASE_SHA, budget: { ...BUDGET, maxFiles: 10 }, changedPaths: [] });
    expect(snap.truncated).toBe(true);
    expect(snap.files).toHaveLength(10);
    expect(snap.note).toBe('The repository snapshot was cut at 10 files: the repository model covers only the files read until then.');
  });

  describe('over the budget: the touched package and what it imports, wherever the import sits in the archive', () => {
    /** 20 files with integration signals before the repository's own: the cut (at 10 files) falls among them. */
    const filler = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`src/aa-gen/f${String(i).padStart(2, '0')}.ts`, `import axios from 'axios';\nexport const f = () => axios.get('https://x.example.com/${i}');\n`]));
    const inOrder = (first: string[]) => {
      const files = shop();
      return { ...filler, ...Object.fromEntries(first.map((p) => [p, files[p]!])), ...files };
    };
    const changedPaths = ['src/orders/refund-now.ts'];
    const budget = { ...BUDGET, maxFiles: 10 };
    /** Serves `archive` for every tarball request; gives the number of requests made. */
    const serve = (archive: Buffer) => {
      let n = 0;
      nock(API)
        .get(`${REPO_PATH}/tarball/${BASE_SHA}`)
        .times(5)
        .reply(() => {
          n++;
          return [200, archive, { 'content-type': 'application/x-gzip' }];
        });
      return () => {
        nock.cleanAll();
        return n;
      };
    };

    it('the adapter after its importer: read in the same pass, ONE request', async () => {
      const archive = await tarballOf(inOrder(['src/orders/cancel-order.ts', 'src/orders/order-repository.ts']));
      const requests = serve(archive);
      const snap = await readTarballSnapshot(testOctokit(), { ...REF, ref: BASE_SHA, budget, changedPaths });
      expect(requests()).toBe(1);
      expect(snap.files.map((f) => f.path)).toEqual(['src/orders/cancel-order.ts', 'src/orders/order-repository.ts', 'src/lib/payments.ts']);
      expect(snap.stats.reread).toBeUndefined();
      expect(snap.note).toBe('The repository snapshot was cut at 10 files: the repository model covers `src/orders` and 1 file they import.');
    });

    it('the adapter before its importer (git tree order: `lib` < `orders`): a second, filtered pass reads it, TWO requests', async () => {
      const archive = await tarballOf(inOrder([]));
      expect(Object.keys(inOrder([])).indexOf('src/lib/payments.ts')).toBeLessThan(Object.keys(inOrder([])).indexOf('src/orders/cancel-order.ts'));
      const requests = serve(archive);
      const snap = await readTarballSnapshot(testOctokit(), { ...REF, ref: BASE_SHA, budget, changedPaths });
      expect(requests()).toBe(2);
      expect(snap.files.map((f) => f.path)).toEqual(['src/orders/cancel-order.ts', 'src/orders/order-repository.ts', 'src/lib/payments.ts']);
      expect(snap.stats.reread).toBe(1);
      // The model built from it knows the adapter the change should use.
      const model = mergeFileModels(baseModelData(snap).files);
      expect(model.adapters.map((a) => [a.service, a.module, a.importedBy])).toContainEqual(['Stripe', 'src/lib/payments', ['src/orders/cancel-order']]);
    });

    it('the second pass failing keeps the first pass, and the note counts what was left out', async () => {
      nock(API).get(`${REPO_PATH}/tarball/${BASE_SHA}`).once().reply(200, await tarballOf(inOrder([])), { 'content-type': 'application/x-gzip' });
      nock(API).get(`${REPO_PATH}/tarball/${BASE_SHA}`).times(4).reply(502, { message: 'Bad Gateway' });
      const snap = await readTarballSnapshot(testOctokit(), { ...REF, ref: BASE_SHA, budget, changedPaths });
      expect(snap.files.map((f) => f.path)).toEqual(['src/orders/cancel-order.ts', 'src/orders/order-repository.ts']);
      expect(snap.note).toBe('The repository snapshot was cut at 10 files: the repository model covers `src/orders`; 1 more file they import was left out to stay within the budget.');
    });
  });

  it('out of time while streaming: keeps what was read and notes the cut', async () => {
    nock(API).get(`${REPO_PATH}/tarball/${BASE_SHA}`).delayBody(2_000).reply(200, await tarballOf(shop()), { 'content-type': 'application/x-gzip' });
    const snap = await readTarballSnapshot(testOctokit(), { ...REF, ref: BASE_SHA, budget: { ...BUDGET, timeoutMs: 200 }, changedPaths: [] });
    expect(snap.truncated).toBe(true);
    expect(snap.note).toBe('The repository snapshot was cut after 0 s: the repository model covers only the files read until then.');
  });

  it('a failed download is a translated GitHub error', async () => {
    nock(API).get(`${REPO_PATH}/tarball/${BASE_SHA}`).reply(404, { message: 'Not Found' });
    await expect(readTarballSnapshot(testOctokit(), { ...REF, ref: BASE_SHA, budget: BUDGET, changedPaths: [] })).rejects.toThrow();
  });
});

describe('createGitHubSource.readBaseSnapshot', () => {
  it('reads the tarball at the merge base (one compare, one tarball)', async () => {
    const mergeBase = 'aaaabbbbccccddddeeeeffff0000111122223333';
    nock(API).get(`${REPO_PATH}/compare/${BASE_SHA}...${HEAD_SHA}`).query(true).reply(200, { merge_base_commit: { sha: mergeBase } });
    nock(API).get(`${REPO_PATH}/tarball/${mergeBase}`).reply(200, await tarballOf(shop()), { 'content-type': 'application/x-gzip' });
    const source = createGitHubSource(testOctokit(), { ...REF, headSha: HEAD_SHA, baseSha: BASE_SHA });
    expect(await source.baseSnapshotRef!()).toBe(mergeBase);
    const snap = await source.readBaseSnapshot!({ budget: BUDGET, changedPaths: ['src/orders/cancel-order.ts'] });
    expect(snap?.ref).toBe(mergeBase);
    expect(snap?.files.length).toBe(Object.keys(shop()).length - 1);
  });
});
