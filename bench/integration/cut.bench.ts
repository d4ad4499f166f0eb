/**
 * The snapshot under a budget on a large local repository: `npx tsx bench/integration/cut.bench.ts <repo dir> <max files> <changed path>…`.
 * Reads the repository at HEAD with `readLocalSnapshot` (the CLI's reader; the App's tarball reader shares the
 * collector) and prints what was kept, the scope, the note, the time and the peak RSS.
 */
import { readLocalSnapshot } from '../../src/cli/local-snapshot.js';
import { buildIntegrationModel } from '../../src/integration/build-model.js';

const [dir, maxFiles, ...changedPaths] = process.argv.slice(2);
if (!dir || !maxFiles || changedPaths.length === 0) throw new Error('usage: cut.bench.ts <repo dir> <max files> <changed path>…');
const started = performance.now();
const snap = await readLocalSnapshot({ root: dir, ref: 'HEAD', budget: { maxFiles: Number(maxFiles), maxBytes: 50 * 1024 * 1024, timeoutMs: 20_000 }, changedPaths });
const read = performance.now() - started;
const model = buildIntegrationModel(snap.files);
const total = performance.now() - started;
console.log(
  JSON.stringify(
    {
      dir,
      maxFiles: Number(maxFiles),
      stats: snap.stats,
      truncated: snap.truncated,
      scope: snap.scope,
      note: snap.note,
      points: model.points.length,
      adapters: model.adapters.length,
      readMs: Math.round(read),
      totalMs: Math.round(total),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    null,
    2,
  ),
);
