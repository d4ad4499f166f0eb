import { describe, expect, it } from 'vitest';
import { createGitHubPublisher, MAX_BODY, type ReviewComment } from '../../src/github/github-publisher.js';
import type { Finding } from '../../src/review/finding.js';
import { createHash } from 'node:crypto';
import { parseMarker } from '../../src/review/marker.js';
import { silentLogger } from '../../src/review/ports.js';
import { finding } from '../review/factories.js';
import { useHttpMocks } from '../helpers/http.js';
import { ExternalServiceError } from '../../src/errors.js';
import { API, BOT_LOGIN, HEAD_SHA, PR_PATH, REF, REPO_PATH, UNPROCESSABLE, createdReviewJson, testOctokit } from './fixtures.js';
import { reviewResult } from './review-result.js';

const nock = useHttpMocks();
/** What `pathHash` in src/review/marker.ts computes, spelled out so this test does not depend on it. */
const pathHash = (path: string) => createHash('sha256').update(path).digest('hex').slice(0, 6);

interface ReviewRequest {
  commit_id: string;
  event?: string;
  body?: string;
  comments: Array<ReviewComment & { position?: number }>;
}

const publisher = (over: Partial<Parameters<typeof createGitHubPublisher>[2]> = {}) =>
  createGitHubPublisher(testOctokit(), REF, { headSha: HEAD_SHA, version: '0.1.0', log: silentLogger, ...over });

/**
 * A fake of GitHub's review endpoint: rejects (422) any review carrying a comment on a line in `badLines`
 * (or a submitted review `rejectBody` refuses); pending reviews are accepted and can be deleted.
 */
function fakeReviews(opts: { badLines?: number[]; rejectBody?: (r: ReviewRequest) => boolean; onRequest?: (count: number) => void } = {}) {
  const requests: ReviewRequest[] = [];
  const deleted: number[] = [];
  let nextId = 100;
  nock(API)
    .persist()
    .post(`${PR_PATH}/reviews`)
    .reply((_uri, body) => {
      const r = body as ReviewRequest;
      requests.push(r);
      opts.onRequest?.(requests.length);
      const bad = r.comments.some((c) => opts.badLines?.includes(c.line)) || (r.event !== undefined && opts.rejectBody?.(r) === true);
      if (bad) return [422, UNPROCESSABLE];
      return [200, createdReviewJson(nextId++, r.event ? 'COMMENTED' : 'PENDING')];
    });
  // Probes (and so deletions) happen only once GitHub has rejected something.
  if (opts.badLines || opts.rejectBody) nock(API)
    .persist()
    .delete(/\/pulls\/2\/reviews\/\d+$/)
    .reply((uri) => {
      deleted.push(Number(uri.split('/').pop()));
      return [200, createdReviewJson(Number(uri.split('/').pop()), 'PENDING')];
    });
  return { requests, deleted, submitted: () => requests.filter((r) => r.event !== undefined), probes: () => requests.filter((r) => r.event === undefined) };
}

const at = (line: number, over: Partial<Finding> = {}) => finding({ line, fingerprint: `fp-${line}`, title: `Finding on line ${line}`, ...over });

describe('createGitHubPublisher', () => {
  it('posts one COMMENT review with line-based comments and the marker, never position', async () => {
    const gh = fakeReviews();
    const pub = publisher();
    await pub.publish(reviewResult([at(5), at(10, { endLine: 12 }), at(3, { side: 'LEFT' })]));
    expect(gh.requests).toHaveLength(1);
    const req = gh.requests[0]!;
    expect(req.event).toBe('COMMENT');
    expect(req.commit_id).toBe(HEAD_SHA);
    expect(req.comments.map(({ body: _b, ...c }) => c)).toEqual([
      { path: 'src/pay.ts', line: 5, side: 'RIGHT' },
      { path: 'src/pay.ts', line: 12, side: 'RIGHT', start_line: 10, start_side: 'RIGHT' },
      { path: 'src/pay.ts', line: 3, side: 'LEFT' },
    ]);
    expect(req.comments.every((c) => c.position === undefined && c.body.includes('Finding on line'))).toBe(true);
    expect(parseMarker(req.body!)).toEqual({ headSha: HEAD_SHA, fingerprints: ['fp-5', 'fp-10', 'fp-3'], version: '0.1.0' });
    expect(pub.outcome()).toMatchObject({ kind: 'review', reviewId: 100, rejected: [] });
  });

  it('moves a comment whose line is not in the diff to the summary instead of posting it', async () => {
    const gh = fakeReviews();
    const pub = publisher();
    await pub.publish(reviewResult([at(5), at(300), at(78, { endLine: 92 })]));
    expect(gh.requests[0]!.comments.map((c) => c.line)).toEqual([5]);
    const outcome = pub.outcome()!;
    expect(outcome.result.summaryOnly.map((s) => [s.finding.line, s.reason])).toEqual([
      [300, 'not-in-diff'],
      [78, 'not-in-diff'],
    ]);
    expect(gh.requests[0]!.body).toContain('Finding on line 300');
  });

  it('finds the comments GitHub rejects by bisection and posts the rest, with them in the summary', async () => {
    const lines = Array.from({ length: 64 }, (_, i) => i + 1);
    const gh = fakeReviews({ badLines: [3, 41] });
    const pub = publisher();
    await pub.publish(reviewResult(lines.map((l) => at(l))));
    const submitted = gh.submitted();
    expect(submitted).toHaveLength(2);
    expect(submitted[1]!.comments.map((c) => c.line)).toEqual(lines.filter((l) => l !== 3 && l !== 41));
    expect(submitted[1]!.body).toContain('Finding on line 3');
    expect(submitted[1]!.body).toContain('Finding on line 41');
    const outcome = pub.outcome()!;
    expect(outcome.kind).toBe('review');
    expect(outcome.rejected.map((f) => f.line)).toEqual([3, 41]);
    expect(outcome.result.summaryOnly.map((s) => s.reason)).toEqual(['rejected-by-github', 'rejected-by-github']);
    // Every probe is a pending review, deleted right away: nothing extra is ever visible.
    expect(gh.deleted.length).toBe(gh.probes().filter((p) => !p.comments.some((c) => c.line === 3 || c.line === 41)).length);
    // O(k log n): 2 bad of 64 take at most 2·k·log2(n)+1 probes, far fewer than one per comment.
    expect(gh.probes().length).toBeLessThanOrEqual(2 * 2 * Math.log2(64) + 1);
  });

  it('stops bisecting, and posts nothing more, once its signal aborts mid-way (a shutdown must not wait for it)', async () => {
    const lines = Array.from({ length: 64 }, (_, i) => i + 1);
    const controller = new AbortController();
    // Requests: the review (422), a probe of all comments (422), a probe of the clean left half (pending,
    // deleted at once): the app is told to stop while GitHub answers that one.
    const gh = fakeReviews({ badLines: [41], onRequest: (n) => n === 3 && controller.abort(new Error('shutting down')) });
    const pub = publisher({ signal: controller.signal });
    await expect(pub.publish(reviewResult(lines.map((l) => at(l))))).rejects.toThrow(/shutting down/);
    // Without the check, bisection went on probing the right half.
    expect(gh.requests).toHaveLength(3);
    expect(gh.deleted).toHaveLength(1);
    expect(gh.submitted()).toHaveLength(1); // only the first, rejected, review
  });

  it('keeps the comments under a short body when GitHub rejects only the body', async () => {
    const gh = fakeReviews({ rejectBody: (r) => (r.body ?? '').includes('## ') || (r.body ?? '').length > 2000 });
    const pub = publisher();
    await pub.publish(reviewResult([at(5), at(6)], [{ finding: at(200), reason: 'not-in-diff' }]));
    const last = gh.submitted().at(-1)!;
    expect(last.comments.map((c) => c.line)).toEqual([5, 6]);
    expect(last.body).toContain('GitHub did not accept the full summary');
    expect(parseMarker(last.body!)?.fingerprints).toEqual(['fp-5', 'fp-6', 'fp-200']);
    expect(pub.outcome()).toMatchObject({ kind: 'review', rejected: [] });
  });

  it('posts a single PR comment when no review can be posted at all', async () => {
    const gh = fakeReviews({ badLines: [5], rejectBody: () => true });
    let comment: { body: string } | undefined;
    nock(API)
      .post(`${REPO_PATH}/issues/2/comments`, (b: { body: string }) => ((comment = b), true))
      .reply(201, { id: 555, html_url: `https://github.com/${REF.owner}/${REF.repo}/pull/2#issuecomment-555`, body: '' });
    const pub = publisher();
    await pub.publish(reviewResult([at(5), at(6)]));
    expect(gh.submitted().length).toBeGreaterThanOrEqual(2);
    expect(comment?.body).toContain('Finding on line 5');
    expect(comment?.body).toContain('Finding on line 6');
    expect(pub.outcome()).toMatchObject({ kind: 'comment', commentId: 555 });
    expect(pub.outcome()!.result.inline).toEqual([]);
  });

  it('cuts a body over 65,536 characters and keeps the marker whole', async () => {
    const gh = fakeReviews();
    const many = Array.from({ length: 60 }, (_, i) => ({ finding: at(1000 + i, { body: `Why it matters. ${'x'.repeat(3000)}` }), reason: 'over-cap' as const }));
    await publisher().publish(reviewResult([at(5)], many));
    const body = gh.requests[0]!.body!;
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    expect(parseMarker(body)?.fingerprints).toHaveLength(61);
  });

  it('posts nothing on a re-review with nothing new, when told so', async () => {
    const pub = publisher({ skipWhenNothingNew: true });
    await pub.publish(reviewResult([], [], { alreadyPosted: 2 }));
    expect(pub.outcome()?.kind).toBe('nothing-new');
  });

  it('posts nothing once its signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('superseded'));
    const pub = publisher({ signal: controller.signal });
    await pub.publish(reviewResult([at(5)]));
    expect(pub.outcome()?.kind).toBe('superseded');
  });

  it('adds extra notes to the summary', async () => {
    const gh = fakeReviews();
    await publisher({ extraNotes: ['Configuration: unknown key "max_comments" (ignored)'] }).publish(reviewResult([at(5)]));
    expect(gh.requests[0]!.body).toContain('unknown key');
  });

  describe('keeps every body within 65,536 characters for any number of findings (issue 7, item 11)', () => {
    /** `n` findings outside the diff, one in twenty high, with arch-review's 16-hex fingerprints. */
    const huge = (n: number) => {
      const summaryOnly = Array.from({ length: n }, (_, i) => ({
        finding: at(1000 + i, { fingerprint: createHash('sha256').update(`f${i}`).digest('hex').slice(0, 16), severity: i % 20 === 0 ? ('high' as const) : ('low' as const) }),
        reason: 'not-in-diff' as const,
      }));
      const open = summaryOnly.map(({ finding: f }) => ({ fingerprint: f.fingerprint, severity: f.severity, pathHash: pathHash(f.path) }));
      return reviewResult([at(5)], summaryOnly, { open });
    };

    for (const n of [5_000, 20_000]) {
      it(`${n.toLocaleString('en-US')} findings: the review, the short retry and the fallback comment all fit`, async () => {
        // GitHub refuses every review here, so the publisher goes through all three bodies.
        const gh = fakeReviews({ rejectBody: () => true });
        let comment: { body: string } | undefined;
        nock(API)
          .post(`${REPO_PATH}/issues/2/comments`, (b: { body: string }) => ((comment = b), true))
          .reply(201, { id: 556, body: '' });
        const pub = publisher();
        await pub.publish(huge(n));
        const bodies = [...gh.submitted().map((r) => r.body!), comment!.body];
        expect(bodies).toHaveLength(3);
        for (const body of bodies) {
          expect(body.length).toBeLessThanOrEqual(MAX_BODY);
          const marker = parseMarker(body)!;
          expect(marker.headSha).toBe(HEAD_SHA);
          // The most severe are kept: every high finding, and the rest counted.
          expect(marker.open!.filter((f) => f.severity === 'high')).toHaveLength(n / 20);
          expect(marker.omitted).toBe(n + 1 - marker.fingerprints.length);
          expect(body).toContain('may be posted again by a later review');
        }
        expect(pub.outcome()?.kind).toBe('comment');
      });
    }
  });
});

type Fault = 'ok' | 'reset' | 'apply-then-reset' | '502' | 'apply-then-502' | '429';

/**
 * A stateful fake of a PR's reviews and comments with faults on the POSTs, in order: `reset` (the
 * connection drops before GitHub applies anything), `apply-then-reset` / `apply-then-502` (GitHub applies
 * the write, the answer is lost), `502`, `429` (retry-after: 1); `commentFaults` likewise for PR comments.
 * Lists show the bot's reviews (pending ones too, as GitHub shows them to their author) and `others`.
 */
function faultyGitHub(
  faults: Fault[],
  opts: { badLines?: number[]; rejectSubmitted?: boolean; commentFaults?: Fault[]; others?: Array<{ id: number; login: string; type: 'Bot' | 'User'; body: string }>; pendingLeftover?: boolean } = {},
) {
  const bot = { login: BOT_LOGIN, id: 9, type: 'Bot' };
  const reviews: Array<{ id: number; state: string; body: string; comments: ReviewComment[]; deleted: boolean }> = [];
  const comments: Array<{ id: number; body: string }> = [];
  const posts: ReviewRequest[] = [];
  const commentPosts: string[] = [];
  let lists = 0;
  let nextId = 500;
  if (opts.pendingLeftover) reviews.push({ id: nextId++, state: 'PENDING', body: '', comments: [], deleted: false });
  const reviewJson = (r: (typeof reviews)[number]) => ({ id: r.id, user: bot, body: r.body, state: r.state, commit_id: HEAD_SHA, html_url: `https://github.com/x/pull/2#pullrequestreview-${r.id}` });
  const faulty = <T>(queue: Fault[], apply: () => T, ok: (v: T) => [number, object]): [number, object, Record<string, string>?] => {
    const fault = queue.shift();
    if (fault === 'reset') throw new Error('socket hang up');
    if (fault === '502') return [502, { message: 'Server Error' }];
    if (fault === '429') return [429, { message: 'Too many requests' }, { 'retry-after': '1' }];
    const value = apply();
    if (fault === 'apply-then-reset') throw new Error('socket hang up');
    if (fault === 'apply-then-502') return [502, { message: 'Server Error' }];
    return ok(value);
  };
  nock(API)
    .persist()
    .post(`${PR_PATH}/reviews`)
    // Async, so a thrown reset reaches nock as a rejection (it then destroys the request).
    .reply(async (_uri, body) => {
      const r = body as ReviewRequest;
      posts.push(r);
      return faulty(
        faults,
        () => {
          if (r.comments.some((c) => opts.badLines?.includes(c.line)) || (r.event !== undefined && opts.rejectSubmitted)) return undefined;
          if (r.event === undefined && reviews.some((x) => x.state === 'PENDING' && !x.deleted)) return 'pending' as const;
          const review = { id: nextId++, state: r.event ? 'COMMENTED' : 'PENDING', body: r.body ?? '', comments: r.comments, deleted: false };
          reviews.push(review);
          return review;
        },
        (review) =>
          review === undefined ? [422, UNPROCESSABLE] : review === 'pending' ? [422, { message: 'Unprocessable Entity', errors: ['User can only have one pending review per pull request'] }] : [200, reviewJson(review)],
      );
    });
  nock(API)
    .persist()
    .get(`${PR_PATH}/reviews`)
    .query(true)
    .optionally()
    .reply(() => {
      lists++;
      const others = (opts.others ?? []).map((o) => ({ id: o.id, user: { login: o.login, id: o.id, type: o.type }, body: o.body, state: 'COMMENTED', commit_id: HEAD_SHA }));
      return [200, [...others, ...reviews.filter((r) => !r.deleted).map(reviewJson)]];
    });
  nock(API)
    .persist()
    .delete(/\/pulls\/2\/reviews\/\d+$/)
    .optionally()
    .reply((uri) => {
      const review = reviews.find((r) => r.id === Number(uri.split('/').pop()) && !r.deleted);
      if (!review) return [404, { message: 'Not Found' }];
      review.deleted = true;
      return [200, reviewJson(review)];
    });
  nock(API)
    .persist()
    .post(`${REPO_PATH}/issues/2/comments`)
    .optionally()
    .reply(async (_uri, body) => {
      commentPosts.push((body as { body: string }).body);
      return faulty(
        opts.commentFaults ?? [],
        () => {
          const comment = { id: nextId++, body: (body as { body: string }).body };
          comments.push(comment);
          return comment;
        },
        (c) => [201, { id: c.id, user: bot, body: c.body, html_url: `https://github.com/x/pull/2#issuecomment-${c.id}` }],
      );
    });
  nock(API)
    .persist()
    .get(`${REPO_PATH}/issues/2/comments`)
    .query(true)
    .optionally()
    .reply(() => {
      lists++;
      return [200, comments.map((c) => ({ id: c.id, user: bot, body: c.body, created_at: '2024-01-01T00:00:00Z', html_url: `https://github.com/x/pull/2#issuecomment-${c.id}` }))];
    });
  return {
    posts,
    commentPosts,
    comments,
    lists: () => lists,
    submitted: () => reviews.filter((r) => r.state !== 'PENDING' && !r.deleted),
    pending: () => reviews.filter((r) => r.state === 'PENDING' && !r.deleted),
    deleted: () => reviews.filter((r) => r.deleted),
  };
}

/** Millisecond back-off; a second of `retry-after` lasts 10 ms. */
const FAST_WRITES = { baseDelayMs: 1, secondMs: 10, random: () => 0.5 };
const idempotent = (over: Partial<Parameters<typeof createGitHubPublisher>[2]> = {}) => publisher({ botLogin: 'arch-review', writeRetry: FAST_WRITES, ...over });

describe('createGitHubPublisher: idempotent writes', () => {
  it('never posts a second review when GitHub applied the first and the answer was lost (502 or reset)', async () => {
    for (const fault of ['apply-then-502', 'apply-then-reset'] as const) {
      const gh = faultyGitHub([fault]);
      const pub = idempotent();
      await pub.publish(reviewResult([at(5)]));
      expect(gh.posts, fault).toHaveLength(1);
      expect(gh.submitted(), fault).toHaveLength(1);
      expect(gh.lists(), fault).toBe(1);
      expect(pub.outcome(), fault).toMatchObject({ kind: 'review', reviewId: gh.submitted()[0]!.id, url: expect.stringContaining('pullrequestreview-') });
      nock.cleanAll();
    }
  });

  it('sends the review again when the lost attempt was not applied, after checking', async () => {
    const gh = faultyGitHub(['reset', '502']);
    const pub = idempotent();
    await pub.publish(reviewResult([at(5)]));
    expect(gh.posts).toHaveLength(3);
    expect(gh.lists()).toBe(2);
    expect(gh.submitted()).toHaveLength(1);
    expect(pub.outcome()).toMatchObject({ kind: 'review', reviewId: gh.submitted()[0]!.id });
  });

  it('re-sends a review refused with 429 after its retry-after, without Octokit re-sending it blindly', async () => {
    const gh = faultyGitHub(['429']);
    await idempotent().publish(reviewResult([at(5)]));
    expect(gh.posts).toHaveLength(2);
    expect(gh.lists()).toBe(0); // a 429 was refused, not applied: nothing to look for
    expect(gh.submitted()).toHaveLength(1);
  });

  it('ignores a human’s review that carries a copy of the marker', async () => {
    const pasted = `LGTM <!-- arch-review:v1 sha=${HEAD_SHA} fp= ver=0.1.0 -->`;
    const gh = faultyGitHub(['reset'], { others: [{ id: 1, login: 'arch-review', type: 'User', body: pasted }, { id: 2, login: 'mona', type: 'User', body: pasted }] });
    await idempotent().publish(reviewResult([at(5)]));
    expect(gh.posts).toHaveLength(2);
    expect(gh.submitted()).toHaveLength(1);
  });

  it('gives up after a bounded number of sends with a retryable error, checking GitHub before each', async () => {
    const gh = faultyGitHub(['502', '502', '502', '502', '502']);
    const err = await idempotent({ writeRetry: { ...FAST_WRITES, attempts: 4 } })
      .publish(reviewResult([at(5)]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect(err).toMatchObject({ status: 502, retryable: true });
    expect(gh.posts).toHaveLength(4);
    expect(gh.lists()).toBe(4); // before sends 2-4, and once more after the last
    expect(gh.submitted()).toHaveLength(0);
  });

  it('without the bot login, takes only a bot review with exactly the body it sent as its own', async () => {
    const other = `An earlier review <!-- arch-review:v1 sha=${HEAD_SHA} fp=fp-9 ver=0.1.0 -->`;
    const gh = faultyGitHub(['apply-then-502'], { others: [{ id: 1, login: 'arch-review[bot]', type: 'Bot', body: other }] });
    const pub = publisher({ writeRetry: FAST_WRITES });
    await pub.publish(reviewResult([at(5)]));
    expect(gh.posts).toHaveLength(1);
    expect(gh.submitted()).toHaveLength(1);
    expect(pub.outcome()).toMatchObject({ kind: 'review', reviewId: gh.submitted()[0]!.id });
  });

  it('deletes the pending review a probe with a lost answer left behind, and finishes the bisection', async () => {
    // POSTs: the review (422), probes [3,5,6,7] (422), [3,5] (422), [3] (422), then [5]: applied, answer lost.
    const gh = faultyGitHub(['ok', 'ok', 'ok', 'ok', 'apply-then-reset'], { badLines: [3] });
    const pub = idempotent();
    await pub.publish(reviewResult([at(3), at(5), at(6), at(7)]));
    expect(gh.pending()).toEqual([]);
    expect(gh.submitted()).toHaveLength(1);
    expect(gh.submitted()[0]!.comments.map((c) => c.line)).toEqual([5, 6, 7]);
    expect(pub.outcome()).toMatchObject({ kind: 'review' });
    expect(pub.outcome()!.rejected.map((f) => f.line)).toEqual([3]);
    // The lost probe was found pending, deleted and sent again (then deleted as probes are).
    expect(gh.posts.filter((p) => p.event === undefined && p.comments.length === 1 && p.comments[0]!.line === 5)).toHaveLength(2);
    expect(gh.deleted()).toHaveLength(3); // [5] twice, [6, 7] once
  });

  it('clears a pending review left by a killed run instead of giving up on probing', async () => {
    const gh = faultyGitHub([], { badLines: [3], pendingLeftover: true });
    const pub = idempotent();
    await pub.publish(reviewResult([at(3), at(5)]));
    expect(gh.pending()).toEqual([]);
    expect(gh.submitted()[0]!.comments.map((c) => c.line)).toEqual([5]);
    expect(pub.outcome()!.rejected.map((f) => f.line)).toEqual([3]);
  });

  it('never posts the fallback comment twice when its answer was lost', async () => {
    // GitHub refuses every review, so the summary goes out as a PR comment, whose answer is lost once.
    const gh = faultyGitHub([], { rejectSubmitted: true, commentFaults: ['apply-then-502'] });
    const pub = idempotent();
    await pub.publish(reviewResult([at(5), at(6)]));
    expect(gh.commentPosts).toHaveLength(1);
    expect(gh.comments).toHaveLength(1);
    expect(pub.outcome()).toMatchObject({ kind: 'comment', commentId: gh.comments[0]!.id });
    expect(gh.pending()).toEqual([]);
  });
});
