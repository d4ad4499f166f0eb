import { isConsumerEdge, type FactState, type MapEdge } from '../integration/change-map.js';
import type { Adapter } from '../integration/types.js';
import type { IntegrationContext } from '../review/ports.js';
import { maskSecrets } from '../review/mask-secrets.js';
import { neutralizeTags } from './neutralize-tags.js';


/** At most this many adapters and edges are listed: the context is sent with every request of a review. */
const MAX_ADAPTERS = 20;
const MAX_EDGES = 30;
/** Call sites named per edge. */
const MAX_SITES = 3;

const MARK: Record<FactState, string> = { yes: 'y', no: 'n', some: 'some', unknown: '?' };

/**
 * The `<integration_map>` block of the user message, or `''` when there is nothing to say. Compact: one line
 * per adapter and per changed edge. Module, service and call names come from the repository (the pull
 * request can name them), so they are masked and stripped of tags like any other PR text.
 *
 * @example renderIntegrationContext({ map, adapters }) // '<integration_map>\nAdapters …\n</integration_map>'
 */
export function renderIntegrationContext(ctx: IntegrationContext | undefined): string {
  if (!ctx) return '';
  const adapters = (ctx.adapters ?? []).slice(0, MAX_ADAPTERS);
  const edges = (ctx.map?.edges ?? []).filter((e) => e.status !== 'unchanged');
  if (adapters.length === 0 && edges.length === 0) return '';
  const lines: string[] = [];
  if (adapters.length > 0) {
    lines.push('Adapters (service via module: share of its calls, importers; what all their calls set):');
    for (const a of adapters) lines.push(`- ${clean(a.service)} via ${clean(a.module)}: ${Math.round(a.share * 100)}%, ${a.importedBy.length} importers; ${sets(a)}`);
    if ((ctx.adapters?.length ?? 0) > adapters.length) lines.push(`- … ${ctx.adapters!.length - adapters.length} more`);
  }
  if (ctx.truncated) lines.push('The repository snapshot was cut by its budget: services may have adapters not listed here.');
  if (edges.length > 0) {
    lines.push('Edges the change adds, changes or removes (module -> service [kind]: timeout retry breaker error-translation, y/n/some/?; lines):');
    for (const e of edges.slice(0, MAX_EDGES)) lines.push(`${STATUS[e.status]} ${edgeLine(e)}`);
    if (edges.length > MAX_EDGES) lines.push(`… ${edges.length - MAX_EDGES} more edges`);
  }
  if ((ctx.map?.omittedServices ?? 0) > 0) lines.push(`(${ctx.map!.omittedServices} more services not listed.)`);
  return `<integration_map>\n${lines.join('\n')}\n</integration_map>`;
}

const STATUS: Record<MapEdge['status'], string> = { added: '+', changed: '~', removed: '-', unchanged: '=' };

function sets(a: Adapter): string {
  const s = [a.sets.timeout && 'timeout', a.sets.retry && 'retry', a.sets.idempotencyKey && 'idempotency key', a.sets.errorTranslation && 'error translation'].filter(Boolean);
  return s.length > 0 ? s.join(', ') : 'sets none';
}

/** `src/orders/refund -> Stripe [sdk]: n n n n; refund.ts:12,30`. */
function edgeLine(e: MapEdge): string {
  const where = `${clean(e.module)} ${e.direction === 'inbound' ? '<-' : '->'} ${clean(e.service)} [${e.kind}]`;
  if (isConsumerEdge(e)) {
    const channels = (e.channels ?? []).slice(0, 3).map(clean).join(', ');
    const retry = e.retry === 'yes' || e.retry === 'some' ? `y${e.backoff ? '+backoff' : '-backoff'}` : '?';
    return `${where}: consumer${channels ? ` of ${channels}` : ''}; dedup ${MARK[e.idempotent ?? 'unknown']}, on failure ${e.onError ?? 'unknown'}, retry ${retry}, dead letter ${e.deadLetter === 'yes' ? 'y' : '?'}; ${sites(e)}`;
  }
  if (e.direction === 'inbound') return `${where}: inbound webhook`;
  const timeout = e.timeout === 'yes' && e.timeoutMs !== undefined ? `${e.timeoutMs}ms` : MARK[e.timeout];
  const retry = e.retry === 'no' || e.retry === 'unknown' ? MARK[e.retry] : `${MARK[e.retry]}${e.backoff ? '+backoff' : '-backoff'}`;
  return `${where}: ${timeout} ${retry} ${MARK[e.breaker]} ${MARK[e.errorTranslation]}; ${sites(e)}`;
}

/** Call sites by file name: `refund.ts:12,30 gateway.ts:4`, at most {@link MAX_SITES} lines. */
function sites(e: MapEdge): string {
  const byFile = new Map<string, number[]>();
  for (const p of e.points.slice(0, MAX_SITES)) byFile.set(p.path, [...(byFile.get(p.path) ?? []), p.line]);
  const shown = [...byFile].map(([path, lines]) => `${clean(path.split('/').pop() ?? path)}:${lines.join(',')}`).join(' ');
  return e.points.length > MAX_SITES ? `${shown} +${e.points.length - MAX_SITES}` : shown;
}

function clean(text: string): string {
  return neutralizeTags(maskSecrets(text)).replace(/\s+/g, ' ').slice(0, 120);
}
