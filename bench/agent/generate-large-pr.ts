/**
 * A large, realistic pull request for the agent benchmark, generated deterministically: integration
 * services in TypeScript, Python and Go with a few hunks each in long files, new vendor clients, a
 * lockfile, docs, frontend components, tests and a generated API client. Most of its bytes are what a
 * reviewer should not read, as in real PRs of that size.
 */
export interface GeneratedPr {
  diff: string;
  headFiles: Map<string, string>;
  title: string;
  body: string;
}

interface Change {
  /** 1-based head line where the replaced block starts. */
  at: number;
  /** New lines replacing as many old lines. */
  lines: string[];
}

const CONTEXT = 3;

function tsService(name: string, n: number): string[] {
  const out = [`import Stripe from 'stripe';`, `import axios from 'axios';`, `import { db } from '../lib/db';`, '', `export class ${name} {`];
  for (let i = 0; out.length < n - 1; i++) {
    out.push(
      `  async step${i}(customerId: string): Promise<number> {`,
      `    const rows = await db.query('select amount from invoices where customer_id = $1', [customerId]);`,
      `    const res = await axios.get(\`https://partner.example.com/v1/customers/\${customerId}/limits\`);`,
      `    return rows.reduce((sum: number, r: { amount: number }) => sum + r.amount, 0) + res.data.limit${i};`,
      '  }',
      '',
    );
  }
  out.push('}');
  return out.slice(0, n);
}

function pyService(n: number): string[] {
  const out = ['import os', 'import requests', '', 'BASE = os.environ["PARTNER_URL"]', ''];
  for (let i = 0; out.length < n; i++) {
    out.push(`def sync_${i}(session, order_id):`, `    resp = requests.post(f"{BASE}/orders/{order_id}/step${i}", json={"id": order_id})`, '    resp.raise_for_status()', `    return resp.json()["status_${i}"]`, '', '');
  }
  return out.slice(0, n);
}

function goService(n: number): string[] {
  const out = ['package ledger', '', 'import (', '\t"fmt"', '\t"net/http"', ')', ''];
  for (let i = 0; out.length < n; i++) {
    out.push(`func Post${i}(c *http.Client, url string) error {`, `\tresp, err := c.Post(url+"/entries/${i}", "application/json", nil)`, '\tif err != nil {', `\t\treturn fmt.Errorf("post ${i}: %w", err)`, '\t}', '\treturn resp.Body.Close()', '}', '');
  }
  return out.slice(0, n);
}

function filler(kind: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${kind} line ${i + 1}: ${'lorem ipsum dolor sit amet '.repeat(2).trim()}`);
}

/** A modified file: `changes` replace old lines in place, so old and new numbers stay aligned. */
function modified(path: string, head: string[], changes: Change[]): string {
  const out = [`diff --git a/${path} b/${path}`, 'index 1111111..2222222 100644', `--- a/${path}`, `+++ b/${path}`];
  for (const c of changes) {
    const end = c.at + c.lines.length - 1;
    const from = Math.max(1, c.at - CONTEXT);
    const to = Math.min(head.length, end + CONTEXT);
    const count = to - from + 1;
    out.push(`@@ -${from},${count} +${from},${count} @@`);
    for (let n = from; n < c.at; n++) out.push(` ${head[n - 1]}`);
    for (let n = c.at; n <= end; n++) out.push(`-    // the old version of line ${n}`);
    for (const l of c.lines) out.push(`+${l}`);
    for (let n = end + 1; n <= to; n++) out.push(` ${head[n - 1]}`);
  }
  return out.join('\n');
}

function added(path: string, head: string[]): string {
  return [`diff --git a/${path} b/${path}`, 'new file mode 100644', 'index 0000000..2222222', '--- /dev/null', `+++ b/${path}`, `@@ -0,0 +1,${head.length} @@`, ...head.map((l) => `+${l}`)].join('\n');
}

/** Replaces `head` lines at each change with the change's lines, returning the new head. */
function apply(head: string[], changes: Change[]): string[] {
  const out = [...head];
  for (const c of changes) c.lines.forEach((l, i) => (out[c.at - 1 + i] = l));
  return out;
}

const changeAt = (at: number, tag: string): Change => ({
  at,
  lines: [`    // ${tag}: retry the partner call`, `    for (let attempt = 0; attempt < 5; attempt++) { await axios.post(url, body).catch(() => undefined); }`, `    logger.info({ attempt: 5 }, '${tag} done');`],
});

/**
 * Generates the large PR: 60 files, about 1 MB of diff and head text, of which the integration hunks
 * are a small part.
 */
export function generateLargePr(): GeneratedPr {
  const diffs: string[] = [];
  const headFiles = new Map<string, string>();
  const put = (path: string, head: string[], diff: string) => {
    headFiles.set(path, `${head.join('\n')}\n`);
    diffs.push(diff);
  };

  for (let i = 0; i < 10; i++) {
    const path = `src/services/billing-${i}.ts`;
    const changes = [changeAt(60 + i, `b${i}a`), changeAt(250, `b${i}b`), changeAt(520 - i, `b${i}c`)];
    const head = apply(tsService(`Billing${i}`, 600), changes);
    put(path, head, modified(path, head, changes));
  }
  for (let i = 0; i < 4; i++) {
    const path = `worker/sync_${i}.py`;
    const changes = [{ at: 100, lines: ['    resp = requests.post(url, json=payload)', '    return resp.json()'] }];
    const head = apply(pyService(500), changes);
    put(path, head, modified(path, head, changes));
  }
  for (let i = 0; i < 3; i++) {
    const path = `services/ledger/export_${i}.go`;
    const changes = [{ at: 200, lines: ['\tclient := &http.Client{}', '\tresp, err := client.Get(url)'] }];
    const head = apply(goService(450), changes);
    put(path, head, modified(path, head, changes));
  }
  for (let i = 0; i < 3; i++) {
    const path = `src/integrations/vendor-${i}.ts`;
    put(path, tsService(`Vendor${i}`, 90), added(path, tsService(`Vendor${i}`, 90)));
  }

  const lock = ['{', '  "name": "shop",', '  "lockfileVersion": 3,', '  "packages": {', ...Array.from({ length: 6000 }, (_, i) => `    "node_modules/pkg-${i}": { "version": "1.0.${i}", "integrity": "sha512-${'a'.repeat(60)}" },`), '  }', '}'];
  put('package-lock.json', lock, added('package-lock.json', lock));
  for (let i = 0; i < 10; i++) {
    const path = `docs/guide-${i}.md`;
    const head = filler('doc', 150);
    put(path, head, added(path, head));
  }
  for (let i = 0; i < 8; i++) {
    const path = `web/src/components/Panel${i}.tsx`;
    const head = filler('// ui', 200);
    const changes = [{ at: 50, lines: ['// ui changed'] }, { at: 150, lines: ['// ui changed again'] }];
    const next = apply(head, changes);
    put(path, next, modified(path, next, changes));
  }
  for (let i = 0; i < 10; i++) {
    const path = `test/services/billing-${i}.test.ts`;
    const head = filler('// test', 250);
    put(path, head, added(path, head));
  }
  const gen = ['// Code generated by openapi-generator. DO NOT EDIT.', ...filler('// api', 3000)];
  put('src/generated/api-client.ts', gen, added('src/generated/api-client.ts', gen));

  return {
    diff: `${diffs.join('\n')}\n`,
    headFiles,
    title: 'Partner billing v2: retries, ledger export, new vendor clients',
    body: 'Moves billing to the partner API v2.\n\n- adds retries\n- exports the ledger\n- regenerates the API client',
  };
}
