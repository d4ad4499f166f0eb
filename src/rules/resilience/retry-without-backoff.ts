import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import type { Rule, RuleContext, RuleMatch } from '../types.js';
import { callLabel } from '../ast/external-call.js';
import { fieldOf, inChange, kindOf, lineOf, quote } from '../ast/node-text.js';
import { retryDecorators, retryableAnnotations } from './retry-annotations.js';
import { isConstantDelay, retryLoops, type RetryLoop } from './retry-loops.js';

/**
 * A retry with no backoff: a retry loop that sleeps a constant time or not at all, or that has no attempt limit;
 * tenacity/backoff/retrying decorators with a fixed or no wait or no stop; Spring `@Retryable` with its default fixed delay.
 */
export const retryWithoutBackoff: Rule = {
  id: 'retry-without-backoff',
  category: 'resilience',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Retry without exponential backoff',
  why:
    'Retrying instantly, at a fixed pace or forever turns a provider\'s brief outage into a retry storm: every instance hammers it in lockstep, rate limits kick in, recovery takes longer, and workers stay busy on calls that cannot succeed.',
  fix:
    'Cap the attempts and back off exponentially with jitter (`delay = random() * min(cap, base * 2 ** attempt)`), or use a retry library: p-retry/async-retry (TS), tenacity `stop=stop_after_attempt(5), wait=wait_random_exponential(multiplier=0.5, max=30)` (Python), cenkalti/backoff `backoff.WithMaxRetries(backoff.NewExponentialBackOff(), 5)` (Go), `@Retryable(backoff = @Backoff(delay = 500, multiplier = 2, random = true))` or Resilience4j (Java).',
  exemptions:
    'Silent for loops that are not retries (no call out repeated on failure), for loops whose delay grows with the attempt (a multiplier, `2 **`, a backoff library), for polling and reconnect loops that wait on purpose, and for retry libraries configured with exponential waits.',
  // No firing on the real-world corpus yet (0 judged): an estimate from the labelled cases and tests.
  confidence: 0.75,
  check(ctx: RuleContext): RuleMatch[] {
    const root = ctx.root.root();
    // A loop's match is its first line or a sleep statement inside it (every loop kind is a statement, so the
    // sleep's nearest statement is at most the loop); a decorator's, annotation's or call's is its own line.
    const matches = retryLoops(root, ctx.language).flatMap((r) => (inChange(ctx, r.loop) ? loopMatch(r, ctx.language) : []));
    if (ctx.language === 'python') matches.push(...retryDecorators(root, ctx.source).flatMap((d) => (inChange(ctx, d.node) ? decoratorMatch(d) : [])));
    if (ctx.language === 'java') matches.push(...retryableAnnotations(root).flatMap((a) => (inChange(ctx, a.node) ? annotationMatch(a) : [])));
    if (ctx.language === 'go') matches.push(...goConstantBackOff(root, ctx));
    return matches;
  },
};

/** The loop's first line, for quoting: `while (true)`, `for attempt in range(5)`, Go `for {`. */
function loopHead(loop: SgNode): string {
  const head = quote(loop.text().split('\n')[0]?.replace(/\{\s*$/, '').replace(/:\s*$/, '') ?? '', 40);
  return head === 'for' ? 'for {' : head;
}

function loopMatch(r: RetryLoop, language: RuleLanguage): RuleMatch[] {
  const target = r.calls[0];
  const label = target ? `\`${callLabel(target)}\`` : 'the call';
  if (!r.bounded) {
    return [
      {
        line: lineOf(r.loop),
        title: 'Unbounded retry loop',
        detail: `\`${loopHead(r.loop)}\` retries ${label} with no attempt limit: while the dependency is down this never gives up, holding the worker and adding load to a service that is already failing.`,
      },
    ];
  }
  if (r.sleeps.length === 0) {
    // One immediate second try (`attempt < 2`) is a deliberate re-request, not a retry storm.
    if (r.limit !== undefined && r.limit <= 2) return [];
    return [
      {
        line: lineOf(r.loop),
        title: 'Retry loop without any delay',
        detail: `\`${loopHead(r.loop)}\` retries ${label} immediately, with no delay between attempts: a struggling dependency gets every attempt in one burst, and all callers retry in lockstep.`,
      },
    ];
  }
  const fixed = r.sleeps.every((s, i) => {
    const d = r.delays[i];
    return d ? isConstantDelay(d, r, language) : false;
  });
  const sleep = r.sleeps[0];
  if (!fixed || !sleep) return [];
  const stmt = sleep.ancestors().find((a) => /statement$/.test(kindOf(a))) ?? sleep;
  return [
    {
      line: lineOf(stmt),
      title: 'Retry with a fixed delay',
      detail: `\`${quote(sleep.text(), 50)}\` waits the same time before every retry of ${label}: no exponential growth and no jitter, so every client retries in lockstep and a rate-limited or recovering provider gets no room.`,
    },
  ];
}

function decoratorMatch(d: ReturnType<typeof retryDecorators>[number]): RuleMatch[] {
  const problems: string[] = [];
  if (!d.bounded) problems.push(d.library === 'backoff' ? 'it has no `max_tries`/`max_time`, so it retries forever' : 'it has no stop condition, so it retries forever');
  if (d.wait === 'none') problems.push('it has no wait, so it retries immediately');
  if (d.wait === 'fixed') problems.push('its wait is fixed, with no exponential growth or jitter');
  if (problems.length === 0) return [];
  return [
    {
      line: lineOf(d.node),
      title: d.bounded ? 'Retry without exponential backoff' : 'Unbounded retry',
      detail: `\`${quote(d.node.text(), 60)}\`: ${problems.join('; ')}.`,
    },
  ];
}

function annotationMatch(a: ReturnType<typeof retryableAnnotations>[number]): RuleMatch[] {
  if (a.exponential) return [];
  return [
    {
      line: lineOf(a.node),
      title: 'Retry with a fixed delay',
      detail: a.hasBackoff
        ? `\`${quote(a.node.text(), 60)}\` uses a \`@Backoff\` without \`multiplier\`: every retry waits the same time, with no jitter.`
        : `\`${quote(a.node.text(), 60)}\` has no \`backoff\`: Spring Retry then waits a fixed 1 s between attempts, with no growth and no jitter.`,
    },
  ];
}

/** cenkalti/backoff `NewConstantBackOff(d)`: fixed interval, and unlimited unless wrapped in `WithMaxRetries`. */
function goConstantBackOff(root: SgNode, ctx: RuleContext): RuleMatch[] {
  return root
    .findAll({ rule: { kind: 'call_expression', has: { field: 'function', regex: '^backoff\\.NewConstantBackOff$' } } })
    .filter((call) => inChange(ctx, call))
    .map((call) => {
      const wrapped = call.ancestors().some((a) => kindOf(a) === 'call_expression' && /WithMaxRetries$/.test(fieldOf(a, 'function')?.text() ?? ''));
      return {
        line: lineOf(call),
        title: wrapped ? 'Retry with a fixed delay' : 'Unbounded retry with a fixed delay',
        detail: `\`${quote(call.text(), 50)}\` retries at a fixed interval${wrapped ? '' : ' and, without `backoff.WithMaxRetries`, forever'}: no exponential growth and no jitter.`,
      };
    });
}
