import { describe, expect, it } from 'vitest';
import { botLoginOf, loadPriorState } from '../../src/github/prior-state.js';
import { renderMarker } from '../../src/review/marker.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, BOT_LOGIN, ISSUE_COMMENTS_PATH, PR_PATH, REF, reviewJson, testOctokit } from './fixtures.js';

const nock = useHttpMocks();
const bot = { login: BOT_LOGIN, type: 'Bot' as const };
const marked = (sha: string, fps: string[]) => `## arch-review\n\nSummary.\n\n${renderMarker({ headSha: sha, fingerprints: fps, version: '0.1.0' })}`;

describe('loadPriorState', () => {
  it('unions fingerprints of every bot review across pages and takes the newest reviewed SHA', async () => {
    nock(API)
      .get(`${PR_PATH}/reviews`)
      .query({ per_page: 100 })
      .reply(200, [reviewJson(10, bot, marked('aaa1111', ['fp1', 'fp2'])), reviewJson(11, { login: 'octocat', type: 'User' }, 'LGTM')], {
        link: `<${API}/repositories/1/pulls/2/reviews?per_page=100&page=2>; rel="next"`,
      });
    nock(API).get('/repositories/1/pulls/2/reviews').query({ per_page: 100, page: 2 }).reply(200, [reviewJson(12, bot, marked('bbb2222', ['fp3']))]);
    noComments();
    const prior = await loadPriorState(testOctokit(), REF, BOT_LOGIN);
    expect([...prior.posted].sort()).toEqual(['fp1', 'fp2', 'fp3']);
    expect([...prior.reviewedShas].sort()).toEqual(['aaa1111', 'bbb2222']);
    expect(prior.lastReviewedSha).toBe('bbb2222');
    expect(prior.reviews).toBe(2);
  });

  it('ignores markers in reviews by humans, other bots, or a user named like the bot', async () => {
    nock(API)
      .get(`${PR_PATH}/reviews`)
      .query({ per_page: 100 })
      .reply(200, [
        reviewJson(1, { login: 'mallory', type: 'User' }, marked('ccc3333', ['fake'])),
        reviewJson(2, { login: 'other-app[bot]', type: 'Bot' }, marked('ddd4444', ['other'])),
        reviewJson(3, { login: BOT_LOGIN, type: 'User' }, marked('eee5555', ['spoof'])),
        reviewJson(4, bot, 'a review without a marker'),
      ]);
    nock(API)
      .get(ISSUE_COMMENTS_PATH)
      .query({ per_page: 100 })
      .reply(200, [commentJson(5, { login: 'mallory', type: 'User' }, marked('fff6666', ['forged']), '2026-01-01T00:00:00Z')]);
    const prior = await loadPriorState(testOctokit(), REF, 'arch-review');
    expect(prior.posted.size).toBe(0);
    expect(prior.reviewedShas.size).toBe(0);
    expect(prior.lastReviewedSha).toBeUndefined();
  });

  it('reads the marker of the fallback PR comment posted when no review could be posted', async () => {
    nock(API)
      .get(`${PR_PATH}/reviews`)
      .query({ per_page: 100 })
      .reply(200, [{ ...reviewJson(10, bot, marked('aaa1111', ['fp1'])), submitted_at: '2026-01-01T00:00:00Z' }]);
    nock(API)
      .get(ISSUE_COMMENTS_PATH)
      .query({ per_page: 100 })
      .reply(200, [commentJson(20, bot, marked('bbb2222', ['fp2']), '2026-01-02T00:00:00Z')]);
    const prior = await loadPriorState(testOctokit(), REF, BOT_LOGIN);
    expect([...prior.posted].sort()).toEqual(['fp1', 'fp2']);
    expect(prior.lastReviewedSha).toBe('bbb2222');
    expect(prior.reviews).toBe(2);
  });

  it('gives the open findings of the newest marker only (none for a v1 marker)', async () => {
    const open = [{ fingerprint: 'fp2', severity: 'high' as const, pathHash: '0a1b2c' }];
    nock(API)
      .get(`${PR_PATH}/reviews`)
      .query({ per_page: 100 })
      .reply(200, [
        { ...reviewJson(10, bot, renderMarker({ headSha: 'aaa1111', fingerprints: ['fp1'], open: [{ fingerprint: 'fp1', severity: 'low', pathHash: '0a1b2c' }], version: '1' })), submitted_at: '2026-01-01T00:00:00Z' },
        { ...reviewJson(11, bot, renderMarker({ headSha: 'bbb2222', fingerprints: ['fp2'], open, version: '1' })), submitted_at: '2026-01-02T00:00:00Z' },
      ]);
    noComments();
    expect((await loadPriorState(testOctokit(), REF, BOT_LOGIN)).lastOpen).toEqual(open);
    nock(API).get(`${PR_PATH}/reviews`).query({ per_page: 100 }).reply(200, [reviewJson(12, bot, '<!-- arch-review:v1 sha=ccc3333 fp=fp3 ver=0.1.0 -->')]);
    noComments();
    expect((await loadPriorState(testOctokit(), REF, BOT_LOGIN)).lastOpen).toEqual([]);
  });

  it('accepts the app slug or the bot login', () => {
    expect(botLoginOf('arch-review')).toBe('arch-review[bot]');
    expect(botLoginOf('arch-review[bot]')).toBe('arch-review[bot]');
  });
});

function noComments() {
  nock(API).get(ISSUE_COMMENTS_PATH).query({ per_page: 100 }).reply(200, []);
}

function commentJson(id: number, user: { login: string; type: 'Bot' | 'User' }, body: string, createdAt: string) {
  return { id, user: { login: user.login, id: 2000 + id, type: user.type }, body, created_at: createdAt, updated_at: createdAt };
}
