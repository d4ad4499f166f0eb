import { createHash } from 'node:crypto';
import { demoPullRequest } from '../e2e/demo-pull-request.js';
import type { HeadInit } from './fault-github.js';
import { seededRandom } from './seeded-random.js';

/** One pull request of the scenario. */
export interface PlannedPull {
  installationId: number;
  owner: string;
  repo: string;
  number: number;
  /** Head SHAs in push order: [opened, push 1, push 2, …]. */
  shas: string[];
}

/** One thing the harness does at `t` ms after the burst starts. */
export type PlannedEvent =
  /** GitHub's head moves to `shas[step]` (the harness "pushes"). */
  | { t: number; kind: 'push'; pr: number; step: number }
  /** A delivery: `pull_request.opened` (step 0) or `.synchronize` to `shas[step]`. */
  | { t: number; kind: 'pull_request'; pr: number; step: number; id: string; outOfOrder?: boolean }
  /** `/arch-review` commented by a writer. */
  | { t: number; kind: 'command'; pr: number; id: string; commentId: number; commenter: string }
  /** The exact delivery `id` again (same id and body). */
  | { t: number; kind: 'redelivery'; pr: number; id: string };

export interface ScenarioShape {
  prs: number;
  installations: number;
  /** Webhook deliveries in all (opened, synchronize, commands, redeliveries). */
  deliveries: number;
  /** The burst lasts this long. */
  seconds: number;
  seed: number;
}

export interface ScenarioPlan {
  pulls: PlannedPull[];
  /** Sorted by `t`. */
  events: PlannedEvent[];
  counts: { opened: number; synchronize: number; outOfOrderPairs: number; commands: number; redeliveries: number };
  writers: string[];
}

const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');

/** `owner/name` of installation `i` (1-based) and its id. */
export function installationOf(i: number): { id: number; owner: string; repo: string } {
  return { id: 7_000 + i, owner: `org${i}`, repo: `service${i}` };
}

/**
 * Plans a seeded burst: every PR is opened in the first 30 % of the window; the other deliveries are
 * half synchronize pushes (a PR with two or more pushes gets its last two pushed together and
 * delivered newest first half of the time), a quarter exact redeliveries of an earlier delivery, and
 * the rest `/arch-review` commands from writers. The same shape and seed give the same plan.
 *
 * @example
 * const plan = planScenario({ prs: 12, installations: 3, deliveries: 50, seconds: 15, seed: 7 });
 */
export function planScenario(shape: ScenarioShape): ScenarioPlan {
  const rng = seededRandom(shape.seed);
  const W = shape.seconds * 1000;
  const pulls: PlannedPull[] = Array.from({ length: shape.prs }, (_, p) => {
    const inst = installationOf((p % shape.installations) + 1);
    const number = Math.floor(p / shape.installations) + 1;
    return { installationId: inst.id, owner: inst.owner, repo: inst.repo, number, shas: [sha(`${shape.seed}:${inst.owner}/${inst.repo}#${number}:0`)] };
  });
  const rest = Math.max(0, shape.deliveries - shape.prs);
  const pushes = Math.round(rest * 0.5);
  const redeliveries = Math.round(rest * 0.25);
  const commands = rest - pushes - redeliveries;
  const writers = ['alice-writer', 'bob-maintainer'];

  const events: PlannedEvent[] = [];
  const openedAt = pulls.map(() => rng.int(0, Math.floor(W * 0.3)));
  let deliveryNo = 0;
  const nextId = () => `fault-${shape.seed}-${++deliveryNo}`;
  pulls.forEach((_, p) => events.push({ t: openedAt[p]!, kind: 'pull_request', pr: p, step: 0, id: nextId() }));

  const pushCount = pulls.map(() => 0);
  for (let i = 0; i < pushes; i++) pushCount[rng.int(0, pulls.length - 1)]!++;
  let outOfOrderPairs = 0;
  pulls.forEach((pull, p) => {
    const n = pushCount[p]!;
    if (n === 0) return;
    const times = Array.from({ length: n }, () => rng.int(openedAt[p]! + 500, Math.floor(W * 0.95))).sort((a, b) => a - b);
    const pairLast = n >= 2 && rng.chance(0.5);
    for (let k = 1; k <= n; k++) pull.shas.push(sha(`${shape.seed}:${pull.owner}/${pull.repo}#${pull.number}:${k}`));
    for (let k = 1; k <= n; k++) {
      if (pairLast && k === n - 1) {
        // Two pushes seconds apart whose deliveries arrive newest first.
        const t = times[k - 1]!;
        events.push({ t, kind: 'push', pr: p, step: k }, { t, kind: 'push', pr: p, step: k + 1 });
        events.push({ t: t + 1, kind: 'pull_request', pr: p, step: k + 1, id: nextId(), outOfOrder: true });
        events.push({ t: t + rng.int(300, 1_000), kind: 'pull_request', pr: p, step: k, id: nextId(), outOfOrder: true });
        outOfOrderPairs++;
        break;
      }
      const t = times[k - 1]!;
      events.push({ t, kind: 'push', pr: p, step: k }, { t: t + 1, kind: 'pull_request', pr: p, step: k, id: nextId() });
    }
  });

  for (let i = 0; i < commands; i++) {
    const p = rng.int(0, pulls.length - 1);
    events.push({ t: rng.int(openedAt[p]! + 500, W), kind: 'command', pr: p, id: nextId(), commentId: 900_000 + i, commenter: rng.pick(writers) });
  }
  const deliveriesSoFar = events.filter((e) => e.kind !== 'push') as Exclude<PlannedEvent, { kind: 'push' }>[];
  for (let i = 0; i < redeliveries && deliveriesSoFar.length > 0; i++) {
    const original = rng.pick(deliveriesSoFar);
    events.push({ t: original.t + rng.int(500, 8_000), kind: 'redelivery', pr: original.pr, id: original.id });
  }
  // Stable: a push sorts before its own delivery at the same time (the push was planned first).
  events.sort((a, b) => a.t - b.t);
  return {
    pulls,
    events,
    counts: { opened: pulls.length, synchronize: pushes, outOfOrderPairs, commands, redeliveries },
    writers,
  };
}

let stepSection: { diff: string; file: string; path: string } | undefined;

/**
 * The content of head `step` of a pull request: the bundled demo PR plus, for each push so far, a
 * copy of its Stripe webhook under a new path, so every push brings findings no earlier review
 * posted (and a review of the newest head always has something to say).
 */
export function headContent(number: number, headSha: string, step: number): HeadInit {
  const demo = demoPullRequest(number, headSha);
  if (!stepSection) {
    const path = 'src/payments/stripe-webhook.ts';
    const start = demo.diff.indexOf(`diff --git a/${path} b/${path}`);
    const end = demo.diff.indexOf('diff --git ', start + 1);
    stepSection = { diff: demo.diff.slice(start, end === -1 ? undefined : end), file: demo.headFiles.get(path)!, path };
  }
  const section = stepSection;
  const files = new Map(demo.headFiles);
  let diff = demo.diff.endsWith('\n') ? demo.diff : `${demo.diff}\n`;
  for (let k = 1; k <= step; k++) {
    const path = `src/payments/step-${k}/stripe-webhook.ts`;
    diff += section.diff.split(section.path).join(path);
    files.set(path, section.file);
  }
  return { sha: headSha, diff, headFiles: files };
}
