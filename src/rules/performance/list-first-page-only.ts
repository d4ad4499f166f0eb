import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { CALL_KIND, callLabel } from '../ast/external-call.js';
import { languageFamily, type LanguageFamily } from '../ast/function-scope.js';
import { fieldOf, inChange, kindOf, lineOf } from '../ast/node-text.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';

/** One paginated list API: how its call reads, and what its documentation says about pages. */
interface PagedApi {
  /** Tested against the callee text (Java: `object.name`), whitespace removed. */
  callee: RegExp;
  /** What one call returns, for the message. */
  page: string;
}

/**
 * Paginated list calls of well-known SDKs, per language family. Only SDKs whose list call returns one page
 * and leaves the next to the caller (a token, a cursor or a page number) are here.
 */
const PAGED: Record<LanguageFamily, readonly PagedApi[]> = {
  python: [
    { callee: /\.list_objects(_v2)?$/, page: 'at most 1,000 keys (S3 sets `IsTruncated` and a continuation token for the rest)' },
    { callee: /(^|\.)(table|\w+_table|dynamodb|dynamo_client|ddb)\.scan$/i, page: 'at most 1 MB of items (DynamoDB returns `LastEvaluatedKey` for the rest)' },
    { callee: /^stripe\.[A-Z]\w*\.list$/, page: 'one page of 10 objects by default (Stripe sets `has_more`)' },
  ],
  js: [
    { callee: /^(this\.)?stripe\.\w+\.list$/, page: 'one page of 10 objects by default (Stripe sets `has_more`)' },
    { callee: /^(this\.)?(octokit|github|gh)(\.rest)?\.\w+\.list\w*$/, page: 'one page of 30 items by default (GitHub sends a `Link: next` header for the rest)' },
  ],
  go: [
    { callee: /\.(Organizations|Repositories|Issues|PullRequests|Teams|Users|Activity|Apps|Checks|Actions|Git|Search)\.List\w*$/, page: 'one page of 30 items by default (go-github returns `resp.NextPage` for the rest)' },
    { callee: /\.ListObjects(V2)?$/, page: 'at most 1,000 keys (S3 sets `IsTruncated` and a continuation token for the rest)' },
  ],
  java: [
    { callee: /\.listObjects(V2)?$/, page: 'at most 1,000 keys (S3 sets `isTruncated` and a continuation token for the rest)' },
    { callee: /^(Customer|Charge|Invoice|PaymentIntent|Subscription|Refund|Price|Product|Payout|BalanceTransaction|Event)\.list$/, page: 'one page of 10 objects by default (Stripe sets `hasMore`)' },
  ],
};

/** A word every callee of {@link PAGED} contains, per family (Java: its method name), a superset of their tests. */
const CALL_WORD: Record<LanguageFamily, RegExp> = { python: /list|scan/i, js: /list/, go: /List/, java: /list/ };

/** AWS SDK v3 (JS) list commands: `new ListObjectsV2Command({...})` sent through a client. */
const JS_PAGED_COMMAND = /^(ListObjectsV2|ListObjects|Scan)Command$/;

/** Anything in the file that handles pages: a paginator, a continuation token, an auto-paging iterator, a next-page check. */
const PAGING =
  /paginat|Paginator|ContinuationToken|IsTruncated|isTruncated|LastEvaluatedKey|ExclusiveStartKey|exclusiveStartKey|NextToken|NextPage|nextPage|has_more|hasMore|starting_after|startingAfter|auto_paging|autoPaging|\bPage\s*:|\bpage\s*[:=]/;

/** An explicit small page size: the caller asked for the first few on purpose (`limit=1` to test existence, `MaxKeys: 1`). */
const EXPLICIT_LIMIT = /\b(limit|Limit|MaxKeys|maxKeys|per_page|perPage|PerPage|max_results|MaxResults)\b\s*[:=(]/;

/** True when one page is what the caller wants (only the first element is read: `list(...).data[0]`) or the SDK pages when iterated (`for await`). */
function firstElementOnly(call: SgNode): boolean {
  // `for await (const c of stripe.customers.list())`: stripe-node pages on its own when iterated asynchronously.
  const loop = call.parent();
  if (loop?.kind() === 'for_in_statement' && loop.children().some((c) => c.text() === 'await')) return true;
  for (let p = call.parent(); p; p = p.parent()) {
    if (/statement|declaration|^block$|^expression_list$/.test(kindOf(p))) return /\[0\]|\.first\b|\bnext\(iter\(/.test(p.text());
  }
  return false;
}

/** The callee text of a call, Java `object.name`, whitespace removed. */
function calleeText(call: SgNode, language: RuleLanguage): string {
  if (language === 'java') return `${fieldOf(call, 'object')?.text() ?? ''}.${fieldOf(call, 'name')?.text() ?? ''}`.replace(/\s+/g, '');
  return (fieldOf(call, 'function')?.text() ?? '').replace(/\s+/g, '');
}

/**
 * A list call of a paginated API whose result is used as if it were complete: no paginator, continuation
 * token, auto-paging iterator or next-page check anywhere in the file, and no explicit page size.
 */
export const listFirstPageOnly: Rule = {
  id: 'list-first-page-only',
  category: 'performance',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Paginated list call reads only the first page',
  why:
    'A paginated API returns one page per call. Code that treats that page as the whole list works in development and with small accounts, then silently misses every item past the first page in production: a user in 31 organizations is refused, the 1,001st S3 object is never processed, duplicates get created because an existing item was not seen.',
  fix:
    'Follow the pages: the SDK paginator (`s3.get_paginator("list_objects_v2")`, `paginateListObjectsV2`, `s3.NewListObjectsV2Paginator`, `listObjectsV2Paginator`), Stripe auto-paging (`auto_paging_iter()`, `autoPagingEach`, `autoPagingIterable()`), `octokit.paginate(...)`, or a loop on go-github `resp.NextPage`. Where one call can answer the question (GitHub `GET /user/memberships/orgs/{org}`), ask that instead of listing.',
  exemptions:
    'Silent when the file handles pages anywhere (a paginator, a continuation or next-page token, `has_more`, auto-paging, a page option), when the call sets an explicit page size (`limit=1` to check existence, `MaxKeys`, `per_page`) or only the first element is read: the first page is then what the caller asked for. Only SDK list calls known to page are checked.',
  // Estimate: no firing on the real-world corpus (0 judged); fires only where the SDK and the missing paging are both certain.
  confidence: 0.75,
  check(ctx: RuleContext): RuleMatch[] {
    if (PAGING.test(ctx.source)) return [];
    const family = languageFamily(ctx.language);
    const apis = PAGED[family];
    const out: RuleMatch[] = [];
    // Every paged callee names `list`/`List` (or a DynamoDB `scan`): ast-grep keeps the calls whose text does.
    const word = { field: family === 'java' ? 'name' : 'function', regex: `${CALL_WORD[family].flags.includes('i') ? '(?i)' : ''}${CALL_WORD[family].source}` };
    const calls = CALL_WORD[family].test(ctx.source) ? ctx.root.root().findAll({ rule: { kind: CALL_KIND[ctx.language], has: word } }) : [];
    for (const call of calls) {
      if (!inChange(ctx, call)) continue; // its match is the call's line
      const callee = calleeText(call, ctx.language);
      const api = apis.find((a) => a.callee.test(callee));
      if (!api || EXPLICIT_LIMIT.test(fieldOf(call, 'arguments')?.text() ?? '') || firstElementOnly(call)) continue;
      out.push({ line: lineOf(call), detail: `\`${callLabel(call)}\` returns ${api.page}, and nothing in this file asks for the next page.` });
    }
    if (family === 'js') {
      const commands = /Command/.test(ctx.source) ? ctx.root.root().findAll({ rule: { kind: 'new_expression', has: { field: 'constructor', regex: JS_PAGED_COMMAND.source } } }) : [];
      for (const n of commands) {
        if (!inChange(ctx, n)) continue; // its match is the command's line
        const ctor = fieldOf(n, 'constructor')?.text() ?? '';
        if (EXPLICIT_LIMIT.test(fieldOf(n, 'arguments')?.text() ?? '')) continue;
        const what = ctor.startsWith('Scan') ? 'at most 1 MB of items (DynamoDB returns `LastEvaluatedKey` for the rest)' : 'at most 1,000 keys (S3 sets `IsTruncated` and a continuation token for the rest)';
        out.push({ line: lineOf(n), detail: `\`new ${ctor}(…)\` returns ${what}, and nothing in this file asks for the next page.` });
      }
    }
    return out;
  },
};
