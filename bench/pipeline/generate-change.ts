/**
 * Generates a synthetic but realistic pull request for the pipeline benchmark: integration code in
 * TypeScript, Python, Go and Java (HTTP clients, SDK calls, retries, SQL, error handling, some of it
 * with the problems the rules look for), plus docs and a lockfile that the classifier skips.
 * Deterministic: the same size gives the same change.
 */

type Op = { kind: 'ctx' | 'add' | 'del'; text: string };

export interface GeneratedChange {
  /** `git diff` text. */
  diff: string;
  /** Head version of every file, by path. */
  files: Map<string, string>;
  /** Base version of every file the change modifies (not of added ones), by path. */
  baseFiles: Map<string, string>;
  /** Added plus deleted lines. */
  changedLines: number;
  fileCount: number;
}

type Lang = 'ts' | 'py' | 'go' | 'java';

const TS_BLOCKS = [
  (i: number) => [
    `export async function syncCustomer${i}(customerId: string): Promise<void> {`,
    `  const res = await fetch(\`\${CRM_URL}/customers/\${customerId}\`, { method: 'PUT', body: JSON.stringify({ id: customerId }), signal: AbortSignal.timeout(5000) });`,
    `  if (!res.ok) {`,
    `    throw new CrmError(\`crm sync ${i} failed: \${res.status}\`);`,
    `  }`,
    `  try {`,
    `    await db.query('UPDATE customers SET synced_at = now() WHERE id = $1', [customerId]);`,
    `  } catch (err) {`,
    `    logger.warn({ err, customerId }, 'could not mark customer ${i} synced');`,
    `  }`,
    `}`,
    ``,
  ],
  (i: number) => [
    `export async function pushInvoices${i}(invoices: Invoice[]): Promise<number> {`,
    `  let pushed = 0;`,
    `  for (const invoice of invoices) {`,
    `    await axios.post(\`\${LEDGER_URL}/invoices\`, { id: invoice.id, amount: invoice.amountCents });`,
    `    pushed++;`,
    `  }`,
    `  return pushed;`,
    `}`,
    ``,
  ],
  (i: number) => [
    `export async function refund${i}(chargeId: string): Promise<void> {`,
    `  try {`,
    `    await payments.refunds.create({ charge: chargeId }, { idempotencyKey: \`refund-${i}-\${chargeId}\` });`,
    `  } catch (err) {`,
    `    throw new Error('refund ${i} failed');`,
    `  }`,
    `}`,
    ``,
  ],
];

const PY_BLOCKS = [
  (i: number) => [
    `def sync_customer_${i}(session, customer_id):`,
    `    resp = session.put(f"{CRM_URL}/customers/{customer_id}", json={"id": customer_id}, timeout=(3.05, 10))`,
    `    resp.raise_for_status()`,
    `    try:`,
    `        mark_synced(customer_id)`,
    `    except DatabaseError as err:`,
    `        log.warning("could not mark customer %s synced: %s", customer_id, err)`,
    ``,
    ``,
  ],
  (i: number) => [
    `def push_orders_${i}(conn, since):`,
    `    with conn.cursor() as cur:`,
    `        cur.execute(f"SELECT id, total FROM orders WHERE paid_at > '{since}'")`,
    `        rows = cur.fetchall()`,
    `    for row in rows:`,
    `        requests.post(LEDGER_URL, json={"id": row[0], "total": row[1]})`,
    `    return len(rows)`,
    ``,
    ``,
  ],
  (i: number) => [
    `def refund_${i}(charge_id):`,
    `    try:`,
    `        payments.Refund.create(charge=charge_id, idempotency_key=f"refund-${i}-{charge_id}")`,
    `    except Exception:`,
    `        pass`,
    ``,
    ``,
  ],
];

const GO_BLOCKS = [
  (i: number) => [
    `// SyncCustomer${i} pushes one customer to the CRM.`,
    `func (c *Client) SyncCustomer${i}(ctx context.Context, id string) error {`,
    `\treq, err := http.NewRequestWithContext(ctx, http.MethodPut, c.baseURL+"/customers/"+id, nil)`,
    `\tif err != nil {`,
    `\t\treturn fmt.Errorf("build request ${i}: %w", err)`,
    `\t}`,
    `\tresp, err := c.http.Do(req)`,
    `\tif err != nil {`,
    `\t\treturn fmt.Errorf("sync customer ${i}: %w", err)`,
    `\t}`,
    `\tdefer resp.Body.Close()`,
    `\treturn nil`,
    `}`,
    ``,
  ],
  (i: number) => [
    `// Export${i} posts ledger entries to the accounting system.`,
    `func Export${i}(baseURL string, entries []Entry) error {`,
    `\tfor _, e := range entries {`,
    `\t\tclient := &http.Client{}`,
    `\t\tresp, err := client.Post(baseURL+"/entries", "application/json", nil)`,
    `\t\tif err != nil {`,
    `\t\t\treturn fmt.Errorf("export ${i} %s: %v", e.ID, err)`,
    `\t\t}`,
    `\t\tresp.Body.Close()`,
    `\t}`,
    `\treturn nil`,
    `}`,
    ``,
  ],
];

const JAVA_BLOCKS = [
  (i: number) => [
    `    public void syncCustomer${i}(String customerId) throws CrmException {`,
    `        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/customers/" + customerId)).timeout(Duration.ofSeconds(5)).PUT(HttpRequest.BodyPublishers.noBody()).build();`,
    `        try {`,
    `            http.send(request, HttpResponse.BodyHandlers.discarding());`,
    `        } catch (IOException | InterruptedException e) {`,
    `            throw new CrmException("sync ${i} failed", e);`,
    `        }`,
    `    }`,
    ``,
  ],
  (i: number) => [
    `    public List<Order> ordersSince${i}(String since) throws SQLException {`,
    `        try (Statement st = connection.createStatement()) {`,
    `            ResultSet rs = st.executeQuery("SELECT id, total FROM orders WHERE paid_at > '" + since + "'");`,
    `            return mapOrders(rs);`,
    `        } catch (SQLException e) {`,
    `            throw new RuntimeException("orders ${i} failed");`,
    `        }`,
    `    }`,
    ``,
  ],
];

const BLOCKS: Record<Lang, Array<(i: number) => string[]>> = { ts: TS_BLOCKS, py: PY_BLOCKS, go: GO_BLOCKS, java: JAVA_BLOCKS };

function header(lang: Lang, n: number): string[] {
  switch (lang) {
    case 'ts':
      return [`import axios from 'axios';`, `import { db } from '../lib/db';`, `import { logger } from '../lib/logger';`, `import { CrmError, type Invoice } from './types';`, `import { payments } from './payments-client';`, ``, `const CRM_URL = 'https://crm.example.com/v${n % 3}';`, `const LEDGER_URL = 'https://ledger.example.com/api';`, ``];
    case 'py':
      return [`"""Partner sync ${n}."""`, `import logging`, ``, `import requests`, `from psycopg2 import DatabaseError`, ``, `from billing import payments`, `from billing.db import mark_synced`, ``, `log = logging.getLogger(__name__)`, `CRM_URL = "https://crm.example.com/v2"`, `LEDGER_URL = "https://ledger.example.com/api"`, ``, ``];
    case 'go':
      return [`package ledger${n}`, ``, `import (`, `\t"context"`, `\t"fmt"`, `\t"net/http"`, `)`, ``, `type Entry struct{ ID string }`, ``, `type Client struct {`, `\tbaseURL string`, `\thttp    *http.Client`, `}`, ``];
    case 'java':
      return [`package com.acme.billing.sync${n};`, ``, `import java.io.IOException;`, `import java.net.URI;`, `import java.net.http.HttpClient;`, `import java.net.http.HttpRequest;`, `import java.net.http.HttpResponse;`, `import java.sql.*;`, `import java.time.Duration;`, `import java.util.List;`, ``, `public class CrmSync${n} {`, `    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();`, `    private final String baseUrl = "https://crm.example.com";`, `    private Connection connection;`, ``];
  }
}

function footer(lang: Lang): string[] {
  return lang === 'java' ? [`    private List<Order> mapOrders(ResultSet rs) { return List.of(); }`, `}`] : [];
}

const PATHS: Record<Lang, (n: number) => string> = {
  ts: (n) => `src/integrations/crm/sync-${n}.ts`,
  py: (n) => `worker/partners/sync_${n}.py`,
  go: (n) => `internal/ledger/export_${n}.go`,
  java: (n) => `src/main/java/com/acme/billing/sync${n}/CrmSync${n}.java`,
};

/** Tiny deterministic PRNG (mulberry32), so every run benchmarks the same change. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Unified diff of one file from its line ops, with 3 lines of context like `git diff`. */
function fileDiff(path: string, ops: Op[], isNew: boolean, n: number): string {
  const out = [`diff --git a/${path} b/${path}`];
  if (isNew) out.push('new file mode 100644', `index 0000000..${(n + 0x1000000).toString(16).slice(-7)}`, '--- /dev/null');
  else out.push(`index ${(n + 0x2000000).toString(16).slice(-7)}..${(n + 0x3000000).toString(16).slice(-7)} 100644`, `--- a/${path}`);
  out.push(`+++ b/${path}`);
  const changed = ops.map((o, i) => (o.kind === 'ctx' ? -1 : i)).filter((i) => i >= 0);
  let k = 0;
  while (k < changed.length) {
    let start = Math.max(0, changed[k]! - 3);
    let end = Math.min(ops.length - 1, changed[k]! + 3);
    while (k + 1 < changed.length && changed[k + 1]! - 3 <= end + 1) {
      k++;
      end = Math.min(ops.length - 1, changed[k]! + 3);
    }
    k++;
    if (isNew) {
      start = 0;
      end = ops.length - 1;
    }
    let oldStart = 1;
    let newStart = 1;
    for (let i = 0; i < start; i++) {
      if (ops[i]!.kind !== 'add') oldStart++;
      if (ops[i]!.kind !== 'del') newStart++;
    }
    const slice = ops.slice(start, end + 1);
    const oldLen = slice.filter((o) => o.kind !== 'add').length;
    const newLen = slice.filter((o) => o.kind !== 'del').length;
    out.push(`@@ -${oldLen === 0 ? 0 : oldStart},${oldLen} +${newLen === 0 ? 0 : newStart},${newLen} @@`);
    for (const o of slice) out.push(`${o.kind === 'add' ? '+' : o.kind === 'del' ? '-' : ' '}${o.text}`);
    if (isNew) break;
  }
  return `${out.join('\n')}\n`;
}

/** A change of about `targetLines` changed lines, spread over files of the four languages. */
export function generateChange(targetLines: number, seed = 42): GeneratedChange {
  const random = rng(seed);
  const langs: Lang[] = ['ts', 'py', 'go', 'java'];
  const files = new Map<string, string>();
  const baseFiles = new Map<string, string>();
  const diffs: string[] = [];
  let changedLines = 0;
  let n = 0;
  while (changedLines < targetLines) {
    const lang = langs[n % langs.length]!;
    const isNew = random() < 0.4;
    const ops: Op[] = header(lang, n).map((text) => ({ kind: isNew ? 'add' : 'ctx', text }));
    const blocks = 8 + Math.floor(random() * 10);
    for (let b = 0; b < blocks; b++) {
      const template = BLOCKS[lang][Math.floor(random() * BLOCKS[lang].length)]!;
      const lines = template(n * 100 + b);
      const r = random();
      if (isNew || r < 0.45) for (const text of lines) ops.push({ kind: 'add', text });
      else if (r < 0.65) {
        // An edited block: its second line rewritten.
        lines.forEach((text, li) => {
          if (li === 1) ops.push({ kind: 'del', text: `${text} // v1` }, { kind: 'add', text });
          else ops.push({ kind: 'ctx', text });
        });
      } else for (const text of lines) ops.push({ kind: 'ctx', text });
    }
    for (const text of footer(lang)) ops.push({ kind: isNew ? 'add' : 'ctx', text });
    const path = PATHS[lang](n);
    const head = ops.filter((o) => o.kind !== 'del').map((o) => o.text);
    files.set(path, `${head.join('\n')}\n`);
    if (!isNew) baseFiles.set(path, `${ops.filter((o) => o.kind !== 'add').map((o) => o.text).join('\n')}\n`);
    diffs.push(fileDiff(path, ops, isNew, n));
    changedLines += ops.filter((o) => o.kind !== 'ctx').length;
    n++;
    // Every 25 files, a docs change and a lockfile bump the classifier should skip.
    if (n % 25 === 0) {
      const doc = [`# Sync ${n}`, '', 'Runs nightly.', ''];
      files.set(`docs/sync-${n}.md`, `${doc.join('\n')}\n`);
      diffs.push(fileDiff(`docs/sync-${n}.md`, doc.map((text) => ({ kind: 'add', text })), true, n));
      changedLines += doc.length;
    }
  }
  return { diff: diffs.join(''), files, baseFiles, changedLines, fileCount: files.size };
}

/**
 * A generated change as the benchmark child reads it (`measure-child.mjs`): JSON, with the maps as entry lists.
 */
export function changeJson(change: GeneratedChange): string {
  return JSON.stringify({ diff: change.diff, files: [...change.files], baseFiles: [...change.baseFiles], changedLines: change.changedLines, fileCount: change.fileCount });
}
