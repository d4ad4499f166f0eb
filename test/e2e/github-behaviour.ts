import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseServedDiff } from './parse-served-diff.js';
import type { ServedFile } from './parse-served-diff.js';

/*
 * What GitHub (Enterprise, under `/api/v3`) does that both fakes copy: the e2e fake
 * (./fake-github.ts, one repository) and the fault fake (../faults/fault-github.ts, many
 * installations, injected faults). Each fake keeps its own state and routes; the rules GitHub
 * applies and the shapes it answers with live here once.
 */

/** One answer of a fake route: JSON `body`, or raw `text` with its own content type. */
export type Answer = { status: number; body?: unknown; headers?: Record<string, string>; text?: string };

/** A review comment as `pulls.createReview` takes it. */
export interface ReviewComment {
  path: string;
  line?: number;
  side?: 'LEFT' | 'RIGHT';
  start_line?: number;
  start_side?: 'LEFT' | 'RIGHT';
  position?: number;
  body: string;
}

/** The review fields GitHub's review rules and answers look at. */
export interface ReviewRecord {
  id: number;
  number: number;
  state: 'PENDING' | 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED';
  body: string;
  commitId: string;
  submittedAt?: string;
}

/** A pull request head's diff as the fakes serve and judge it. */
export interface ServedDiff {
  files: Map<string, ServedFile>;
  diffLines: number;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
export const DOCS = 'https://docs.github.com/enterprise-server@3.14/rest';
/** What an installation token of arch-review may do (the app's manifest permissions). */
export const INSTALLATION_PERMISSIONS = { pull_requests: 'write', checks: 'write', contents: 'read', issues: 'read', metadata: 'read' } as const;

export const notFound = (): Answer => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
/** GitHub's 401 for an app route without a valid app JWT. */
export const badJwt = (): Answer => ({ status: 401, body: { message: 'A JSON web token could not be decoded', documentation_url: DOCS } });
/** GitHub's 401 for a repository route without a known installation token. */
export const badCredentials = (): Answer => ({ status: 401, body: { message: 'Bad credentials', documentation_url: DOCS } });

/**
 * GitHub's 422 as it answers an invalid review write.
 *
 * @example
 * return unprocessable('Line could not be resolved');
 */
export function unprocessable(reason: string, errors: unknown[] = [reason]): Answer {
  return { status: 422, body: { message: 'Unprocessable Entity', errors, documentation_url: `${DOCS}/pulls/reviews#create-a-review-for-a-pull-request`, status: '422' } };
}

/**
 * A diff parsed the way GitHub judges review comments on it, with its line count (for the 406).
 *
 * @example
 * const head = { init, ...servedDiff(init.diff) };
 */
export function servedDiff(diff: string): ServedDiff {
  return { files: parseServedDiff(diff), diffLines: diff.split('\n').length };
}

/**
 * The app's public key as a KeyObject (PEM text accepted), or undefined when JWTs go unverified.
 *
 * @example
 * const publicKey = toPublicKey(options.publicKey);
 */
export function toPublicKey(key: string | KeyObject | undefined): KeyObject | undefined {
  return key === undefined ? undefined : typeof key === 'string' ? createPublicKey(key) : key;
}

/**
 * Whether `authorization` carries a valid app JWT: `Bearer`, `iss` = appId, not expired, and signed
 * RS256 by `publicKey` (the signature is not checked when there is no key).
 *
 * @example
 * if (!verifyAppJwt(headers.authorization ?? '', options.appId, publicKey)) return badJwt();
 */
export function verifyAppJwt(authorization: string, appId: number, publicKey: KeyObject | undefined): boolean {
  const m = /^bearer (.+)$/i.exec(authorization);
  if (!m) return false;
  const [header, payload, signature] = m[1]!.split('.');
  if (!header || !payload || !signature) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
    if (String(claims.iss) !== String(appId)) return false;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return false;
    if (!publicKey) return true;
    return verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/**
 * One page of `items` with GitHub's `link` header (next/last, first/prev; other query parameters
 * kept). `route` is the path below `/api/v3`; `key` wraps the page as `{ total_count, [key]: [...] }`.
 *
 * @example
 * return page(files.map(fileJson), '/repos/acme/payments/pulls/7/files', query, 'http://127.0.0.1:4000');
 */
export function page<T>(items: readonly T[], route: string, query: Record<string, string>, base: string, key?: string): Answer {
  const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30)));
  const current = Math.max(1, Number(query.page ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  const keep = Object.entries(query).filter(([k]) => k !== 'page' && k !== 'per_page');
  const extra = keep.map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('');
  const url = (p: number) => `<${base}/api/v3${route}?per_page=${perPage}&page=${p}${extra}>`;
  if (current < last) links.push(`${url(current + 1)}; rel="next"`, `${url(last)}; rel="last"`);
  if (current > 1) links.push(`${url(1)}; rel="first"`, `${url(current - 1)}; rel="prev"`);
  const slice = items.slice((current - 1) * perPage, current * perPage);
  return { status: 200, body: key ? { total_count: items.length, [key]: slice } : slice, ...(links.length ? { headers: { link: links.join(', ') } } : {}) };
}

/**
 * The added and deleted line counts of a diff's files (a pull request's `additions`, `deletions`).
 *
 * @example
 * const { additions, deletions } = changeCounts(head.files);
 */
export function changeCounts(files: ReadonlyMap<string, ServedFile>): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const f of files.values()) {
    additions += f.additions;
    deletions += f.deletions;
  }
  return { additions, deletions };
}

/**
 * One entry of `GET …/pulls/{n}/files` (and of compare's `files`).
 *
 * @example
 * page([...head.files.values()].map(fileJson), route, query, base);
 */
export function fileJson(f: ServedFile) {
  return {
    sha: '1'.repeat(40),
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
    ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}),
  };
}

/**
 * A review as GitHub answers it; `web` is the fake's `http://<host>/<owner>/<repo>`.
 *
 * @example
 * reviewJson(review, botUser, `http://${fake.host}/acme/payments`);
 */
export function reviewJson(r: ReviewRecord, user: unknown, web: string) {
  return {
    id: r.id,
    node_id: `PRR_${r.id}`,
    user,
    body: r.body,
    state: r.state,
    html_url: `${web}/pull/${r.number}#pullrequestreview-${r.id}`,
    commit_id: r.commitId,
    ...(r.submittedAt ? { submitted_at: r.submittedAt } : {}),
  };
}

/** The review state an `event` of a create or submit call gives (none: a pending review). */
export function reviewState(event: string | undefined): ReviewRecord['state'] {
  return event === undefined ? 'PENDING' : event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : 'COMMENTED';
}

/**
 * GitHub's check of one review comment against the diff it is anchored to: on a file of the diff,
 * on a line of it (on its side), a range inside one hunk, a `position` inside the patch. Returns
 * GitHub's error text, or undefined when the comment is fine.
 *
 * @example
 * commentProblem(head.files, { path: 'src/a.ts', line: 99, body: 'x' }); // 'Line could not be resolved'
 */
export function commentProblem(files: ReadonlyMap<string, ServedFile>, c: ReviewComment): string | undefined {
  const file = files.get(c.path);
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

/** A `POST …/pulls/{n}/reviews` GitHub accepts, read from its body. */
export interface NewReview {
  event?: string;
  state: ReviewRecord['state'];
  text: string;
  comments: ReviewComment[];
}

/**
 * GitHub's checks on `POST …/pulls/{n}/reviews` once its commit is known: the event, the body's
 * length, one pending review per pull request, every comment on the diff of `files`. Returns the
 * review to store, or the 422's reason and errors.
 *
 * @example
 * const checked = checkNewReview(body, head.files, hasPending);
 * if ('reason' in checked) return reject(checked.reason, checked.errors);
 */
export function checkNewReview(body: Record<string, unknown>, files: ReadonlyMap<string, ServedFile>, hasPendingReview: boolean): NewReview | { reason: string; errors?: string[] } {
  const event = typeof body.event === 'string' ? body.event : undefined;
  if (event !== undefined && !['COMMENT', 'APPROVE', 'REQUEST_CHANGES'].includes(event)) return { reason: `Invalid event ${event}` };
  const text = typeof body.body === 'string' ? body.body : '';
  if (text.length > 65_536) return { reason: 'Body is too long (maximum is 65536 characters)' };
  if (event === undefined && hasPendingReview) return { reason: 'User can only have one pending review per pull request' };
  const comments = Array.isArray(body.comments) ? (body.comments as ReviewComment[]) : [];
  const problems = comments.map((c) => commentProblem(files, c)).filter((p): p is string => p !== undefined);
  if (problems.length > 0) return { reason: `review comment off the diff: ${problems.join('; ')}`, errors: problems };
  return { ...(event !== undefined ? { event } : {}), state: reviewState(event), text, comments };
}

/**
 * `DELETE …/reviews/{id}` (`action` 'delete') or `POST …/reviews/{id}/events` ('submit', with the
 * call's `body`) on a stored review: GitHub's 422 reason when it is not pending, else the review is
 * changed (`deleted`, or submitted with the event's state and the new body) and undefined returned.
 *
 * @example
 * const problem = settlePendingReview(review, 'submit', body);
 * if (problem) return reject(problem);
 */
export function settlePendingReview(review: ReviewRecord & { deleted: boolean }, action: 'delete' | 'submit', body: Record<string, unknown>): string | undefined {
  if (review.state !== 'PENDING') return `Can not ${action} a non-pending pull request review`;
  if (action === 'delete') {
    review.deleted = true;
    return undefined;
  }
  review.submittedAt = new Date().toISOString();
  review.state = reviewState(String(body.event));
  if (typeof body.body === 'string') review.body = body.body;
  return undefined;
}

/**
 * `GET …/pulls/{n}` with the diff media type: the diff, or GitHub's 406 `too_large` over 300 files or
 * 20,000 lines (or when `tooLarge` forces it).
 *
 * @example
 * if (accept.includes('diff')) return diffAnswer(head.init.diff, head);
 */
export function diffAnswer(diff: string, served: ServedDiff, tooLarge = false): Answer {
  if (tooLarge || served.files.size > 300 || served.diffLines > 20_000) {
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
  return { status: 200, text: diff, headers: { 'content-type': 'application/vnd.github.v3.diff; charset=utf-8' } };
}

/** A file's content as `GET …/contents/{path}` carries it: base64 in 60-character lines, and its size. */
export interface EncodedContent {
  base64: string;
  size: number;
}

/** @example encodeContent('a: 1\n') // { base64: 'YTogMQo=', size: 5 } */
export function encodeContent(text: string): EncodedContent {
  const bytes = Buffer.from(text, 'utf8');
  return { base64: bytes.toString('base64').replace(/.{60}/g, '$&\n'), size: bytes.length };
}

/**
 * `GET …/contents/{path}` for a file of `text`: raw with the raw media type, else GitHub's JSON with
 * base64 content (`encoded` lets a fake reuse an encoding it keeps).
 *
 * @example
 * return text === undefined ? notFound() : contentAnswer(path, text, accept);
 */
export function contentAnswer(path: string, text: string, accept: string, encoded: () => EncodedContent = () => encodeContent(text)): Answer {
  if (accept.includes('raw')) return { status: 200, text, headers: { 'content-type': 'text/plain; charset=utf-8' } };
  const { base64, size } = encoded();
  return { status: 200, body: { type: 'file', encoding: 'base64', size, name: path.split('/').pop(), path, content: base64, sha: '2'.repeat(40) } };
}

/**
 * `GET …/collaborators/{login}/permission` for a repository role (`admin`, `maintain`, `write`,
 * `triage`, `read`, `none`): GitHub folds maintain into write and triage into read.
 *
 * @example
 * return permissionAnswer(login, permissions[login] ?? 'none');
 */
export function permissionAnswer(login: string, role: string): Answer {
  const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
  return { status: 200, body: { permission, role_name: role, user: { login, type: 'User' } } };
}

/** A request as a fake's router takes it: the body parsed as JSON (the raw text when it is not), `fields` its object or `{}`. */
export interface FakeRequest {
  url: URL;
  method: string;
  query: Record<string, string>;
  body: unknown;
  fields: Record<string, unknown>;
}

/**
 * Reads a request's whole body, then calls `onRequest` with it parsed.
 *
 * @example
 * createServer((req, res) => readRequest(req, (r) => writeAnswer(res, route(r))));
 */
export function readRequest(req: IncomingMessage, onRequest: (request: FakeRequest) => void): void {
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
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    onRequest({ url, method: req.method ?? 'GET', query: Object.fromEntries(url.searchParams), body, fields });
  });
}

/**
 * `route()`'s answer, or a 500 naming the fake's own failure when it throws.
 *
 * @example
 * const answer = answerOf(() => route(method, r, query, req.headers, fields));
 */
export function answerOf(route: () => Answer): Answer {
  try {
    return route();
  } catch (err) {
    return { status: 500, body: { message: `fake GitHub failed: ${(err as Error).message}` } };
  }
}

/**
 * Sends an answer (JSON unless it sets its own content type); `headers` go under the answer's own.
 *
 * @example
 * writeAnswer(res, answer, { 'x-github-request-id': 'FAKE:1' });
 */
export function writeAnswer(res: ServerResponse, answer: Answer, headers: Record<string, string> = {}): void {
  res.writeHead(answer.status, { 'content-type': JSON_TYPE, ...headers, ...answer.headers });
  res.end(answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
}

/**
 * Starts an HTTP server for a fake on a free 127.0.0.1 port (keep-alive like GitHub's).
 *
 * @example
 * const { server, host } = await listenOnLoopback(handle); // host = '127.0.0.1:<port>'
 */
export async function listenOnLoopback(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; host: string; close(): Promise<void> }> {
  const server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
