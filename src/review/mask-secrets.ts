import { isSecretName } from '../rules/security/secret-names.js';
import { maskSecret, SECRET_SHAPES } from '../rules/security/secret-shapes.js';

/** The hardcoded-secret rule's vendor shapes, made global so every occurrence is replaced. */
const SHAPES = SECRET_SHAPES.map((s) => new RegExp(s.pattern.source, s.pattern.flags.includes('g') ? s.pattern.flags : `${s.pattern.flags}g`));

/** A PEM private key block; the END line may be missing (a hunk can cut the block). */
const PEM_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g;

/**
 * A quoted literal assigned to a name: `apiKey = "…"`, `"password": '…'`, `token := "…"`, `SECRET='…'`.
 * The name is judged by the rule's own `isSecretName`, so masking and reporting agree on what a
 * credential is. The name starts where a word starts (the lookbehind): otherwise every position inside a
 * long word is tried as a start and scanned to the word's end, quadratic in its length (20k characters: 2.6 s).
 */
const NAMED_LITERAL = /(["']?)(?<![\w$])([A-Za-z_$][\w$.-]*)\1(\s*(?::=|=|:|=>)\s*)(["'`])([^"'`\s\\]{8,500})\4/g;

/** An unquoted `NAME=value` or `name: value` line, as in `.env`, YAML and properties files. */
const NAMED_BARE = /^(\s*(?:export\s+)?)([A-Za-z_][\w.-]*)(\s*[=:]\s*)([^\s"'`#]{8,500})[ \t]*$/gm;

/** Values that are clearly not the secret itself: env lookups, templates, paths, URLs, placeholders. */
const NOT_A_VALUE = /^[A-Z][A-Z0-9_]*$|\$\{|\{\{|:\/\/|^[.~]?\//;

/**
 * Masks credentials in text sent to the model, and in every text arch-review posts (see `scrubFinding`
 * and the renderer): the vendor key shapes and PEM private keys that the
 * `hardcoded-secret` rule recognises, and literals assigned to credential-named variables. Masking is
 * deliberately broader than reporting (a placeholder masked costs nothing; a key sent to a third party
 * cannot be taken back). Line breaks are kept, so line numbers computed on the masked text stay right.
 *
 * @example maskSecrets('const key = "sk_live_51HxYzAbCdEfGhIjKlMn";') // 'const key = "sk_l****";'
 */
export function maskSecrets(text: string): string {
  let out = text.replace(PEM_BLOCK, (block: string, algo: string | undefined) => {
    const lines = block.split('\n').length - 1;
    return `-----BEGIN ${algo ?? ''}PRIVATE KEY----- ****masked****${'\n'.repeat(lines)}`;
  });
  for (const re of SHAPES) out = out.replace(re, (m) => maskSecret(m));
  out = out.replace(NAMED_LITERAL, (whole: string, q: string, name: string, op: string, quote: string, value: string) => {
    const last = name.split('.').pop() ?? name;
    if (!isSecretName(last) || NOT_A_VALUE.test(value) || value.endsWith('****')) return whole;
    return `${q}${name}${q}${op}${quote}${maskSecret(value)}${quote}`;
  });
  out = out.replace(NAMED_BARE, (whole: string, lead: string, name: string, op: string, value: string) => {
    const last = name.split('.').pop() ?? name;
    // Code, not a value: `apiKey = config.apiKey`, `token: getToken()`. Generated secrets carry digits.
    if (!isSecretName(last) || NOT_A_VALUE.test(value) || value.endsWith('****') || !/\d/.test(value) || /[()[\]]/.test(value)) return whole;
    return `${lead}${name}${op}${maskSecret(value)}`;
  });
  return out;
}
