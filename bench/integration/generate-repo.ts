/**
 * A generated repository for the repository-model benchmark: `files` source files spread evenly over
 * TypeScript, Python, Go and Java, 60 to 250 lines each, in packages of 10 files. Most files are plain
 * business code that imports a sibling or two from its own package; one package in 25 is an adapter
 * (`clients/`) wrapping an HTTP API or a vendor SDK, imported by others; a few files call a vendor directly.
 */

export interface GeneratedFile {
  path: string;
  text: string;
}

const LANGS = ['ts', 'py', 'go', 'java'] as const;
type Lang = (typeof LANGS)[number];

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateRepository(files: number, seed = 42): GeneratedFile[] {
  const rand = rng(seed);
  const out: GeneratedFile[] = [];
  const perLang = Math.ceil(files / LANGS.length);
  for (const lang of LANGS) {
    const packages = Math.ceil(perLang / 10);
    for (let p = 0; p < packages; p++) {
      const adapterPackage = p % 25 === 3;
      const pkg = adapterPackage ? `clients/c${p}` : `domain${p % 7}/p${p}`;
      for (let f = 0; f < 10 && out.length < files && out.filter((x) => x.path.endsWith(ext(lang))).length < perLang; f++) {
        // The adapter package's first file wraps the partner's API; the rest of it is plain code.
        const adapter = adapterPackage && f === 0;
        const direct = !adapterPackage && rand() < 0.03;
        const lines = 60 + Math.floor(rand() * 190);
        out.push({ path: pathOf(lang, pkg, f), text: fileText(lang, pkg, f, { adapter, direct, lines, adapterPkg: `clients/c${3 + 25 * Math.floor(p / 25)}`, host: `${lang}-partner${3 + 25 * Math.floor(p / 25)}.example.com`, rand }) });
      }
    }
  }
  return out;
}

const ext = (lang: Lang) => ({ ts: '.ts', py: '.py', go: '.go', java: '.java' })[lang];

function pathOf(lang: Lang, pkg: string, f: number): string {
  switch (lang) {
    case 'ts':
      return `services/web/src/${pkg}/m${f}.ts`;
    case 'py':
      return `services/worker/app/${pkg.replace(/\//g, '/')}/m${f}.py`;
    case 'go':
      return `services/ledger/internal/${pkg}/m${f}.go`;
    case 'java':
      return `services/pay/src/main/java/com/acme/${pkg.replace(/\//g, '/')}/M${f}.java`;
  }
}

interface Shape {
  adapter: boolean;
  direct: boolean;
  lines: number;
  adapterPkg: string;
  host: string;
  rand: () => number;
}

function fileText(lang: Lang, pkg: string, f: number, s: Shape): string {
  const sibling = (f + 1) % 10;
  const body: string[] = [];
  const fns = Math.max(2, Math.floor(s.lines / 14));
  for (let i = 0; i < fns; i++) body.push(...functionText(lang, i, s.rand));
  const usesAdapter = !s.adapter && s.rand() < 0.2;
  const url = `https://${s.host}/v1/items/`;
  switch (lang) {
    case 'ts': {
      const head = [`import { fn0 as helper } from './m${sibling}';`];
      if (usesAdapter) head.push(`import { call } from '../../${s.adapterPkg}/m0';`);
      if (s.adapter) head.push("import axios from 'axios';", `const http = axios.create({ baseURL: 'https://${s.host}', timeout: 5000 });`, 'export async function call(id: string) {', `  return http.get('${url}' + id);`, '}');
      if (s.direct) head.push("import Stripe from 'stripe';", "const stripe = new Stripe('sk');", 'export async function refundDirect(id: string) {', '  return stripe.refunds.create({ payment_intent: id });', '}');
      return [...head, ...body, `export const tail = helper;`].join('\n');
    }
    case 'py': {
      const head = [`from .m${sibling} import fn0 as helper`];
      if (usesAdapter) head.push(`from app.${s.adapterPkg.replace(/\//g, '.')}.m0 import call`);
      if (s.adapter) head.push('import requests', '', 'def call(item_id):', `    return requests.get(f'${url}{item_id}', timeout=5)`);
      if (s.direct) head.push('import stripe', '', 'def refund_direct(pi):', '    return stripe.Refund.create(payment_intent=pi)');
      return [...head, ...body].join('\n');
    }
    case 'go': {
      const imports = ['"fmt"', '"strings"'];
      if (usesAdapter) imports.push(`"github.com/acme/ledger/internal/${s.adapterPkg}"`);
      if (s.adapter || s.direct) imports.push('"net/http"', '"time"');
      const head = [`package ${pkg.split('/').pop()}`, '', 'import (', ...imports.map((i) => `\t${i}`), ')', ''];
      if (s.adapter || s.direct) head.push('var client = &http.Client{Timeout: 5 * time.Second}', '', `func Call${f}(id string) (*http.Response, error) {`, `\treturn client.Get("${s.adapter ? url : 'https://rates.example.org/v2/'}" + id)`, '}', '');
      if (usesAdapter) head.push(`var _ = ${s.adapterPkg.split('/').pop()}.Call0`);
      return [...head, ...body, 'var _ = fmt.Sprintf', 'var _ = strings.ToUpper'].join('\n');
    }
    case 'java': {
      const javaPkg = `com.acme.${pkg.replace(/\//g, '.')}`;
      const head = [`package ${javaPkg};`, '', 'import java.util.List;', `import ${javaPkg}.M${sibling};`];
      if (usesAdapter) head.push(`import com.acme.${s.adapterPkg.replace(/\//g, '.')}.M0;`);
      if (s.adapter || s.direct) head.push('import java.net.http.HttpClient;', 'import java.net.http.HttpRequest;', 'import java.net.URI;', 'import java.time.Duration;');
      head.push('', `public class M${f} {`);
      if (s.adapter || s.direct) {
        head.push('  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();', '  public Object call(String id) throws Exception {', `    return http.send(HttpRequest.newBuilder(URI.create("${s.adapter ? url : 'https://rates.example.org/v2/'}" + id)).timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());`, '  }');
      }
      return [...head, ...body.map((l) => `  ${l}`), '}'].join('\n');
    }
  }
}

function functionText(lang: Lang, i: number, rand: () => number): string[] {
  const n = Math.floor(rand() * 1000);
  switch (lang) {
    case 'ts':
      return [`export function fn${i}(items: Array<{ id: string; amount: number }>, limit = ${n}): number {`, '  let total = 0;', '  for (const item of items) {', '    if (item.amount > limit) {', '      total += item.amount * 2;', '    } else if (item.id.startsWith("x")) {', '      total -= 1;', '    }', '  }', '  const rounded = Math.round(total * 100) / 100;', '  return rounded > 0 ? rounded : 0;', '}', ''];
    case 'py':
      return ['', `def fn${i}(items, limit=${n}):`, '    total = 0', '    for item in items:', "        if item['amount'] > limit:", "            total += item['amount'] * 2", "        elif item['id'].startswith('x'):", '            total -= 1', '    rounded = round(total, 2)', '    return rounded if rounded > 0 else 0', ''];
    case 'go':
      return [`func Fn${i}(items []map[string]int, limit int) int {`, '\ttotal := 0', '\tfor _, item := range items {', `\t\tif item["amount"] > limit+${n} {`, '\t\t\ttotal += item["amount"] * 2', '\t\t} else if item["id"] == 0 {', '\t\t\ttotal--', '\t\t}', '\t}', '\tif total < 0 {', '\t\treturn 0', '\t}', '\treturn total', '}', ''];
    case 'java':
      return [`public int fn${i}(List<int[]> items, int limit) {`, '  int total = 0;', '  for (int[] item : items) {', `    if (item[0] > limit + ${n}) {`, '      total += item[0] * 2;', '    } else if (item[1] == 0) {', '      total -= 1;', '    }', '  }', '  return Math.max(total, 0);', '}', ''];
  }
}
