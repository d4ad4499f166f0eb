/**
 * Repository-model benchmark: on a generated repository of 5,000 source files in the four languages
 * (bench/integration/generate-repo.ts), the snapshot collector (path filter, classification, keep decision)
 * and the model build (one parse per kept file: points and imports; merge; adapters). Runs in a child process
 * so its peak RSS is the benchmark's alone: one warm-up, then 5 timed runs; prints the medians as markdown.
 *
 *   npx tsx bench/integration/model.bench.ts [files]
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { readTarballSnapshot } from '../../src/github/github-snapshot.js';
import type { GitHubClient } from '../../src/github/types.js';
import { tarballOf } from '../../test/helpers/tarball.js';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { mergeFileModels } from '../../src/integration/build-model.js';
import { baseModelData } from '../../src/integration/repository-model.js';
import { hasIntegrationSignals, SnapshotCollector } from '../../src/integration/snapshot.js';
import { generateRepository } from './generate-repo.js';

const RUNS = 5;
const MB = 1024 * 1024;

function once(files: ReturnType<typeof generateRepository>) {
  const t0 = performance.now();
  const c = new SnapshotCollector({ budget: { maxFiles: 5000, maxBytes: 50 * MB, timeoutMs: 60_000 }, changedPaths: [] });
  for (const f of files) if (c.wants(f.path, Buffer.byteLength(f.text))) c.add(f.path, f.text);
  const snap = c.finish('bench');
  const t1 = performance.now();
  const data = baseModelData(snap);
  const model = mergeFileModels(data.files);
  const t2 = performance.now();
  return { collectMs: t1 - t0, modelMs: t2 - t1, totalMs: t2 - t0, kept: snap.files.length, parsed: snap.files.filter(hasIntegrationSignals).length, points: model.points.length, adapters: model.adapters.length, cacheBytes: JSON.stringify(data).length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (process.argv[2] === '--child') {
  const n = Number(process.argv[4] ?? 5000);
  const files = generateRepository(n);
  const bytes = files.reduce((s, f) => s + Buffer.byteLength(f.text), 0);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const baseRssMb = process.resourceUsage().maxRSS / 1024;
  if (process.argv[3] === 'tarball') {
    // The App's path: the tar.gz streamed from a local HTTP server (302 then 200, like GitHub), one cold run.
    const archive = await tarballOf(Object.fromEntries(files.map((x) => [x.path, x.text])));
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/repos/')) {
        res.writeHead(302, { location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/codeload/x.tar.gz` });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/x-gzip' });
        res.end(archive);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const octokit = new Octokit({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth: 'x' }) as unknown as GitHubClient;
    const before = process.resourceUsage().maxRSS / 1024;
    const t0 = performance.now();
    const snap = await readTarballSnapshot(octokit, { owner: 'acme', repo: 'big', ref: 'sha', budget: { maxFiles: 5000, maxBytes: 50 * MB, timeoutMs: 60_000 }, changedPaths: [] });
    const t1 = performance.now();
    mergeFileModels(baseModelData(snap).files);
    const t2 = performance.now();
    server.close();
    process.stdout.write(JSON.stringify({ archiveMb: archive.length / MB, downloadMs: t1 - t0, modelMs: t2 - t1, totalMs: t2 - t0, kept: snap.files.length, baseRssMb: before, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  } else if (process.argv[3] === 'rss') {
    // One cold run, as a review does it: the process's peak RSS with it, and before it.
    const r = once(files);
    process.stdout.write(JSON.stringify({ baseRssMb, maxRssMb: process.resourceUsage().maxRSS / 1024, coldMs: r.totalMs }));
  } else {
    once(files); // warm-up (ast-grep grammars, JIT)
    const runs = Array.from({ length: RUNS }, () => {
      gc();
      return once(files);
    });
    const r = runs[0]!;
    process.stdout.write(
      JSON.stringify({
        files: n,
        sourceMb: bytes / MB,
        kept: r.kept,
        parsed: r.parsed,
        points: r.points,
        adapters: r.adapters,
        cacheMb: r.cacheBytes / MB,
        collectMs: median(runs.map((x) => x.collectMs)),
        modelMs: median(runs.map((x) => x.modelMs)),
        totalMs: median(runs.map((x) => x.totalMs)),
        runsMs: runs.map((x) => Math.round(x.totalMs)),
      }),
    );
  }
} else {
  const n = process.argv[2] ?? '5000';
  const child = (mode: string) => {
    const c = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, n], { encoding: 'utf8', maxBuffer: 16 * MB });
    if (c.status !== 0) throw new Error(c.stderr);
    return JSON.parse(c.stdout) as Record<string, number | number[]>;
  };
  const load = os.loadavg();
  const rss = child('rss');
  const r = child('time');
  const f = (x: unknown, d = 0) => (x as number).toFixed(d);
  console.log(`machine: ${os.cpus()[0]?.model} x${os.cpus().length}, ${Math.round(os.totalmem() / 1024 / MB)} GB, node ${process.version}, load average before ${load.map((l) => l.toFixed(2)).join(' ')}, after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('| files | source | kept | parsed for points | points | adapters | cached model (JSON) | collect | model build | total (median of 5) | runs | cold run | peak RSS with one cold run | RSS before it (node + tsx + generated texts) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(`| ${r.files} | ${f(r.sourceMb, 1)} MB | ${r.kept} | ${r.parsed} | ${r.points} | ${r.adapters} | ${f(r.cacheMb, 2)} MB | ${f(r.collectMs)} ms | ${f(r.modelMs)} ms | ${f(r.totalMs)} ms | ${(r.runsMs as number[]).join(', ')} ms | ${f(rss.coldMs)} ms | ${f(rss.maxRssMb)} MB | ${f(rss.baseRssMb)} MB |`);
  const tb = child('tarball');
  console.log('');
  console.log('| tar.gz | read through readTarballSnapshot (302, gunzip, tar-stream, collector) | model build | total (cold) | kept | peak RSS | RSS before it |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(`| ${f(tb.archiveMb, 1)} MB | ${f(tb.downloadMs)} ms | ${f(tb.modelMs)} ms | ${f(tb.totalMs)} ms | ${tb.kept} | ${f(tb.maxRssMb)} MB | ${f(tb.baseRssMb)} MB |`);
  console.log('');
}
