import type { SgRoot } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { isTsLike } from './function-scope.js';
import { importStatements } from './import-bindings.js';

/** UI frameworks and browser-only packages: a file importing one renders or runs in the browser. */
const UI_MODULE = /^(react|react-dom(\/.*)?|preact(\/.*)?|vue|svelte(\/.*)?|solid-js(\/.*)?|@angular\/(core|common|router)|next\/(router|navigation|link|image)|react-router(-dom)?|@remix-run\/react|@tanstack\/react-query|swr|zustand|jotai|recoil)$/;

/** Browser globals read as objects: `window.location`, `document.cookie`, `localStorage.getItem(...)`. */
const BROWSER_GLOBAL = /^(window|document|localStorage|sessionStorage|navigator)$/;

/** React hooks: `useEffect(...)`, `useState(...)`, `useQuery(...)`. */
const HOOK_CALL = '^use[A-Z]\\w*$';

/**
 * True when a TS/JS file is clearly browser code by its content, whatever its path: a `'use client'`
 * directive, a UI framework import together with hooks or JSX, or browser globals used as objects
 * (twice or more, and never guarded by a `typeof window` check: isomorphic code also runs on the server).
 * A hung request there blocks one user's tab, not a server's threads and connection pool.
 */
export function isBrowserCode(root: SgRoot, language: RuleLanguage, source: string): boolean {
  if (!isTsLike(language)) return false;
  if (/^\s*(['"])use client\1/.test(source)) return true;
  const node = root.root();
  const uiImport = importStatements(root, language).some((s) => !s.typeOnly && UI_MODULE.test(s.module));
  if (uiImport) {
    if (language !== 'typescript' && node.find({ rule: { any: [{ kind: 'jsx_element' }, { kind: 'jsx_self_closing_element' }] } })) return true;
    if (node.find({ rule: { kind: 'call_expression', has: { field: 'function', kind: 'identifier', regex: HOOK_CALL } } })) return true;
  }
  if (/\btypeof\s+(window|document)\b/.test(source)) return false;
  const globals = node.findAll({ rule: { kind: 'member_expression', has: { field: 'object', kind: 'identifier', regex: BROWSER_GLOBAL.source } } });
  return globals.length >= 2;
}
