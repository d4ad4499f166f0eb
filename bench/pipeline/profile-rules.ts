/**
 * Time per rule (and per language) over the generated 10k-line change, in this thread: where the
 * rules spend their time. `npx tsx bench/pipeline/profile-rules.ts [changedLines]`
 */
import { generateChange } from './generate-change.js';
import { parseDiff } from '../../src/diff/parse.js';
import { classifyByPath } from '../../src/diff/classify.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { parseSource } from '../../src/rules/parse-source.js';
import { withFileMemo } from '../../src/rules/ast/file-memo.js';
const change = generateChange(Number(process.argv[2] ?? 10_000));
const parsed = parseDiff({ kind: 'unified', text: change.diff });
const times = new Map<string, number>();
let parseMs = 0; let n = 0; const byLang = new Map<string, number>();
for (const f of parsed.files) {
  const c = classifyByPath(f, { include: [], exclude: [], maxFileBytes: 1e9 });
  if (!c.ruleLanguage) continue;
  const src = change.files.get(f.path)!; n++;
  let t = performance.now();
  const root = parseSource(c.ruleLanguage, src);
  parseMs += performance.now() - t;
  const ctx = { path: f.path, language: c.ruleLanguage, source: src, lines: src.split('\n'), root };
  const language = c.ruleLanguage;
  withFileMemo(() => { for (const r of ALL_RULES) {
    if (!r.languages.includes(language)) continue;
    t = performance.now();
    r.check(ctx);
    const d = performance.now() - t;
    times.set(r.id, (times.get(r.id) ?? 0) + d);
    byLang.set(language + ' ' + r.id, (byLang.get(language + ' ' + r.id) ?? 0) + d);
  } });
}
console.log('files', n, 'parse ms', parseMs.toFixed(0));
console.log([...times].sort((a,b)=>b[1]-a[1]).map(([k,v])=>`${k} ${v.toFixed(0)}`).join('\n'));
console.log('total', [...times.values()].reduce((a,b)=>a+b,0).toFixed(0));
console.log([...byLang].sort((a,b)=>b[1]-a[1]).slice(0,12).map(([k,v])=>`${k} ${v.toFixed(0)}`).join('\n'));
