import { createHash, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DOCS, INSTALLATION_PERMISSIONS, answerOf, badCredentials, badJwt, changeCounts, checkNewReview, contentAnswer, diffAnswer, encodeContent, fileJson, listenOnLoopback, notFound, page as pageOf, permissionAnswer, readRequest, reviewJson as reviewJsonOf, servedDiff, settlePendingReview, toPublicKey, unprocessable, verifyAppJwt, writeAnswer } from './github-behaviour.js';
import type { Answer, EncodedContent, ReviewComment, ServedDiff } from './github-behaviour.js';
import type { ServedFile } from './parse-served-diff.js';

export type { ReviewComment } from './github-behaviour.js';

/** One request the fake answered, as the tests assert on it. */
export interface RecordedRequest {
  method: string;
  /** The path as sent, without the query string (GHE paths start with `/api/v3`). */
  path: string;
  /** The path below `/api/v3` (what GitHub's docs call the route). */
  route: string;
  query: Record<string, string>;
  accept: string;
  authorization: string;
  body: unknown;
  /** The status answered; 0 when the fake dropped the connection instead. */
  status: number;
  /** `performance.now()` when the answer was sent (same clock as a test or benchmark in this process). */
  at: number;
}

/** A pull request the fake serves: its diff and the head version of its files. */
export interface FakePullRequestInit {
  number: number;
  headSha: string;
  baseSha?: string;
  title?: string;
  /** The description (`body`) of the pull request; default: one plain sentence. */
  body?: string;
  diff: string;
  headFiles: ReadonlyMap<string, string>;
  /** The base version of the changed files, served at `mergeBaseSha` (absent: every base read is a 404). */
  baseFiles?: ReadonlyMap<string, string>;
  /** The merge base of `baseSha` and the head, as the compare API reports it; default `baseSha`. */
  mergeBaseSha?: string;
  /** The repository at the merge base as GitHub's tarball endpoint serves it (a tar.gz); absent: the tarball is a 404. */
  baseTarball?: Buffer;
}

/** A review as the fake stores it; `state` is PENDING until submitted. */
export interface FakeReview {
  id: number;
  number: number;
  state: 'PENDING' | 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED';
  /** The `event` of the create call (`undefined` for a pending review). */
  event?: string;
  body: string;
  commitId: string;
  comments: ReviewComment[];
  deleted: boolean;
  submittedAt?: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  /** Every status the run went through, in order (`in_progress`, `completed`). */
  statuses: string[];
  conclusion?: string;
  output?: { title?: string; summary?: string; annotations?: unknown[] };
}

/** How the fake misbehaves for the next scenario; `reset()` restores these defaults. */
export interface FakeKnobs {
  /** Answer this many upcoming `POST …/pulls/{n}/reviews` with 500. */
  failCreateReview: number;
  /** Create the review for this many upcoming `POST …/pulls/{n}/reviews`, then drop the connection without answering (recorded with status 0). */
  resetAfterCreateReview: number;
  /** Answer the diff media type with 406 `too_large` (GitHub does so by itself over 300 files or 20,000 lines, and so does the fake). */
  diffTooLarge: boolean;
  /** Collaborator permission by login (`admin`, `maintain`, `write`, `triage`, `read`); others get `none`. */
  permissions: Record<string, string>;
  /** `.github/arch-review.yml` of the repository; undefined answers 404 (no configuration). */
  repoConfig?: string;
  /**
   * Answer every write to the repository (POST, PATCH, PUT, DELETE) with 403 "Resource not accessible by
   * integration", as GitHub does for a workflow token that is read-only (a pull request from a fork).
   */
  readOnly: boolean;
  /**
   * Files of the default branch (a contents read without `ref`), by path, besides `.github/arch-review.yml`;
   * a folder among their paths is listed as GitHub lists one (`type`, `name`, `path`, `sha` per entry).
   */
  defaultBranchFiles?: Record<string, string>;
}

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  appId: number;
  appSlug: string;
  /** The token `POST /app/installations/{id}/access_tokens` hands out. */
  installationToken: string;
  /** The app's public key: when given, app JWTs are verified (RS256, `iss` = appId). */
  publicKey?: string | KeyObject;
  /** The one installation `GET /app/installations` lists (the reconciler's start). Default 1. */
  installationId?: number;
  /** Tokens accepted without an installation token request: a workflow's `GITHUB_TOKEN` (the Action). */
  tokens?: readonly string[];
}

/** A fake GitHub Enterprise REST API on 127.0.0.1, served under `/api/v3` (GHE_HOST=<host>, GHE_PROTOCOL=http). */
export interface FakeGitHub {
  /** `127.0.0.1:<port>`, for GHE_HOST. */
  host: string;
  requests: RecordedRequest[];
  reviews: FakeReview[];
  checkRuns: FakeCheckRun[];
  issueComments: { id: number; number: number; body: string; createdAt: string }[];
  reactions: { commentId: number; content: string }[];
  /** Replies posted in review threads (`POST …/pulls/{n}/comments/{id}/replies`), all by the app. */
  reviewReplies: { id: number; number: number; inReplyTo: number; body: string; createdAt: string }[];
  /** The inline comments of submitted reviews (of pull request `number`, when given), with the ids GitHub lists them by (bodies as edited since). */
  reviewComments(number?: number): { id: number; reviewId: number; number: number; path: string; line?: number; body: string }[];
  /** Reactions on review comments (inline comments), as people added them: `GET …/pulls/comments/{id}/reactions` lists them. */
  reviewCommentReactions: { commentId: number; content: string; user: { login: string; type: string }; createdAt: string }[];
  /** Review comments GitHub shows as outdated (the code under them changed): `line` is null. */
  outdatedComments: Set<number>;
  /** A person reacts to an inline comment (a 👎 is `-1`). */
  reactToReviewComment(commentId: number, content: string, login?: string): void;
  /** Why each 422 was answered (a review comment off the diff, a second pending review, …). */
  rejections: string[];
  knobs: FakeKnobs;
  addPullRequest(pr: FakePullRequestInit): void;
  /** The served diff's files, for the tests' own anchoring checks. */
  diffFiles(number: number): ReadonlyMap<string, ServedFile>;
  /** Reviews that were submitted (not pending, not deleted). */
  submittedReviews(number?: number): FakeReview[];
  /** Requests matching `method` and a route pattern. */
  calls(method: string, route: RegExp): RecordedRequest[];
  /** Forgets everything recorded and the knobs; keeps pull requests and issued tokens. */
  reset(): void;
  close(): Promise<void>;
}

interface StoredPull extends ServedDiff {
  init: FakePullRequestInit;
  contents: Map<string, EncodedContent>;
  baseContents: Map<string, EncodedContent>;
}

const defaultKnobs = (): FakeKnobs => ({ failCreateReview: 0, resetAfterCreateReview: 0, diffTooLarge: false, permissions: {}, readOnly: false });

/**
 * Starts a fake GitHub that behaves like the real one where arch-review depends on it: installation
 * tokens for a valid app JWT, a pull request's JSON, diff (or 406 `too_large`), paginated files and
 * commits, file contents at a ref, reviews (pending ones too: create, list, delete, submit) with
 * GitHub's 422 for a comment on a line that is not in the diff, check runs, issue comments,
 * reactions, collaborator permissions, compare and `.github/arch-review.yml`. Every request is
 * recorded with the status it got.
 *
 * @example
 * const github = await startFakeGitHub({ owner: 'acme', repo: 'payments', appId: 1, appSlug: 'arch-review', installationToken: 'ghs_x' });
 * github.addPullRequest({ number: 7, headSha, diff, headFiles });
 */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const publicKey = toPublicKey(options.publicKey);
  const pulls = new Map<number, StoredPull>();
  const tokens = new Set<string>(options.tokens ?? []);
  const botUser = { login: `${options.appSlug}[bot]`, id: 9_000_001, type: 'Bot' };
  let nextId = 1000;
  let base = '';

  const fake: FakeGitHub = {
    host: '',
    requests: [],
    reviews: [],
    checkRuns: [],
    issueComments: [],
    reactions: [],
    reviewReplies: [],
    rejections: [],
    knobs: defaultKnobs(),
    reviewCommentReactions: [],
    outdatedComments: new Set(),
    reviewComments(number) {
      return fake
        .submittedReviews(number)
        .flatMap((r) => r.comments.map((c) => ({ id: commentId(c), reviewId: r.id, number: r.number, path: c.path, ...(c.line !== undefined ? { line: c.line } : {}), body: c.body })));
    },
    reactToReviewComment(id, content, login = 'octocat') {
      fake.reviewCommentReactions.push({ commentId: id, content, user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' }, createdAt: new Date().toISOString() });
    },
    addPullRequest(init) {
      pulls.set(init.number, { init, ...servedDiff(init.diff), contents: new Map(), baseContents: new Map() });
    },
    diffFiles(number) {
      const pr = pulls.get(number);
      if (!pr) throw new Error(`no pull request #${number}`);
      return pr.files;
    },
    submittedReviews(number) {
      return fake.reviews.filter((r) => !r.deleted && r.state !== 'PENDING' && (number === undefined || r.number === number));
    },
    calls(method, route) {
      return fake.requests.filter((r) => r.method === method && route.test(r.route));
    },
    reset() {
      fake.requests.length = 0;
      fake.reviews.length = 0;
      fake.checkRuns.length = 0;
      fake.issueComments.length = 0;
      fake.reactions.length = 0;
      fake.reviewReplies.length = 0;
      fake.rejections.length = 0;
      fake.reviewCommentReactions.length = 0;
      fake.outdatedComments.clear();
      fake.knobs = defaultKnobs();
    },
    close: () => listening.close(),
  };

  const repoPrefix = `/repos/${options.owner}/${options.repo}`;

  /** Review comments get their id when first seen (listed or read), as stable as GitHub's. */
  const commentIds = new WeakMap<ReviewComment, number>();
  function commentId(c: ReviewComment): number {
    let id = commentIds.get(c);
    if (id === undefined) commentIds.set(c, (id = nextId++));
    return id;
  }

  /** Every review comment of the repository as the REST API shows it: inline comments of submitted reviews, then replies. */
  function reviewCommentsJson(): Array<Record<string, unknown> & { number: number; id: number; updated_at: string }> {
    const web = `http://${fake.host}/${options.owner}/${options.repo}`;
    const inline = fake.reviews
      .filter((r) => !r.deleted && r.state !== 'PENDING')
      .flatMap((r) =>
        r.comments.map((c) => {
          const at = r.submittedAt ?? new Date(0).toISOString();
          const id = commentId(c);
          // `line` is null once outdated; `reactions` is the summary GitHub includes on every comment.
          const reactions = fake.reviewCommentReactions.filter((x) => x.commentId === id);
          const countOf = (content: string) => reactions.filter((x) => x.content === content).length;
          const line = fake.outdatedComments.has(id) ? null : (c.line ?? null);
          return { id, number: r.number, pull_request_review_id: r.id, user: botUser, body: c.body, path: c.path, line, original_line: c.line ?? null, side: c.side ?? 'RIGHT', commit_id: r.commitId, original_commit_id: r.commitId, created_at: at, updated_at: at, html_url: `${web}/pull/${r.number}#discussion_r${id}`, reactions: { total_count: reactions.length, '+1': countOf('+1'), '-1': countOf('-1') } };
        }),
      );
    const replies = fake.reviewReplies.map((x) => {
      const root = inline.find((c) => c.id === x.inReplyTo);
      return { ...root, id: x.id, number: x.number, in_reply_to_id: x.inReplyTo, user: botUser, body: x.body, created_at: x.createdAt, updated_at: x.createdAt, html_url: `${web}/pull/${x.number}#discussion_r${x.id}` };
    });
    return [...inline, ...replies];
  }

  function reject(reason: string, errors: unknown[] = [reason]): Answer {
    fake.rejections.push(reason);
    return unprocessable(reason, errors);
  }

  const page = <T>(items: readonly T[], route: string, query: Record<string, string>): Answer => pageOf(items, route, query, base);
  const reviewJson = (r: FakeReview) => reviewJsonOf(r, botUser, `http://${fake.host}/${options.owner}/${options.repo}`);

  function pullJson(pr: StoredPull) {
    const { init } = pr;
    const { additions, deletions } = changeCounts(pr.files);
    return {
      url: `${base}${repoPrefix}/pulls/${init.number}`,
      html_url: `http://${fake.host}/${options.owner}/${options.repo}/pull/${init.number}`,
      id: 100_000 + init.number,
      number: init.number,
      state: 'open',
      locked: false,
      draft: false,
      title: init.title ?? `Pull request #${init.number}`,
      body: init.body ?? 'Adds the Stripe webhook and the CRM sync.',
      user: { login: 'octocat', id: 1, type: 'User' },
      labels: [],
      head: { label: `${options.owner}:feature`, ref: 'feature', sha: init.headSha, repo: { name: options.repo, full_name: `${options.owner}/${options.repo}` } },
      base: { label: `${options.owner}:main`, ref: 'main', sha: init.baseSha ?? '0'.repeat(40), repo: { name: options.repo, full_name: `${options.owner}/${options.repo}` } },
      merged: false,
      commits: 1,
      additions,
      deletions,
      changed_files: pr.files.size,
    };
  }

  function createReview(pr: StoredPull, body: Record<string, unknown>): Answer {
    if (fake.knobs.failCreateReview > 0) {
      fake.knobs.failCreateReview--;
      return { status: 500, body: { message: 'Server Error' } };
    }
    if (body.commit_id !== undefined && body.commit_id !== pr.init.headSha) return reject('commit_id is not part of the pull request');
    const hasPending = fake.reviews.some((r) => r.number === pr.init.number && r.state === 'PENDING' && !r.deleted);
    const checked = checkNewReview(body, pr.files, hasPending);
    if ('reason' in checked) return reject(checked.reason, checked.errors);
    const { event, state, text, comments } = checked;
    const review: FakeReview = { id: nextId++, number: pr.init.number, state, ...(event ? { event, submittedAt: new Date().toISOString() } : {}), body: text, commitId: pr.init.headSha, comments, deleted: false };
    fake.reviews.push(review);
    return { status: 200, body: reviewJson(review) };
  }

  const mergeBaseOf = (init: FakePullRequestInit) => init.mergeBaseSha ?? init.baseSha ?? '0'.repeat(40);

  /** A file at `ref` (the head commit or the merge base of a served pull request), or the repository's config file. */
  function contentOf(path: string, ref: string | undefined, accept: string): Answer {
    const config = path === '.github/arch-review.yml' ? fake.knobs.repoConfig : undefined;
    const head = [...pulls.values()].find((p) => p.init.headSha === ref);
    const atBase = head ? undefined : [...pulls.values()].find((p) => p.init.baseFiles && mergeBaseOf(p.init) === ref);
    const pull = head ?? atBase;
    const files = head ? head.init.headFiles : atBase?.init.baseFiles;
    const text = config ?? (ref !== undefined ? files?.get(path) : undefined);
    if (text === undefined) return notFound();
    // A commit's files are encoded once (large pull requests are read many times); the config never is cached.
    const cache = head ? pull?.contents : pull?.baseContents;
    return contentAnswer(path, text, accept, () => {
      let cached = cache?.get(path);
      if (!cached || config !== undefined) {
        cached = encodeContent(text);
        if (config === undefined) cache?.set(path, cached);
      }
      return cached;
    });
  }

  /** A file or folder of `defaultBranchFiles`, as the contents API answers for the default branch; `undefined` when absent. */
  function defaultBranchContent(files: Record<string, string>, path: string, accept: string): Answer | undefined {
    const text = files[path];
    if (text !== undefined) return contentAnswer(path, text, accept);
    const prefix = `${path.replace(/\/+$/, '')}/`;
    const children = new Map<string, { type: string; name: string; path: string; sha: string }>();
    for (const [file, content] of Object.entries(files)) {
      if (!file.startsWith(prefix)) continue;
      const name = file.slice(prefix.length).split('/')[0]!;
      const isDir = file.slice(prefix.length).includes('/');
      children.set(name, { type: isDir ? 'dir' : 'file', name, path: prefix + name, sha: isDir ? '' : createHash('sha1').update(`blob ${Buffer.byteLength(content)}\0${content}`).digest('hex') });
    }
    return children.size > 0 ? { status: 200, body: [...children.values()] } : undefined;
  }

  function route(method: string, path: string, query: Record<string, string>, headers: IncomingMessage['headers'], body: Record<string, unknown>): Answer {
    if (!path.startsWith('/api/v3/')) return notFound();
    const r = path.slice('/api/v3'.length);
    const authorization = headers.authorization ?? '';
    const accept = String(headers.accept ?? '');

    // App-level routes take the app's JWT.
    if (r.startsWith('/app')) {
      if (!verifyAppJwt(authorization, options.appId, publicKey)) return badJwt();
      if (method === 'GET' && r === '/app') return { status: 200, body: { id: options.appId, slug: options.appSlug, name: options.appSlug, owner: { login: options.owner } } };
      if (method === 'GET' && r === '/app/installations') return page([{ id: options.installationId ?? 1, account: { login: options.owner }, suspended_at: null }], '/app/installations', query);
      const tokenRoute = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(r);
      if (method === 'POST' && tokenRoute) {
        tokens.add(options.installationToken);
        return {
          status: 201,
          body: { token: options.installationToken, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: INSTALLATION_PERMISSIONS, repository_selection: 'all' },
        };
      }
      return notFound();
    }

    const token = /^token (.+)$/i.exec(authorization)?.[1];
    if (!token || !tokens.has(token)) return badCredentials();

    if (r === '/installation/repositories' && method === 'GET') {
      return { status: 200, body: { total_count: 1, repositories: [{ name: options.repo, full_name: `${options.owner}/${options.repo}`, owner: { login: options.owner }, archived: false, disabled: false }] } };
    }
    // Organization-wide config (`<owner>/.github`) is looked up when the repository has none.
    if (!r.startsWith(`${repoPrefix}/`)) return notFound();
    if (fake.knobs.readOnly && method !== 'GET' && method !== 'HEAD') {
      return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' } };
    }
    const rest = r.slice(repoPrefix.length);
    let m: RegExpExecArray | null;

    // GitHub answers the tarball with a 302 to a short-lived codeload URL carrying its own token.
    if ((m = /^\/tarball\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const ref = decodeURIComponent(m[1]!);
      const pr = [...pulls.values()].find((p) => p.init.baseTarball && mergeBaseOf(p.init) === ref);
      if (!pr) return notFound();
      return { status: 302, headers: { location: `${base}/_codeload/${options.owner}/${options.repo}/legacy.tar.gz/${ref}?token=codeload-token` }, text: '' };
    }

    if ((m = /^\/contents\/(.+)$/.exec(rest)) && method === 'GET') {
      const path = decodeURIComponent(m[1]!);
      const atDefault = query.ref === undefined && fake.knobs.defaultBranchFiles ? defaultBranchContent(fake.knobs.defaultBranchFiles, path, accept) : undefined;
      return atDefault ?? contentOf(path, query.ref, accept);
    }
    if ((m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest)) && method === 'GET') {
      const login = decodeURIComponent(m[1]!);
      return permissionAnswer(login, fake.knobs.permissions[login] ?? 'none');
    }
    if ((m = /^\/issues\/comments\/(\d+)\/reactions$/.exec(rest)) && method === 'POST') {
      fake.reactions.push({ commentId: Number(m[1]), content: String(body.content) });
      return { status: 201, body: { id: nextId++, content: body.content } };
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const number = Number(m[1]);
      const json = (c: FakeGitHub['issueComments'][number]) => ({ id: c.id, user: botUser, body: c.body, created_at: c.createdAt, html_url: `http://${fake.host}/${options.owner}/${options.repo}/pull/${c.number}#issuecomment-${c.id}` });
      if (method === 'GET') return page(fake.issueComments.filter((c) => c.number === number).map(json), r, query);
      if (method === 'POST') {
        const comment = { id: nextId++, number, body: String(body.body), createdAt: new Date().toISOString() };
        fake.issueComments.push(comment);
        return { status: 201, body: json(comment) };
      }
    }
    if ((m = /^\/commits\/([^/]+)\/check-runs$/.exec(rest)) && method === 'GET') {
      const sha = decodeURIComponent(m[1]!);
      const runs = fake.checkRuns.filter((c) => c.headSha === sha && (!query.check_name || c.name === query.check_name));
      const json = runs.map((c) => ({ id: c.id, name: c.name, head_sha: c.headSha, status: c.statuses.at(-1), conclusion: c.conclusion ?? null, app: { id: options.appId, slug: options.appSlug } }));
      return { status: 200, body: { total_count: json.length, check_runs: json } };
    }
    if (rest === '/check-runs' && method === 'POST') {
      const run: FakeCheckRun = { id: nextId++, name: String(body.name), headSha: String(body.head_sha), statuses: [String(body.status ?? 'queued')], ...(body.conclusion ? { conclusion: String(body.conclusion) } : {}), ...(body.output ? { output: body.output as FakeCheckRun['output'] } : {}) };
      fake.checkRuns.push(run);
      return { status: 201, body: { id: run.id, name: run.name, head_sha: run.headSha, status: run.statuses.at(-1) } };
    }
    if ((m = /^\/check-runs\/(\d+)$/.exec(rest)) && method === 'PATCH') {
      const run = fake.checkRuns.find((c) => c.id === Number(m![1]));
      if (!run) return notFound();
      if (body.status) run.statuses.push(String(body.status));
      if (body.conclusion) run.conclusion = String(body.conclusion);
      if (body.output) run.output = body.output as FakeCheckRun['output'];
      return { status: 200, body: { id: run.id, status: run.statuses.at(-1), conclusion: run.conclusion ?? null } };
    }
    if ((m = /^\/compare\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const [from, head] = decodeURIComponent(m[1]!).split('...');
      const pr = [...pulls.values()].find((p) => p.init.headSha === head);
      if (!pr) return notFound();
      const mergeBase = from === pr.init.baseSha ? mergeBaseOf(pr.init) : from;
      return { status: 200, body: { status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1, merge_base_commit: { sha: mergeBase }, files: [...pr.files.values()].map(fileJson) } };
    }

    if (rest === '/pulls' && method === 'GET') {
      const open = [...pulls.values()].sort((a, b) => b.init.number - a.init.number).map((p) => ({ ...pullJson(p), updated_at: new Date().toISOString() }));
      return page(open, `${repoPrefix}/pulls`, query);
    }
    // Review comments by id: read, edit (inline ones), and their reactions.
    if ((m = /^\/pulls\/comments\/(\d+)(\/reactions)?$/.exec(rest))) {
      const id = Number(m[1]);
      const found = reviewCommentsJson().find((c) => c.id === id);
      if (!found) return notFound();
      if (m[2] && method === 'GET') {
        const list = fake.reviewCommentReactions
          .filter((x) => x.commentId === id && (!query.content || x.content === query.content))
          .map((x, i) => ({ id: i + 1, user: x.user, content: x.content, created_at: x.createdAt }));
        return page(list, r, query);
      }
      if (!m[2] && method === 'GET') return { status: 200, body: found };
      if (!m[2] && method === 'PATCH') {
        const inline = fake.submittedReviews().flatMap((rv) => rv.comments).find((c) => commentId(c) === id);
        if (!inline) return notFound();
        inline.body = String(body.body);
        return { status: 200, body: reviewCommentsJson().find((c) => c.id === id) };
      }
      return notFound();
    }
    if (!(m = /^\/pulls\/(\d+)(\/.*)?$/.exec(rest))) return notFound();
    const pr = pulls.get(Number(m[1]));
    if (!pr) return notFound();
    const sub = m[2] ?? '';
    const prPath = `${repoPrefix}/pulls/${pr.init.number}`;

    if (sub === '' && method === 'GET') {
      if (accept.includes('diff')) return diffAnswer(pr.init.diff, pr, fake.knobs.diffTooLarge);
      return { status: 200, body: pullJson(pr) };
    }
    if (sub === '/commits' && method === 'GET') {
      return page([{ sha: pr.init.headSha, commit: { message: 'Add the Stripe webhook and the CRM sync' } }], `${prPath}/commits`, query);
    }
    if (sub === '/files' && method === 'GET') return page([...pr.files.values()].map(fileJson), `${prPath}/files`, query);
    if (sub === '/reviews' && method === 'GET') {
      return page(fake.reviews.filter((x) => x.number === pr.init.number && !x.deleted).map(reviewJson), `${prPath}/reviews`, query);
    }
    if (sub === '/reviews' && method === 'POST') return createReview(pr, body);
    if (sub === '/comments' && method === 'GET') {
      const since = query.since ? Date.parse(query.since) : -Infinity;
      return page(reviewCommentsJson().filter((c) => c.number === pr.init.number && Date.parse(c.updated_at) >= since), `${prPath}/comments`, query);
    }
    if ((m = /^\/comments\/(\d+)\/replies$/.exec(sub)) && method === 'POST') {
      const root = reviewCommentsJson().find((c) => c.id === Number(m![1]) && c.number === pr.init.number);
      if (!root) return notFound();
      // GitHub takes replies to top-level review comments only.
      if (root.in_reply_to_id !== undefined) return reject('replies to replies are not supported');
      const reply = { id: nextId++, number: pr.init.number, inReplyTo: root.id, body: String(body.body), createdAt: new Date().toISOString() };
      fake.reviewReplies.push(reply);
      return { status: 201, body: reviewCommentsJson().find((c) => c.id === reply.id) };
    }
    if ((m = /^\/reviews\/(\d+)(\/events)?$/.exec(sub))) {
      const review = fake.reviews.find((x) => x.id === Number(m![1]) && x.number === pr.init.number && !x.deleted);
      if (!review) return notFound();
      if ((method === 'DELETE' && !m[2]) || (method === 'POST' && m[2])) {
        const problem = settlePendingReview(review, m[2] ? 'submit' : 'delete', body);
        if (problem) return reject(problem);
        if (m[2]) review.event = String(body.event);
        return { status: 200, body: reviewJson(review) };
      }
    }
    return notFound();
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    readRequest(req, ({ url, method, query, body, fields }) => {
      const codeload = /^\/_codeload\/[^/]+\/[^/]+\/legacy\.tar\.gz\/([^/]+)$/.exec(url.pathname);
      if (codeload) {
        const pr = [...pulls.values()].find((p) => p.init.baseTarball && mergeBaseOf(p.init) === codeload[1] && query.token === 'codeload-token');
        const status = pr ? 200 : 404;
        fake.requests.push({ method, path: url.pathname, route: url.pathname, query, accept: String(req.headers.accept ?? ''), authorization: String(req.headers.authorization ?? ''), body, status, at: performance.now() });
        res.writeHead(status, { 'content-type': 'application/x-gzip' });
        res.end(pr?.init.baseTarball ?? '');
        return;
      }
      const answer = answerOf(() => route(method, url.pathname, query, req.headers, fields));
      const routePath = url.pathname.replace(/^\/api\/v3/, '');
      // GitHub applied the write, but the answer is lost: the connection drops.
      const reset = method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/reviews$/.test(routePath) && answer.status === 200 && fake.knobs.resetAfterCreateReview > 0;
      if (reset) fake.knobs.resetAfterCreateReview--;
      fake.requests.push({
        method,
        path: url.pathname,
        route: routePath,
        query,
        accept: String(req.headers.accept ?? ''),
        authorization: String(req.headers.authorization ?? ''),
        body,
        status: reset ? 0 : answer.status,
        at: performance.now(),
      });
      if (reset) {
        req.socket.destroy();
        return;
      }
      writeAnswer(res, answer);
    });
  }

  const listening = await listenOnLoopback(handle);
  fake.host = listening.host;
  base = `http://${fake.host}`;
  return fake;
}
