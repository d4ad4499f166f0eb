import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseServedDiff } from '../e2e/parse-served-diff.js';
import type { ServedFile } from '../e2e/parse-served-diff.js';
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

export interface ReviewComment {
  path: string;
  line?: number;
  side?: 'LEFT' | 'RIGHT';
  start_line?: number;
  start_side?: 'LEFT' | 'RIGHT';
  position?: number;
  body: string;
}

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

interface StoredHead {
  init: HeadInit;
  files: Map<string, ServedFile>;
  diffLines: number;
}

interface StoredPull {
  repo: string;
  number: number;
  heads: StoredHead[];
  baseSha: string;
  createdAt: string;
  updatedAt: string;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string>; text?: string };

const JSON_TYPE = 'application/json; charset=utf-8';
const DOCS = 'https://docs.github.com/enterprise-server@3.14/rest';
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
  const publicKey = options.publicKey === undefined ? undefined : typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
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
  const storeHead = (init: HeadInit): StoredHead => ({ init, files: parseServedDiff(init.diff), diffLines: init.diff.split('\n').length });

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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  function reject(reason: string, errors: unknown[] = [reason]): Answer {
    fake.rejections.push(reason);
    return { status: 422, body: { message: 'Unprocessable Entity', errors, documentation_url: `${DOCS}/pulls/reviews#create-a-review-for-a-pull-request`, status: '422' } };
  }

  const notFound = (): Answer => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
  /** A 404 for a route the fake does not know, remembered so a run can show the fake's gaps. */
  const unrouted = (method: string, r: string): Answer => {
    fake.unrouted.add(`${method} ${r.replace(/\/[0-9a-f]{40}(?=\/|$)/g, '/{sha}').replace(/\/\d+(?=\/|$)/g, '/{n}')}`);
    return notFound();
  };

  /** One page of `items` with GitHub's `link` header; `key` wraps the page as `{ total_count, [key]: [...] }`. */
  function page<T>(items: readonly T[], path: string, query: Record<string, string>, key?: string): Answer {
    const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30)));
    const current = Math.max(1, Number(query.page ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const links: string[] = [];
    const keep = Object.entries(query).filter(([k]) => k !== 'page' && k !== 'per_page');
    const extra = keep.map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('');
    const url = (p: number) => `<${base}/api/v3${path}?per_page=${perPage}&page=${p}${extra}>`;
    if (current < last) links.push(`${url(current + 1)}; rel="next"`, `${url(last)}; rel="last"`);
    if (current > 1) links.push(`${url(1)}; rel="first"`, `${url(current - 1)}; rel="prev"`);
    const slice = items.slice((current - 1) * perPage, current * perPage);
    return { status: 200, body: key ? { total_count: items.length, [key]: slice } : slice, ...(links.length ? { headers: { link: links.join(', ') } } : {}) };
  }

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
      permissions: { pull_requests: 'write', checks: 'write', contents: 'read', issues: 'write', metadata: 'read' },
      events: ['pull_request', 'issue_comment'],
      suspended_at: null,
    };
  }

  function pullJson(pr: StoredPull) {
    const head = headOf(pr);
    const [owner, name] = pr.repo.split('/') as [string, string];
    let additions = 0;
    let deletions = 0;
    for (const f of head.files.values()) {
      additions += f.additions;
      deletions += f.deletions;
    }
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

  const fileJson = (f: ServedFile) => ({
    sha: '1'.repeat(40),
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
    ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}),
  });

  const reviewJson = (r: FaultReview) => ({
    id: r.id,
    node_id: `PRR_${r.id}`,
    user: botUser,
    body: r.body,
    state: r.state,
    html_url: `http://${fake.host}/${r.repo}/pull/${r.number}#pullrequestreview-${r.id}`,
    commit_id: r.commitId,
    ...(r.submittedAt ? { submitted_at: r.submittedAt } : {}),
  });

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

  /** GitHub's checks on a review's comments: each on a file of the diff, on a line of it, ranges inside one hunk. */
  function commentProblem(head: StoredHead, c: ReviewComment): string | undefined {
    const file = head.files.get(c.path);
    if (!file) return `Path could not be resolved: ${c.path}`;
    if (c.position !== undefined) {
      const patchLines = file.patch?.split('\n').length ?? 0;
      return c.position >= 1 && c.position < patchLines ? undefined : 'Position is invalid';
    }
    if (typeof c.line !== 'number') return 'Line could not be resolved';
    const side = c.side ?? 'RIGHT';
    const hunk = (side === 'RIGHT' ? file.right : file.left).get(c.line);
    if (hunk === undefined) return 'Line could not be resolved';
    if (c.start_line !== undefined) {
      const startSide = c.start_side ?? side;
      const startHunk = (startSide === 'RIGHT' ? file.right : file.left).get(c.start_line);
      if (startHunk === undefined) return 'Start line could not be resolved';
      if (c.start_line >= c.line && startSide === side) return 'Start line must precede the end line.';
      if (startHunk !== hunk) return 'start_line must be part of the same hunk as the line.';
    }
    return undefined;
  }

  function createReview(pr: StoredPull, body: Record<string, unknown>): Answer {
    // A review is anchored to `commit_id` (any commit of the PR); comments are checked against that commit's diff.
    const commitId = typeof body.commit_id === 'string' ? body.commit_id : headOf(pr).init.sha;
    const head = pr.heads.find((h) => h.init.sha === commitId);
    if (!head) return reject('commit_id is not part of the pull request');
    const event = typeof body.event === 'string' ? body.event : undefined;
    if (event !== undefined && !['COMMENT', 'APPROVE', 'REQUEST_CHANGES'].includes(event)) return reject(`Invalid event ${event}`);
    const text = typeof body.body === 'string' ? body.body : '';
    if (text.length > 65_536) return reject('Body is too long (maximum is 65536 characters)');
    if (event === undefined && fake.reviews.some((r) => r.repo === pr.repo && r.number === pr.number && r.state === 'PENDING' && !r.deleted)) {
      return reject('User can only have one pending review per pull request');
    }
    const comments = Array.isArray(body.comments) ? (body.comments as ReviewComment[]) : [];
    const problems = comments.map((c) => commentProblem(head, c)).filter((p): p is string => p !== undefined);
    if (problems.length > 0) return reject(`review comment off the diff: ${problems.join('; ')}`, problems);
    const state = event === undefined ? 'PENDING' : event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : 'COMMENTED';
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
    if (text === undefined) return notFound();
    if (accept.includes('raw')) return { status: 200, text, headers: { 'content-type': 'text/plain; charset=utf-8' } };
    const bytes = Buffer.from(text, 'utf8');
    return {
      status: 200,
      body: { type: 'file', encoding: 'base64', size: bytes.length, name: path.split('/').pop(), path, content: bytes.toString('base64').replace(/.{60}/g, '$&\n'), sha: '2'.repeat(40) },
    };
  }

  function verifyJwt(authorization: string): boolean {
    const m = /^bearer (.+)$/i.exec(authorization);
    if (!m) return false;
    const [header, payload, signature] = m[1]!.split('.');
    if (!header || !payload || !signature) return false;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
      if (String(claims.iss) !== String(options.appId)) return false;
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return false;
      if (!publicKey) return true;
      return verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
    } catch {
      return false;
    }
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
          permissions: installationJson(inst).permissions,
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
      if (!verifyJwt(authorization)) return { status: 401, body: { message: 'A JSON web token could not be decoded', documentation_url: DOCS } };
      if (repoInstallation) {
        const inst = byRepo.get(`${repoInstallation[1]}/${repoInstallation[2]}`);
        return inst ? { status: 200, body: installationJson(inst) } : notFound();
      }
      const answer = appRoute(method, r, query);
      return answer.status === 404 && !/^\/app\/installations\/\d+/.test(r) ? unrouted(method, r) : answer;
    }

    const token = /^token (.+)$/i.exec(authorization)?.[1];
    const inst = token ? byToken.get(token) : undefined;
    if (!inst) return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS } };
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
      const role = permissions[login] ?? 'none';
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return { status: 200, body: { permission, role_name: role, user: { login, type: 'User' } } };
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
      if (accept.includes('diff')) {
        if (head.files.size > 300 || head.diffLines > 20_000) {
          return {
            status: 406,
            body: {
              message: "Sorry, the diff exceeded the maximum number of lines (20000). Consider using 'List pull requests files' API or locally cloning the repository instead.",
              errors: [{ resource: 'PullRequest', field: 'diff', code: 'too_large' }],
              documentation_url: `${DOCS}/pulls/pulls#list-pull-requests-files`,
              status: '406',
            },
          };
        }
        return { status: 200, text: head.init.diff, headers: { 'content-type': 'application/vnd.github.v3.diff; charset=utf-8' } };
      }
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
      if (method === 'DELETE' && !m[2]) {
        if (review.state !== 'PENDING') return reject('Can not delete a non-pending pull request review');
        review.deleted = true;
        return { status: 200, body: reviewJson(review) };
      }
      if (method === 'POST' && m[2] === '/events') {
        if (review.state !== 'PENDING') return reject('Can not submit a non-pending pull request review');
        const event = String(body.event);
        review.submittedAt = new Date().toISOString();
        review.state = event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : 'COMMENTED';
        if (typeof body.body === 'string') review.body = body.body;
        return { status: 200, body: reviewJson(review) };
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

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const query = Object.fromEntries(url.searchParams);
      const method = req.method ?? 'GET';
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
        let answer: Answer;
        if (injected) answer = injected;
        else if (!url.pathname.startsWith('/api/v3/')) answer = notFound();
        else {
          try {
            answer = route(method, r, query, req.headers, typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {});
          } catch (err) {
            answer = { status: 500, body: { message: `fake GitHub failed: ${(err as Error).message}` } };
          }
        }
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
        res.writeHead(answer.status, { 'content-type': JSON_TYPE, 'x-github-request-id': `FAKE:${fake.calls.length}`, ...answer.headers });
        res.end(answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
      };
      if (fault === 'slow') setTimeout(respond, rng.int(slowMin, slowMax));
      else respond();
    });
  }

  const server: Server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.host = `127.0.0.1:${port}`;
  base = `http://${fake.host}`;
  return fake;
}
