import { inlineCode } from '../review/markdown.js';
import type { IntegrationKind, IntegrationPoint, ResilienceFacts } from './types.js';

/** A fact across the calls of one edge: all have it, none has it, some do, or nobody can tell. */
export type FactState = 'yes' | 'no' | 'some' | 'unknown';

/** One module → service dependency of the change, with what its calls do about failure. */
export interface MapEdge {
  /** The module (see `moduleOf`). */
  module: string;
  service: string;
  kind: IntegrationKind;
  direction: 'inbound' | 'outbound';
  /** `added`: the base had no call from this module to this service; `changed`: its calls or their facts changed; `removed`: the head has none. */
  status: 'added' | 'changed' | 'unchanged' | 'removed';
  timeout: FactState;
  /** Smallest literal timeout of the edge's calls, in ms. */
  timeoutMs?: number;
  retry: FactState;
  /** Retries with a growing delay on every retried call. */
  backoff: boolean;
  breaker: FactState;
  errorTranslation: FactState;
  /** Consumer edges (see {@link isConsumerEdge}): the topics, queues or subjects consumed, as the code names them. */
  channels?: string[];
  /** Consumer edges: the handlers deduplicate messages. */
  idempotent?: FactState;
  /** Consumer edges: what the handlers do on a failure (`ResilienceFacts.onError`); `mixed` when they differ, `unknown` when not visible. */
  onError?: 'nacks' | 'propagates' | 'swallows' | 'unacked' | 'mixed' | 'unknown';
  /** Consumer edges: a dead-letter queue or topic is configured in the code (`yes`), or not visible (`unknown`). */
  deadLetter?: FactState;
  /** The calls, head side (base side for a removed edge). */
  points: IntegrationPoint[];
}

/** The integration map of a change: its edges and the one-line headlines for the new dependencies. */
export interface ChangeMap {
  edges: MapEdge[];
  /** "adds a dependency on events.pagerduty.com (no timeout, retry with backoff)", one per added service edge. */
  headlines: string[];
  /** Services not drawn because the map was capped. */
  omittedServices: number;
}

export interface ChangeMapOptions {
  /** At most this many services are drawn (the changed ones first); default 12. */
  maxServices?: number;
}

const key = (p: Pick<IntegrationPoint, 'module' | 'service' | 'direction'>): string => `${p.direction}\u0000${p.module}\u0000${p.service}`;

/**
 * The integration map of a change, from the integration points of the changed files at the head and at the
 * base: which module → service edges the change adds, changes or removes, and the resilience facts of each.
 *
 * @example changeMap(headPoints, basePoints).headlines // ['adds a dependency on Stripe from src/orders/refund (no timeout, no retry)']
 */
export function changeMap(head: readonly IntegrationPoint[], base: readonly IntegrationPoint[], opts: ChangeMapOptions = {}): ChangeMap {
  const group = (points: readonly IntegrationPoint[]) => {
    const m = new Map<string, IntegrationPoint[]>();
    for (const p of points) m.set(key(p), [...(m.get(key(p)) ?? []), p]);
    return m;
  };
  const heads = group(head);
  const bases = group(base);
  const edges: MapEdge[] = [];
  for (const [k, points] of heads) {
    const before = bases.get(k);
    const status = !before ? 'added' : signature(points) === signature(before) ? 'unchanged' : 'changed';
    edges.push(edgeOf(points, status));
  }
  for (const [k, points] of bases) if (!heads.has(k)) edges.push(edgeOf(points, 'removed'));
  const order = { added: 0, changed: 1, removed: 2, unchanged: 3 } as const;
  edges.sort((a, b) => order[a.status] - order[b.status] || a.service.localeCompare(b.service) || a.module.localeCompare(b.module));

  const maxServices = opts.maxServices ?? 12;
  const services = [...new Set(edges.map((e) => e.service))];
  const kept = new Set(services.slice(0, maxServices));
  const drawn = edges.filter((e) => kept.has(e.service));
  const headlines = drawn.filter((e) => e.status === 'added' && (e.direction === 'outbound' || isConsumerEdge(e))).map((e) => (isConsumerEdge(e) ? consumerHeadline(e) : `adds a dependency on ${inlineCode(e.service)} from ${inlineCode(e.module)} (${factsPhrase(e)})`));
  return { edges: drawn, headlines, omittedServices: services.length - kept.size };
}

/** What would make an edge "changed": its calls' labels and facts. Lines are left out, so moved code is unchanged. */
function signature(points: readonly IntegrationPoint[]): string {
  return points
    .map((p) => `${p.label}|${JSON.stringify(sortedFacts(p.facts))}`)
    .sort()
    .join('\n');
}

const sortedFacts = (f: ResilienceFacts): Array<[string, unknown]> => Object.entries(f).sort(([a], [b]) => a.localeCompare(b));

function state(points: readonly IntegrationPoint[], has: (f: ResilienceFacts) => boolean | undefined): FactState {
  const values = points.map((p) => has(p.facts));
  if (values.every((v) => v === true)) return 'yes';
  if (values.every((v) => v === false)) return 'no';
  if (values.every((v) => v === undefined)) return 'unknown';
  return values.some((v) => v === true) ? 'some' : values.some((v) => v === false) ? 'no' : 'unknown';
}

/** An inbound messaging edge: a module that consumes a topic, queue, subject, stream or task of a broker. */
export const isConsumerEdge = (e: Pick<MapEdge, 'direction' | 'kind'>): boolean => e.direction === 'inbound' && e.kind === 'messaging';

/** "adds a Kafka consumer (`orders.created`) in `src/billing/consumer`". The broker is one of the model's fixed names. */
function consumerHeadline(e: MapEdge): string {
  const channels = e.channels ?? [];
  const shown = channels.length > 0 ? ` (${channels.slice(0, 3).map(inlineCode).join(', ')}${channels.length > 3 ? ', …' : ''})` : '';
  return `adds a ${e.service} consumer${shown} in ${inlineCode(e.module)} (${consumerFactsPhrase(e)})`;
}

function consumerFields(points: readonly IntegrationPoint[]): Pick<MapEdge, 'channels' | 'idempotent' | 'onError' | 'deadLetter'> {
  const handling = new Set(points.map((p) => p.facts.onError ?? 'unknown'));
  return {
    channels: [...new Set(points.flatMap((p) => p.channels ?? []))],
    idempotent: state(points, (f) => f.idempotencyKey),
    onError: handling.size === 1 ? [...handling][0]! : 'mixed',
    deadLetter: points.some((p) => p.facts.deadLetter) ? 'yes' : 'unknown',
  };
}

function edgeOf(points: IntegrationPoint[], status: MapEdge['status']): MapEdge {
  const first = points[0]!;
  const timeouts = points.map((p) => p.facts.timeoutMs).filter((n): n is number => n !== undefined);
  const retried = points.filter((p) => p.facts.retry !== undefined);
  return {
    ...(isConsumerEdge(first) ? consumerFields(points) : {}),
    module: first.module,
    service: first.service,
    kind: first.kind,
    direction: first.direction,
    status,
    timeout: state(points, (f) => f.timeout),
    ...(timeouts.length > 0 ? { timeoutMs: Math.min(...timeouts) } : {}),
    retry: state(points, (f) => f.retry !== undefined),
    backoff: retried.length > 0 && retried.every((p) => p.facts.retry === 'backoff'),
    breaker: state(points, (f) => f.breaker),
    errorTranslation: state(points, (f) => f.errorTranslation),
    points,
  };
}

/** `no timeout, no retry` / `timeout 5 s, retry with backoff, circuit breaker` (error translation is in the table). */
export function factsPhrase(e: MapEdge): string {
  if (isConsumerEdge(e)) return `consumer${e.channels && e.channels.length > 0 ? ` of ${e.channels.slice(0, 3).join(', ')}` : ''} (${consumerFactsPhrase(e)})`;
  if (e.direction === 'inbound') return 'inbound webhook';
  const parts: string[] = [];
  if (e.timeout === 'yes') parts.push(e.timeoutMs !== undefined ? `timeout ${formatMs(e.timeoutMs)}` : 'timeout');
  else if (e.timeout === 'no') parts.push('no timeout');
  else if (e.timeout === 'some') parts.push('timeout on some calls');
  if (e.retry === 'yes' || e.retry === 'some') parts.push(e.backoff ? 'retry with backoff' : 'retry without backoff');
  else parts.push('no retry');
  if (e.breaker === 'yes') parts.push('circuit breaker');
  return parts.join(', ');
}

const formatMs = (ms: number): string => (ms >= 1000 && ms % 100 === 0 ? `${ms / 1000} s` : `${ms} ms`);

const ON_ERROR: Record<NonNullable<MapEdge['onError']>, string> = {
  nacks: 'nacks failed messages',
  propagates: 'lets failures reach the library',
  swallows: 'swallows failures (the message is acknowledged)',
  unacked: 'leaves failed messages unacknowledged',
  mixed: 'handles failures differently per handler',
  unknown: 'failure handling not visible',
};

/** `no deduplication seen, swallows failures (the message is acknowledged), retry with backoff, dead letter`. */
export function consumerFactsPhrase(e: MapEdge): string {
  const parts = [e.idempotent === 'yes' ? 'deduplicates' : e.idempotent === 'some' ? 'deduplicates in some handlers' : 'no deduplication seen', ON_ERROR[e.onError ?? 'unknown']];
  if (e.retry === 'yes' || e.retry === 'some') parts.push(e.backoff ? 'retry with backoff' : 'retry without backoff');
  if (e.deadLetter === 'yes') parts.push('dead letter');
  return parts.join(', ');
}
