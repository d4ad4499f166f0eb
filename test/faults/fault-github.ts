import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DOCS, INSTALLATION_PERMISSIONS, answerOf, badCredentials, badJwt, changeCounts, checkNewReview, contentAnswer, diffAnswer, fileJson, listenOnLoopback, notFound, page as pageOf, permissionAnswer, readRequest, reviewJson as reviewJsonOf, servedDiff, settlePendingReview, toPublicKey, unprocessable, verifyAppJwt, writeAnswer } from '../e2e/github-behaviour.js';
import type { Answer, ReviewComment, ServedDiff } from '../e2e/github-behaviour.js';
import { tarballOf } from '../helpers/tarball.js';
import { seededRandom } from './seeded-random.js';
import type { SeededRandom } from './seeded-random.js';

/** The faults the fake injects, as `RecordedCall.fault` names them. */
export const FAULT_KINDS = ['500', '502', '503', '429', 'secondary-403', 'slow', 'reset-before', 'reset-after'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Relative weights of the fault kinds once a request is picked to fail (normalised). */
export type FaultMix = Record<FaultKind, number>;

/** Default mix: a third server errors, a quarter rate limits, the rest slow answers and resets. */
export const DEFAULT_FAULT_MIX: FaultMix = {
  '500': 0.12,
  '502': 0.1,
  '503': 0.1,
  '429': 0.12,
  'secondary-403': 0.12,
  slow: 0.16,
  'reset-before': 0.12,
  'reset-after': 0.16,
};

export interface FaultOptions {
  /** PRNG seed: the same seed and the same request order give the same faults. */
  seed: number;
  /** Share of requests that get a fault, 0..1 (default 0.2). 0 turns injection off. */
  rate?: number;
  mix?: Partial<FaultMix>;
  /** `retry-after` (seconds) of 429 and secondary-rate-limit answers. Default 1. */
  retryAfterS?: number;
  /** Range of a slow answer's delay. Default 1-5 s. */
  slowMs?: [number, number];
}

/** One request the fake saw, with what it did to it. */
export interface RecordedCall {
  method: string;
  /** The route below `/api/v3`, without the query string. */
  route: string;
  query: Record<string, string>;
  /** The HTTP status answered, or 0 when the connection was reset. */
  status: number;
  fault?: FaultKind;
  /** True for a write GitHub applied (2xx), even when the client then saw a reset. */
  applied: boolean;
  /** `Date.now()` when the answer was decided. */
  at: number;
}

export type { ReviewComment } from '../e2e/github-behaviour.js';

export interface FaultReview {
  id: number;
  repo: string;
  number: number;
  state: 'PENDING' | 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED';
  body: string;
  commitId: string;
  comments: ReviewComment[];
  deleted: boolean;
  submittedAt?: string;
  at: number;
}

export interface FaultCheckRun {
  id: number;
  repo: string;
  name: string;
  headSha: string;
  status: string;
  conclusion?: string;
  title?: string;
  startedAt: string;
  completedAt?: string;
  createdAt: number;
}

export interface FaultIssueComment {
  id: number;
  repo: string;
  number: number;
  body: string;
  user: { login: string; id: number; type: string };
  createdAt: string;
}

/** One head of a pull request: its diff and the files at that commit. */
export interface HeadInit {
  sha: string;
  diff: string;
  headFiles: ReadonlyMap<string, string>;
}

/** One installation of the app: an organisation with one repository. */
export interface FaultInstallation {
  id: number;
  owner: string;
  repo: string;
  token: string;
}

export interface FaultGitHubOptions {
  appId: number;
  appSlug: string;
  /** Installations to serve (each with its own repository and token). */
  installations: { id: number; owner: string; repo: string }[];
  /** The app's public key: app JWTs are verified (RS256, `iss` = appId). */
  publicKey?: string | KeyObject;
  faults: FaultOptions;
  /** Collaborator permission by login; others get `none`. */
  permissions?: Record<string, string>;
}

/** A fake GitHub Enterprise (under `/api/v3`) for many installations, that injects seeded faults. */
export interface FaultGitHub {
  /** `127.0.0.1:<port>`, for GHE_HOST. */
  host: string;
  installations: FaultInstallation[];
  calls: RecordedCall[];
  reviews: FaultReview[];
  checkRuns: FaultCheckRun[];
  issueComments: FaultIssueComment[];
  reactions: { repo: string; commentId: number; content: string }[];
  rejections: string[];
  /** Fault injection on or off (e.g. off to verify the fake itself). */
  faultsEnabled: boolean;
  /** `METHOD /route` of requests no route of the fake serves (a gap in the fake, or a wrong call). */
  unrouted: Set<string>;
  /** Opens pull request `number` in `repo` (`owner/name`) at `head`. */
  openPullRequest(repo: string, number: number, head: HeadInit, baseSha?: string): void;
  /** Moves the pull request's head (a push): a new SHA, diff and files. */
  push(repo: string, number: number, head: HeadInit): void;
  /** The pull request's current head SHA. */
  headOf(repo: string, number: number): string;
  /** Submitted (not pending, not deleted) reviews. */
  submittedReviews(repo?: string, number?: number): FaultReview[];
  /** Time (`Date.now()`) of the last write that GitHub applied, 0 when none. */
  lastWriteAt(): number;
  close(): Promise<void>;
}

interface StoredHead extends ServedDiff {
  init: HeadInit;
}

interface StoredPull {
  repo: string;
  number: number;
  heads: StoredHead[];
  baseSha: string;
  createdAt: string;
  updatedAt: string;
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * Starts a fake GitHub Enterprise for `installations.length` installations of one app, each with its
 * own repository, whose pull-request heads the harness moves (`push`). It serves every route the
 * app uses (installation listing and tokens, pull requests with their diff, files and commits,
 * reviews with pending ones and GitHub's 422 for a comment off the diff, issue comments, reactions,
 * permissions, compare, contents, check runs and their listing per commit), and fails a seeded
 * share of requests the way GitHub does on a bad day: 500/502/503, 429 and secondary rate limits
 * with `retry-after`, slow answers, and connection resets before a request is applied or after a
 * write was applied. Every request is recorded with what was done to it.
 *
 * @example
 * const github = await startFaultGitHub({ appId: 1, appSlug: 'arch-review', installations: [{ id: 11, owner: 'org1', repo: 'svc1' }], faults: { seed: 7, rate: 0.2 } });
 * github.openPullRequest('org1/svc1', 1, { sha, diff, headFiles });
 */
export async function startFaultGitHub(options: FaultGitHubOptions): Promise<FaultGitHub> {
  const publicKey = toPublicKey(options.publicKey);
  const rng: SeededRandom = seededRandom(options.faults.seed);
  const rate = options.faults.rate ?? 0.2;
  const mix = { ...DEFAULT_FAULT_MIX, ...options.faults.mix };
  const mixTotal = FAULT_KINDS.reduce((s, k) => s + mix[k], 0);
  const retryAfterS = options.faults.retryAfterS ?? 1;
  const [slowMin, slowMax] = options.faults.slowMs ?? [1_000, 5_000];
  const permissions = options.permissions ?? {};
  const installations: FaultInstallation[] = options.installations.map((i) => ({ ...i, token: `ghs_${randomBytes(18).toString('base64url')}${i.id}` }));
  const byToken = new Map(installations.map((i) => [i.token, i]));
  const byRepo = new Map(installations.map((i) => [`${i.owner}/${i.repo}`, i]));
  const pulls = new Map<string, StoredPull>();
  const botUser = { login: `${options.appSlug}[bot]`, id: 9_000_001, type: 'Bot' };
  let nextId = 10_000;
  let base = '';
  let lastWrite = 0;

  const pullKey = (repo: string, number: number) => `${repo}#${number}`;
  const headOf = (pr: StoredPull) => pr.heads.at(-1)!;
  const storeHead = (init: HeadInit): StoredHead => ({ init, ...servedDiff(init.diff) });

  const fake: FaultGitHub = {
    host: '',
    installations,
    calls: [],
    reviews: [],
    checkRuns: [],
    issueComments: [],
    reactions: [],
    rejections: [],
    unrouted: new Set(),
    faultsEnabled: rate > 0,
    openPullRequest(repo, number, head, baseSha = 'b'.repeat(40)) {
      if (!byRepo.has(repo)) throw new Error(`no installation serves ${repo}`);
      const now = new Date().toISOString();
      pulls.set(pullKey(repo, number), { repo, number, heads: [storeHead(head)], baseSha, createdAt: now, updatedAt: now });
    },
    push(repo, number, head) {
      const pr = pulls.get(pullKey(repo, number));
      if (!pr) throw new Error(`no pull request ${repo}#${number}`);
      pr.heads.push(storeHead(head));
      pr.updatedAt = new Date().toISOString();
    },
    headOf(repo, number) {
      const pr = pulls.get(pullKey(repo, number));
      if (!pr) throw new Error(`no pull request ${repo}#${number}`);
      return headOf(pr).init.sha;
    },
    submittedReviews(repo, number) {
      return fake.reviews.filter((r) => !r.deleted && r.state !== 'PENDING' && (repo === undefined || r.repo === repo) && (number === undefined || r.number === number));
    },
    lastWriteAt: () => lastWrite,
    close: () => listening.close(),
  };

  function reject(reason: string, errors: unknown[] = [reason]): Answer {
    fake.rejections.push(reason);
    return unprocessable(reason, errors);
  }

  /** A 404 for a route the fake does not know, remembered so a run can show the fake's gaps. */
  const unrouted = (method: string, r: string): Answer => {
    fake.unrouted.add(`${method} ${r.replace(/\/[0-9a-f]{40}(?=\/|$)/g, '/{sha}').replace(/\/\d+(?=\/|$)/g, '/{n}')}`);
    return notFound();
  };

  const page = <T>(items: readonly T[], route: string, query: Record<string, string>, key?: string): Answer => pageOf(items, route, query, base, key);
  const reviewJson = (r: FaultReview) => reviewJsonOf(r, botUser, `http://${fake.host}/${r.repo}`);

  function repoJson(inst: FaultInstallation) {
    return {
      id: 500_000 + inst.id,
      node_id: `R_${inst.id}`,
      name: inst.repo,
      full_name: `${inst.owner}/${inst.repo}`,
      private: true,
      owner: { login: inst.owner, id: 600_000 + inst.id, type: 'Organization' },
      default_branch: 'main',
      archived: false,
    };
  }

  function installationJson(inst: FaultInstallation) {
    return {
      id: inst.id,
      account: { login: inst.owner, id: 600_000 + inst.id, type: 'Organization' },
      app_id: options.appId,
      app_slug: options.appSlug,
      target_type: 'Organization',
      repository_selection: 'selected',
      permissions: INSTALLATION_PERMISSIONS,
      events: ['pull_request', 'issue_comment'],
      suspended_at: null,
    };
  }

  function pullJson(pr: StoredPull) {
    const head = headOf(pr);
    const [owner, name] = pr.repo.split('/') as [string, string];
    const { additions, deletions } = changeCounts(head.files);
    const repo = { name, full_name: pr.repo, owner: { login: owner, type: 'Organization' } };
    return {
      url: `${base}/api/v3/repos/${pr.repo}/pulls/${pr.number}`,
      html_url: `http://${fake.host}/${pr.repo}/pull/${pr.number}`,
      id: 100_000 + pr.number,
      number: pr.number,
      state: 'open',
      locked: false,
      draft: false,
      title: `Pull request #${pr.number}`,
      body: 'Adds the Stripe webhook and the CRM sync.',
      user: { login: 'octocat', id: 1, type: 'User' },
      labels: [],
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      head: { label: `${owner}:feature-${pr.number}`, ref: `feature-${pr.number}`, sha: head.init.sha, repo },
      base: { label: `${owner}:main`, ref: 'main', sha: pr.baseSha, repo },
      merged: false,
      commits: pr.heads.length,
      additions,
      deletions,
      changed_files: head.files.size,
    };
  }

  function checkRunJson(run: FaultCheckRun) {
    return {
      id: run.id,
      name: run.name,
      head_sha: run.headSha,
      status: run.status,
      conclusion: run.conclusion ?? null,
      started_at: run.startedAt,
      completed_at: run.completedAt ?? null,
      output: { title: run.title ?? null, summary: null, annotations_count: 0 },
      app: { id: options.appId, slug: options.appSlug, name: options.appSlug, owner: { login: 'github-admin' } },
      html_url: `http://${fake.host}/${run.repo}/runs/${run.id}`,
    };
  }

  function createReview(pr: StoredPull, body: Record<string, unknown>): Answer {
    // A review is anchored to `commit_id` (any commit of the PR); comments are checked against that commit's diff.
    const commitId = typeof body.commit_id === 'string' ? body.commit_id : headOf(pr).init.sha;
    const head = pr.heads.find((h) => h.init.sha === commitId);
    if (!head) return reject('commit_id is not part of the pull request');
    const hasPending = fake.reviews.some((r) => r.repo === pr.repo && r.number === pr.number && r.state === 'PENDING' && !r.deleted);
    const checked = checkNewReview(body, head.files, hasPending);
    if ('reason' in checked) return reject(checked.reason, checked.errors);
    const { event, state, text, comments } = checked;
    const review: FaultReview = {
      id: nextId++,
      repo: pr.repo,
      number: pr.number,
      state,
      ...(event ? { submittedAt: new Date().toISOString() } : {}),
      body: text,
      commitId,
      comments,
      deleted: false,
      at: Date.now(),
    };
    fake.reviews.push(review);
    return { status: 200, body: reviewJson(review) };
  }

  /** A file at `ref` (any head of a pull request of this repository); there is never a config file. */
  function contentOf(repo: string, path: string, ref: string | undefined, accept: string): Answer {
    let text: string | undefined;
    for (const pr of pulls.values()) {
      if (pr.repo !== repo) continue;
      const head = pr.heads.find((h) => h.init.sha === ref);
      text = head?.init.headFiles.get(path);
      if (text !== undefined) break;
    }
    return text === undefined ? notFound() : contentAnswer(path, text, accept);
  }

  function appRoute(method: string, r: string, query: Record<string, string>): Answer {
    if (method === 'GET' && r === '/app') return { status: 200, body: { id: options.appId, slug: options.appSlug, name: options.appSlug, owner: { login: 'github-admin' } } };
    if (method === 'GET' && r === '/app/installations') return page(installations.map(installationJson), r, query);
    let m: RegExpExecArray | null;
    if ((m = /^\/app\/installations\/(\d+)$/.exec(r)) && method === 'GET') {
      const inst = installations.find((i) => i.id === Number(m![1]));
      return inst ? { status: 200, body: installationJson(inst) } : notFound();
    }
    if ((m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(r)) && method === 'POST') {
      const inst = installations.find((i) => i.id === Number(m![1]));
      if (!inst) return notFound();
      return {
        status: 201,
        body: {
          token: inst.token,
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          permissions: INSTALLATION_PERMISSIONS,
          repository_selection: 'selected',
        },
      };
    }
    return notFound();
  }

  function route(method: string, r: string, query: Record<string, string>, headers: IncomingMessage['headers'], body: Record<string, unknown>): Answer {
    const authorization = headers.authorization ?? '';
    const accept = String(headers.accept ?? '');

    // `GET /repos/{o}/{r}/installation` takes the app's JWT too.
    const repoInstallation = /^\/repos\/([^/]+)\/([^/]+)\/installation$/.exec(r);
    if (r.startsWith('/app') || repoInstallation) {
      if (!verifyAppJwt(authorization, options.appId, publicKey)) return badJwt();
      if (repoInstallation) {
        const inst = byRepo.get(`${repoInstallation[1]}/${repoInstallation[2]}`);
        return inst ? { status: 200, body: installationJson(inst) } : notFound();
      }
      const answer = appRoute(method, r, query);
      return answer.status === 404 && !/^\/app\/installations\/\d+/.test(r) ? unrouted(method, r) : answer;
    }

    const token = /^token (.+)$/i.exec(authorization)?.[1];
    const inst = token ? byToken.get(token) : undefined;
    if (!inst) return badCredentials();
    if (method === 'GET' && r === '/installation/repositories') return page([repoJson(inst)], r, query, 'repositories');

    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(r);
    if (!repoMatch) return unrouted(method, r);
    const repo = `${repoMatch[1]}/${repoMatch[2]}`;
    // Another repository (e.g. the organisation's `.github`) is not visible to this installation.
    if (repo !== `${inst.owner}/${inst.repo}`) return notFound();
    const rest = repoMatch[3] ?? '';
    let m: RegExpExecArray | null;

    if (rest === '' && method === 'GET') return { status: 200, body: repoJson(inst) };
    if ((m = /^\/contents\/(.+)$/.exec(rest)) && method === 'GET') return contentOf(repo, decodeURIComponent(m[1]!), query.ref, accept);
    if ((m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === 'GET') {
      const login = decodeURIComponent(m[1]!);
      return permissionAnswer(login, permissions[login] ?? 'none');
    }
    if ((m = /^\/issues\/comments\/(\d+)\/reactions$/.exec(rest)) && method === 'POST') {
      fake.reactions.push({ repo, commentId: Number(m[1]), content: String(body.content) });
      return { status: 201, body: { id: nextId++, content: body.content, user: botUser } };
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const comment = fake.issueComments.find((c) => c.repo === repo && c.id === Number(m![1]));
      if (!comment) return notFound();
      if (method === 'PATCH' && typeof body.body === 'string') comment.body = body.body;
      return { status: 200, body: issueCommentJson(comment) };
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const number = Number(m[1]);
      if (!pulls.has(pullKey(repo, number))) return notFound();
      if (method === 'GET') return page(fake.issueComments.filter((c) => c.repo === repo && c.number === number).map(issueCommentJson), r, query);
      if (method === 'POST') {
        const comment: FaultIssueComment = { id: nextId++, repo, number, body: String(body.body), user: botUser, createdAt: new Date().toISOString() };
        fake.issueComments.push(comment);
        return { status: 201, body: issueCommentJson(comment) };
      }
    }
    if (rest === '/check-runs' && method === 'POST') {
      const status = String(body.status ?? (body.conclusion ? 'completed' : 'queued'));
      const output = body.output as { title?: string } | undefined;
      const run: FaultCheckRun = {
        id: nextId++,
        repo,
        name: String(body.name),
        headSha: String(body.head_sha),
        status,
        ...(body.conclusion ? { conclusion: String(body.conclusion) } : {}),
        ...(output?.title ? { title: output.title } : {}),
        startedAt: typeof body.started_at === 'string' ? body.started_at : new Date().toISOString(),
        ...(status === 'completed' ? { completedAt: new Date().toISOString() } : {}),
        createdAt: Date.now(),
      };
      fake.checkRuns.push(run);
      return { status: 201, body: checkRunJson(run) };
    }
    if ((m = /^\/check-runs\/(\d+)$/.exec(rest))) {
      const run = fake.checkRuns.find((c) => c.repo === repo && c.id === Number(m![1]));
      if (!run) return notFound();
      if (method === 'PATCH') {
        if (typeof body.status === 'string') run.status = body.status;
        if (body.conclusion) {
          run.conclusion = String(body.conclusion);
          run.status = 'completed';
        }
        if (run.status === 'completed') run.completedAt ??= new Date().toISOString();
        const output = body.output as { title?: string } | undefined;
        if (output?.title) run.title = output.title;
      }
      return { status: 200, body: checkRunJson(run) };
    }
    if ((m = /^\/commits\/([^/]+)\/check-runs$/.exec(rest)) && method === 'GET') {
      const ref = decodeURIComponent(m[1]!);
      const runs = fake.checkRuns
        .filter((c) => c.repo === repo && c.headSha === ref && (query.check_name === undefined || c.name === query.check_name) && (query.status === undefined || c.status === query.status))
        .filter(() => query.app_id === undefined || Number(query.app_id) === options.appId)
        .sort((a, b) => b.id - a.id);
      // `filter=latest` (the default) keeps the newest run of each name.
      const latest = (query.filter ?? 'latest') === 'latest' ? runs.filter((c, i) => runs.findIndex((o) => o.name === c.name) === i) : runs;
      return page(latest.map(checkRunJson), r, query, 'check_runs');
    }
    // The tarball of the base commit: a 302 to a codeload URL (served below, without faults: it is another host at GitHub).
    if ((m = /^\/tarball\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const ref = decodeURIComponent(m[1]!);
      if (![...pulls.values()].some((p) => p.repo === repo && p.baseSha === ref)) return notFound();
      return { status: 302, headers: { location: `${base}/_codeload/${repo}/legacy.tar.gz/${ref}?token=codeload-token` }, text: '' };
    }
    if ((m = /^\/compare\/(.+)$/.exec(rest)) && method === 'GET') {
      const [from, to] = decodeURIComponent(m[1]!).split('...');
      for (const pr of pulls.values()) {
        if (pr.repo !== repo) continue;
        const head = pr.heads.find((h) => h.init.sha === to);
        if (head && (from === pr.baseSha || pr.heads.some((h) => h.init.sha === from))) {
          // The files of the head's diff: a superset of what changed since `from` (enough for an incremental review).
          return { status: 200, body: { status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1, commits: [], files: [...head.files.values()].map(fileJson) } };
        }
      }
      return notFound();
    }
    if (rest === '/pulls' && method === 'GET') {
      const open = [...pulls.values()].filter((p) => p.repo === repo && (query.state ?? 'open') !== 'closed');
      const dir = query.direction ?? (query.sort ? 'desc' : 'asc');
      const field = query.sort === 'updated' ? 'updatedAt' : 'createdAt';
      open.sort((a, b) => (a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : a.number - b.number) * (dir === 'desc' ? -1 : 1));
      return page(open.map(pullJson), r, query);
    }

    if (!(m = /^\/pulls\/(\d+)(\/.*)?$/.exec(rest))) return unrouted(method, r);
    const pr = pulls.get(pullKey(repo, Number(m[1])));
    if (!pr) return notFound();
    const sub = m[2] ?? '';
    const head = headOf(pr);

    if (sub === '' && method === 'GET') {
      if (accept.includes('diff')) return diffAnswer(head.init.diff, head);
      return { status: 200, body: pullJson(pr) };
    }
    if (sub === '/commits' && method === 'GET') return page(pr.heads.map((h, i) => ({ sha: h.init.sha, commit: { message: `Push ${i + 1}` } })), r, query);
    if (sub === '/files' && method === 'GET') return page([...head.files.values()].map(fileJson), r, query);
    if (sub === '/reviews' && method === 'GET') return page(fake.reviews.filter((x) => x.repo === repo && x.number === pr.number && !x.deleted).map(reviewJson), r, query);
    if (sub === '/reviews' && method === 'POST') return createReview(pr, body);
    if (sub === '/comments' && method === 'GET') {
      const comments = fake.reviews
        .filter((x) => x.repo === repo && x.number === pr.number && !x.deleted && x.state !== 'PENDING')
        .flatMap((x) => x.comments.map((c, i) => ({ id: x.id * 1000 + i, pull_request_review_id: x.id, user: botUser, commit_id: x.commitId, path: c.path, line: c.line ?? null, side: c.side ?? 'RIGHT', body: c.body })));
      return page(comments, r, query);
    }
    if ((m = /^\/reviews\/(\d+)(\/events|\/comments)?$/.exec(sub))) {
      const review = fake.reviews.find((x) => x.id === Number(m![1]) && x.repo === repo && x.number === pr.number && !x.deleted);
      if (!review) return notFound();
      if (method === 'GET' && !m[2]) return { status: 200, body: reviewJson(review) };
      if (method === 'GET' && m[2] === '/comments') return page(review.comments.map((c, i) => ({ id: review.id * 1000 + i, path: c.path, line: c.line ?? null, body: c.body })), r, query);
      if ((method === 'DELETE' && !m[2]) || (method === 'POST' && m[2] === '/events')) {
        const problem = settlePendingReview(review, m[2] ? 'submit' : 'delete', body);
        return problem ? reject(problem) : { status: 200, body: reviewJson(review) };
      }
    }
    return unrouted(method, r);
  }

  function issueCommentJson(c: FaultIssueComment) {
    return { id: c.id, user: c.user, body: c.body, created_at: c.createdAt, html_url: `http://${fake.host}/${c.repo}/pull/${c.number}#issuecomment-${c.id}` };
  }

  /** Picks this request's fault (or none) from the seeded sequence. */
  function pickFault(): FaultKind | undefined {
    if (!fake.faultsEnabled || rate <= 0 || !rng.chance(rate)) return undefined;
    let x = rng.next() * mixTotal;
    for (const kind of FAULT_KINDS) {
      x -= mix[kind];
      if (x < 0) return kind;
    }
    return FAULT_KINDS.at(-1);
  }

  function faultAnswer(kind: FaultKind): Answer | undefined {
    const retryAfter = { 'retry-after': String(retryAfterS) };
    switch (kind) {
      case '500':
        return { status: 500, body: { message: 'Server Error' } };
      case '502':
        return { status: 502, text: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'content-type': 'text/html' } };
      case '503':
        return { status: 503, body: { message: 'Service Unavailable' } };
      case '429':
        return {
          status: 429,
          body: { message: 'API rate limit exceeded for installation.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api` },
          headers: { ...retryAfter, 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + retryAfterS) },
        };
      case 'secondary-403':
        return {
          status: 403,
          body: {
            message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333.',
            documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
          },
          headers: retryAfter,
        };
      default:
        return undefined;
    }
  }

  /**
   * The base tree as codeload streams it. This fake serves no base contents, so the first head's files of the
   * pull request on that base stand in for it: enough for the snapshot to be read, parsed and cached under faults.
   */
  function codeload(url: URL, res: ServerResponse): void {
    const m = /^\/_codeload\/([^/]+\/[^/]+)\/legacy\.tar\.gz\/([^/]+)$/.exec(url.pathname);
    const pr = m ? [...pulls.values()].find((p) => p.repo === m[1] && p.baseSha === m[2]) : undefined;
    if (!pr || url.searchParams.get('token') !== 'codeload-token') return writeAnswer(res, notFound());
    void tarballOf(Object.fromEntries(pr.heads[0]?.init.headFiles ?? []), `${pr.repo.replace('/', '-')}-${pr.baseSha.slice(0, 7)}`).then(
      (tgz) => {
        res.writeHead(200, { 'content-type': 'application/x-gzip' });
        res.end(tgz);
      },
      () => res.destroy(),
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    readRequest(req, ({ url, method, query, fields }) => {
      if (url.pathname.startsWith('/_codeload/')) return codeload(url, res);
      const r = url.pathname.startsWith('/api/v3/') ? url.pathname.slice('/api/v3'.length) : url.pathname;
      const fault = pickFault();
      const call: RecordedCall = { method, route: r, query, status: 0, applied: false, at: Date.now(), ...(fault ? { fault } : {}) };
      fake.calls.push(call);

      if (fault === 'reset-before') {
        req.socket.destroy();
        return;
      }
      const injected = fault ? faultAnswer(fault) : undefined;
      const respond = () => {
        const answer = injected ?? (url.pathname.startsWith('/api/v3/') ? answerOf(() => route(method, r, query, req.headers, fields)) : notFound());
        call.at = Date.now();
        const isWrite = WRITE_METHODS.has(method) && !r.startsWith('/app/');
        if (!injected && isWrite && answer.status < 300) {
          call.applied = true;
          lastWrite = call.at;
        }
        if (fault === 'reset-after') {
          // GitHub made the change (for a write); the client never hears of it.
          req.socket.destroy();
          return;
        }
        call.status = answer.status;
        if (res.destroyed) return;
        writeAnswer(res, answer, { 'x-github-request-id': `FAKE:${fake.calls.length}` });
      };
      if (fault === 'slow') setTimeout(respond, rng.int(slowMin, slowMax));
      else respond();
    });
  }

  const listening = await listenOnLoopback(handle);
  fake.host = listening.host;
  base = `http://${fake.host}`;
  return fake;
}
