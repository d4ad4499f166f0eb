/** `npm run docs:demo`: rewrites the tables of examples/payments-pr/README.md from a fresh run of the demo. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { JsonReport } from '../src/cli/format-json.js';
import { runCli } from '../src/cli/run-cli.js';
import { DEMO_ARGS, withDemoTables } from './demo-readme.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let out = '';
await runCli([...DEMO_ARGS, '--format', 'json', '-q'], { stdout: { write: (s: string) => (out += s) }, stderr: process.stderr, stdin: Readable.from([]), env: {}, cwd: root });
const readmePath = resolve(root, 'examples/payments-pr/README.md');
writeFileSync(readmePath, withDemoTables(readFileSync(readmePath, 'utf8'), JSON.parse(out) as JsonReport));
console.log('wrote examples/payments-pr/README.md');
