import { escapeTableCell, inlineCode } from '../review/markdown.js';
import { factsPhrase, isConsumerEdge, type ChangeMap, type FactState, type MapEdge } from './change-map.js';

/**
 * Module and service names come from the pull request: in a mermaid label only plain characters are kept
 * (a quote, bracket or newline could end the label and inject diagram syntax or markdown).
 */
const safeLabel = (text: string): string => text.replace(/[^A-Za-z0-9 ._/:@+,~?·✓✗-]/g, '_').slice(0, 80);

const MARK: Record<FactState, string> = { yes: '✓', no: '✗', some: '~', unknown: '?' };
const CHANGE: Record<MapEdge['status'], string> = { added: '**added**', changed: '**changed**', removed: 'removed', unchanged: 'unchanged' };

/** The short label of an edge in the diagram: `timeout ✗ · retry+backoff · breaker`. */
function edgeLabel(e: MapEdge): string {
  if (isConsumerEdge(e)) {
    const channels = e.channels ?? [];
    return channels.length > 0 ? `consumes ${channels.slice(0, 2).join(', ')}${channels.length > 2 ? ', …' : ''}` : 'consumes';
  }
  if (e.direction === 'inbound') return 'webhook';
  const parts = [`timeout ${MARK[e.timeout]}`];
  if (e.retry === 'yes' || e.retry === 'some') parts.push(e.backoff ? 'retry+backoff' : 'retry, no backoff');
  else parts.push('no retry');
  if (e.breaker === 'yes') parts.push('breaker');
  return parts.join(' · ');
}

/**
 * The integration map as markdown for the review summary: the headlines of new dependencies, a mermaid
 * flowchart (GitHub renders it) of the changed modules and the services they reach, with the edges the PR
 * adds or changes drawn thick, and a table of the same facts. Empty when the change touches no integration.
 *
 * @example renderIntegrationMap(changeMap(head, base))
 */
export function renderIntegrationMap(map: ChangeMap): string {
  if (map.edges.length === 0) return '';
  const lines: string[] = ['### Integration map', ''];
  for (const h of map.headlines) lines.push(`This PR ${h}.`);
  if (map.headlines.length > 0) lines.push('');

  const ids = new Map<string, string>();
  const node = (kind: 'm' | 's', name: string): string => {
    const k = `${kind}:${name}`;
    let id = ids.get(k);
    if (!id) ids.set(k, (id = `${kind}${ids.size}`));
    return id;
  };
  const diagram = ['```mermaid', 'flowchart LR'];
  const thick: number[] = [];
  map.edges.forEach((e, i) => {
    const m = node('m', e.module);
    const s = node('s', e.service);
    const mNode = `${m}["${safeLabel(e.module)}"]`;
    const sNode = `${s}(["${safeLabel(e.service)}"])`;
    const arrow = e.status === 'removed' ? '-.' : '--';
    const label = safeLabel(edgeLabel(e));
    diagram.push(e.direction === 'inbound' ? `  ${sNode} ${arrow} "${label}" ${arrow === '--' ? '-->' : '.->'} ${mNode}` : `  ${mNode} ${arrow} "${label}" ${arrow === '--' ? '-->' : '.->'} ${sNode}`);
    if (e.status === 'added' || e.status === 'changed') thick.push(i);
  });
  if (thick.length > 0) diagram.push(`  linkStyle ${thick.join(',')} stroke:#d1242f,stroke-width:3px`);
  diagram.push('```');
  lines.push(...diagram, '');

  const calls = map.edges.filter((e) => !isConsumerEdge(e));
  const consumers = map.edges.filter(isConsumerEdge);
  if (calls.length > 0) lines.push('| module | service | change | timeout | retry | circuit breaker | errors translated |', '|---|---|---|---|---|---|---|');
  for (const e of calls) {
    const cells = [
      inlineCode(e.module),
      inlineCode(e.service),
      CHANGE[e.status],
      e.direction === 'inbound' ? '–' : `${MARK[e.timeout]}${e.timeoutMs !== undefined ? ` (${e.timeoutMs} ms)` : ''}`,
      e.direction === 'inbound' ? '–' : e.retry === 'no' || e.retry === 'unknown' ? '✗' : e.backoff ? '✓ backoff' : '✓ no backoff',
      e.direction === 'inbound' ? '–' : MARK[e.breaker],
      e.direction === 'inbound' ? '–' : MARK[e.errorTranslation],
    ];
    lines.push(`| ${cells.map((c) => escapeTableCell(c)).join(' | ')} |`);
  }
  if (consumers.length > 0) {
    if (calls.length > 0) lines.push('');
    lines.push('| module (consumer) | broker | consumes | change | deduplicates | on failure | retry | dead letter |', '|---|---|---|---|---|---|---|---|');
    for (const e of consumers) {
      const cells = [
        inlineCode(e.module),
        inlineCode(e.service),
        (e.channels ?? []).length > 0 ? e.channels!.slice(0, 3).map(inlineCode).join(', ') + (e.channels!.length > 3 ? ', …' : '') : '?',
        CHANGE[e.status],
        MARK[e.idempotent ?? 'unknown'],
        ON_FAILURE[e.onError ?? 'unknown'],
        e.retry === 'yes' || e.retry === 'some' ? (e.backoff ? '✓ backoff' : '✓ no backoff') : '?',
        e.deadLetter === 'yes' ? '✓' : '?',
      ];
      lines.push(`| ${cells.map((c) => escapeTableCell(c)).join(' | ')} |`);
    }
  }
  if (map.omittedServices > 0) lines.push('', `${map.omittedServices} more service${map.omittedServices === 1 ? '' : 's'} not drawn.`);
  lines.push('', '✓ set on every call · ✗ on none · ~ on some · ? not visible in the code (e.g. set by a framework).');
  if (consumers.length > 0) lines.push('On failure: nacks (rejects, retries or dead-letters the message) · propagates (to the library\'s retry or redelivery) · **swallows** (acknowledged and lost) · unacked (left for redelivery).');
  return lines.join('\n');
}

const ON_FAILURE: Record<NonNullable<MapEdge['onError']>, string> = { nacks: 'nacks', propagates: 'propagates', swallows: '**swallows**', unacked: 'unacked', mixed: '~', unknown: '?' };

/** The integration map as plain text for the CLI's text output. */
export function integrationMapText(map: ChangeMap): string[] {
  if (map.edges.length === 0) return [];
  const out = ['Integration map:'];
  for (const h of map.headlines) out.push(`  This PR ${h.replace(/`/g, '')}.`);
  for (const e of map.edges) out.push(`  ${e.direction === 'inbound' ? `${e.service} -> ${e.module}` : `${e.module} -> ${e.service}`} [${e.status}] ${factsPhrase(e)}`);
  if (map.omittedServices > 0) out.push(`  (${map.omittedServices} more services not shown)`);
  return out;
}
