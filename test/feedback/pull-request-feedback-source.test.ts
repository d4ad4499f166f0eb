import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import { createMemoryFeedbackStore, type FeedbackStore } from '../../src/feedback/feedback-store.js';
import { createPullRequestFeedbackSource } from '../../src/feedback/pull-request-feedback-source.js';
import { createSeenFeedback } from '../../src/feedback/seen-feedback.js';
import { createMetrics } from '../../src/metrics.js';
import { findingCommentMarker } from '../../src/review/finding-marker.js';
import { silentLogger } from '../../src/review/ports.js';
import { API, BOT_LOGIN, REF, REPO_PATH, testOctokit } from '../github/fixtures.js';
import { useHttpMocks } from '../helpers/http.js';

const nock = useHttpMocks();
const comment = (id: number, fp: string, downs: number) => ({
  id,
  user: { login: BOT_LOGIN, type: 'Bot' },
  body: findingCommentMarker({ fingerprint: fp, ruleId: 'secret-in-log' }),
  created_at: '2026-01-01T00:00:00Z',
  reactions: { total_count: downs, '+1': 0, '-1': downs },
});
const downOn = (id: number) =>
  nock(API)
    .get(`${REPO_PATH}/pulls/comments/${id}/reactions`)
    .query(true)
    .reply(200, [{ id: 1, content: '-1', user: { login: 'mona', type: 'User' }, created_at: '2026-01-02T00:00:00Z' }]);

describe('createPullRequestFeedbackSource', () => {
  it('with a store, also reads another recently reviewed pull request and learns from the whole repository', async () => {
    const store = createMemoryFeedbackStore();
    await store.claimHarvest({ owner: REF.owner, repo: REF.repo }, 1, 0, 1);
    nock(API).get(`${REPO_PATH}/pulls/${REF.number}/comments`).query(true).reply(200, [comment(20, 'b'.repeat(16), 0)]);
    nock(API).get(`${REPO_PATH}/pulls/1/comments`).query(true).reply(200, [comment(10, 'a'.repeat(16), 1)]);
    downOn(10);
    const metrics = createMetrics({ processMetrics: false });
    let requests = 0;
    const source = createPullRequestFeedbackSource({ octokit: testOctokit(), ref: REF, botLogin: BOT_LOGIN, config: defaultConfig(), store, log: silentLogger, metrics, onRequests: (n) => (requests = n) });
    const learnings = await source.learnings();
    expect([...learnings.dismissed.keys()]).toEqual(['a'.repeat(12)]);
    expect(learnings.dismissed.get('a'.repeat(12))?.prNumber).toBe(1);
    expect(requests).toBe(3);
    expect((await metrics.feedbackTotal.get()).values).toEqual([{ labels: { rule: 'secret-in-log', kind: 'dismissed' }, value: 1 }]);
  });

  it('without a store (or when it fails) learns from the pull request alone, counting each piece of feedback once', async () => {
    const broken: FeedbackStore = { ...createMemoryFeedbackStore(), claimHarvest: () => Promise.reject(new Error('redis down')) };
    const metrics = createMetrics({ processMetrics: false });
    const seen = createSeenFeedback();
    for (const store of [undefined, broken]) {
      nock(API).get(`${REPO_PATH}/pulls/${REF.number}/comments`).query(true).reply(200, [comment(20, 'b'.repeat(16), 1)]);
      downOn(20);
      const source = createPullRequestFeedbackSource({ octokit: testOctokit(), ref: REF, botLogin: BOT_LOGIN, config: defaultConfig(), ...(store ? { store } : {}), log: silentLogger, metrics, seen });
      expect([...(await source.learnings()).dismissed.keys()]).toEqual(['b'.repeat(12)]);
    }
    expect((await metrics.feedbackTotal.get()).values).toEqual([{ labels: { rule: 'secret-in-log', kind: 'dismissed' }, value: 1 }]);
  });

  it('reads nothing when learning is off', async () => {
    const source = createPullRequestFeedbackSource({ octokit: testOctokit(), ref: REF, botLogin: BOT_LOGIN, config: { learning: { enabled: false, dismissals_to_summary: 3 } }, log: silentLogger });
    expect((await source.learnings()).dismissed.size).toBe(0);
  });
});
