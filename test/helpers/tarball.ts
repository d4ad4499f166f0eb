import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

/**
 * A gzipped tar of `files` (path → content) the way GitHub's tarball endpoint lays it out: every file
 * under one top folder (`owner-repo-sha/`), long paths in pax headers.
 */
export async function tarballOf(files: Record<string, string>, top = 'acme-shop-0123abc'): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  pack.entry({ name: `${top}/`, type: 'directory' });
  for (const [path, content] of Object.entries(files)) pack.entry({ name: `${top}/${path}`, type: 'file', size: Buffer.byteLength(content) }, content);
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
