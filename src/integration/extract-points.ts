import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../diff/types.js';
import { CALL_KIND, callLabel, calleeSegments, externalCallCertainty } from '../rules/ast/external-call.js';
import { withFileMemo } from '../rules/ast/file-memo.js';
import { enclosingFunction, functionName } from '../rules/ast/function-scope.js';
import { fieldOf, kindOf, lineOf } from '../rules/ast/node-text.js';
import { isOutsideRuntime } from '../rules/file-role.js';
import { parseSource } from '../rules/parse-source.js';
import { httpCallWithoutTimeout } from '../rules/resilience/http-call-without-timeout.js';
import { webhookHandlers } from '../rules/security/webhook-handlers.js';
import type { RuleContext } from '../rules/types.js';
import { consumerPoints, consumerRegistrations } from './consumers.js';
import { moduleOf } from './module-graph.js';
import { callFacts, fileResilience } from './resilience-facts.js';
import { fileServices, serviceOfCall } from './services.js';
import type { IntegrationPoint, SourceFile } from './types.js';

/** The integration points of one file, and its parsed tree's imports for the module graph. */
export interface FilePoints {
  points: IntegrationPoint[];
  /** Why the file was not read (did not parse); the model goes on without it. */
  error?: string;
}

/**
 * The integration points of one source file: every call that leaves the process (recognised exactly as the
 * rules recognise it: `externalCallCertainty`), with the service it reaches and its resilience facts, every
 * inbound webhook endpoint, and every message consumer (`consumerRegistrations`: Kafka, RabbitMQ, SQS, NATS,
 * Redis streams, BullMQ, Celery, JMS), whose own broker calls are not counted again as outbound points. Tests, scripts, migrations and CLI entry points are not part of the running
 * system and give none.
 *
 * @example extractIntegrationPoints({ path: 'src/billing/refund.ts', language: 'typescript', source })
 */
export function extractIntegrationPoints(file: SourceFile): FilePoints {
  if (isOutsideRuntime(file.path, file.source)) return { points: [] };
  const parsed = parseFile(file);
  return 'error' in parsed ? { points: [], error: parsed.error } : { points: withFileMemo(() => integrationPointsOf(parsed.ctx)) };
}

/** A source file parsed once, as the rules see it, or why it did not parse. */
export function parseFile(file: SourceFile): { ctx: RuleContext } | { error: string } {
  try {
    const root = parseSource(file.language, file.source);
    return { ctx: { path: file.path, language: file.language, source: file.source, lines: file.source.split('\n'), root } };
  } catch (err) {
    return { error: `${file.path}: could not parse as ${file.language}: ${(err as Error).message}` };
  }
}

/**
 * {@link extractIntegrationPoints} on a file the rules have parsed already (inside their file memo, so the
 * answers the rules computed are reused). `missingTimeout`: the lines the timeout rule reported, when it ran.
 */
export function integrationPointsOf(ctx: RuleContext, missingTimeout?: ReadonlySet<number>): IntegrationPoint[] {
  if (isOutsideRuntime(ctx.path, ctx.source)) return [];
  const { root, language, path, source } = ctx;
  const missing = missingTimeout ?? new Set(httpCallWithoutTimeout.check(ctx).map((m) => m.line));
  const services = fileServices(root, language, source);
  const resilience = fileResilience(root.root(), language, source, missing);
  const module = moduleOf(path, language);
  const points: IntegrationPoint[] = [];
  // Message consumers (a gate on the file's text first): their own broker calls (the receive, acks, the client built for them) are not outbound points.
  const consumers = consumerRegistrations(root.root(), language, source);
  const plumbing = new Set(consumers.flatMap((c) => c.plumbing.map((n) => n.id())));
  for (const call of root.root().findAll({ rule: { kind: CALL_KIND[language] } })) {
    if (plumbing.size > 0 && plumbing.has(call.id())) continue;
    const certainty = externalCallCertainty(call, language);
    if (!certainty || onResultOfExternalCall(call, language)) continue;
    const { service, kind } = serviceOfCall(call, language, calleeSegments(call, language), services);
    const fn = enclosingFunction(call, language);
    const name = fn ? functionName(fn, language) : undefined;
    points.push({
      service,
      kind,
      direction: 'outbound',
      path,
      language,
      line: lineOf(call),
      ...(name ? { function: name } : {}),
      module,
      label: `\`${callLabel(call)}\``,
      certainty,
      facts: callFacts(call, language, resilience),
    });
  }
  for (const h of webhookHandlers(root.root(), language, path)) {
    const name = functionName(h.fn, language);
    points.push({
      service: webhookSource(routePath(h.route) ?? name ?? path),
      kind: 'webhook',
      direction: 'inbound',
      path,
      language,
      line: lineOf(h.anchor),
      ...(name ? { function: name } : {}),
      module,
      label: `\`${routePath(h.route) ?? name ?? 'webhook handler'}\``,
      certainty: 'known',
      facts: { breaker: false, idempotencyKey: false, rateLimited: false, errorTranslation: false },
    });
  }
  points.push(...consumerPoints(consumers, { path, language, source, module }));
  return points.sort((a, b) => a.line - b.line);
}

/** A call on what another external call returned (`repo.findById(id).orElseThrow()`): the same point, counted once. */
function onResultOfExternalCall(call: SgNode, language: RuleLanguage): boolean {
  const callee = language === 'java' ? call : fieldOf(call, 'function');
  const object = callee ? (fieldOf(callee, 'object') ?? fieldOf(callee, 'operand')) : null;
  return !!object && kindOf(object) === CALL_KIND[language] && externalCallCertainty(object, language) !== undefined;
}

/** The path of a route as registered: `@bp.route("/webhooks/twilio", methods=["POST"])` → `/webhooks/twilio`. */
function routePath(route: string | undefined): string | undefined {
  if (!route) return undefined;
  return /["'`]([^"'`]*)["'`]/.exec(route)?.[1] ?? route;
}

/** `/webhooks/stripe` → `stripe webhooks`, `handleGithubWebhook` → `webhooks`: who sends them, when the route says. */
function webhookSource(routeOrName: string): string {
  const words = routeOrName
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !/^(api|v\d+|webhooks?|hooks?|callbacks?|events?|handle|handler|receive|on|post|incoming|inbound)$/.test(w) && !/^[:{]/.test(w));
  return words.length > 0 ? `${words[words.length - 1]} webhooks` : 'webhooks';
}
