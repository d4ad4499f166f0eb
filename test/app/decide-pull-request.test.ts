import { describe, expect, it } from 'vitest';
import { ConfigSchema, defaultConfig } from '../../src/config/schema.js';
import { decidePullRequest, isBotAccount } from '../../src/app/decide-pull-request.js';
import type { PullRequestFacts } from '../../src/app/decide-pull-request.js';

const facts = (over: Partial<PullRequestFacts> = {}): PullRequestFacts => ({
  action: 'opened',
  state: 'open',
  draft: false,
  author: { login: 'octocat', type: 'User' },
  labels: [],
  ...over,
});

describe('decidePullRequest', () => {
  it('reviews every default trigger of an open, ready pull request', () => {
    for (const action of ['opened', 'reopened', 'ready_for_review', 'synchronize']) {
      expect(decidePullRequest(facts({ action }), defaultConfig())).toEqual({ review: true, trigger: action, configInvalid: false });
    }
  });

  it('treats reconcile as an automatic trigger that passes when the repository reviews on open or push', () => {
    expect(decidePullRequest(facts({ action: 'reconcile' }), defaultConfig())).toEqual({ review: true, trigger: 'reconcile', configInvalid: false });
    expect(decidePullRequest(facts({ action: 'reconcile' }), ConfigSchema.parse({ triggers: ['synchronize'] })).review).toBe(true);
    expect(decidePullRequest(facts({ action: 'reconcile' }), ConfigSchema.parse({ triggers: ['ready_for_review'] }))).toMatchObject({ review: false, reason: expect.stringContaining('reconcile') });
    // The filters still apply: a draft is not reconciled into a review.
    expect(decidePullRequest(facts({ action: 'reconcile', draft: true }), defaultConfig()).review).toBe(false);
  });

  it('never reviews other actions or closed pull requests', () => {
    expect(decidePullRequest(facts({ action: 'labeled' }), defaultConfig()).review).toBe(false);
    expect(decidePullRequest(facts({ state: 'closed' }), defaultConfig()).review).toBe(false);
  });

  it('skips drafts unless review_drafts is on', () => {
    expect(decidePullRequest(facts({ draft: true }), defaultConfig())).toMatchObject({ review: false, reason: expect.stringContaining('draft') });
    expect(decidePullRequest(facts({ draft: true }), ConfigSchema.parse({ review_drafts: true })).review).toBe(true);
  });

  it('skips bots by type or by [bot] login while ignore_bots is on', () => {
    expect(decidePullRequest(facts({ author: { login: 'dependabot[bot]', type: 'Bot' } }), defaultConfig()).review).toBe(false);
    expect(decidePullRequest(facts({ author: { login: 'ci[bot]', type: 'User' } }), defaultConfig()).review).toBe(false);
    expect(decidePullRequest(facts({ author: { login: 'dependabot[bot]', type: 'Bot' } }), ConfigSchema.parse({ ignore_bots: false })).review).toBe(true);
  });

  it('skips ignored authors, ignoring case', () => {
    const config = ConfigSchema.parse({ ignore_authors: ['Release-Robot'] });
    expect(decidePullRequest(facts({ author: { login: 'release-robot', type: 'User' } }), config)).toMatchObject({ review: false });
  });

  it('skips a pull request with a skip label, ignoring case', () => {
    expect(decidePullRequest(facts({ labels: ['bug', 'No-Arch-Review'] }), defaultConfig())).toMatchObject({
      review: false,
      reason: 'label "No-Arch-Review" is in skip_labels',
    });
    expect(decidePullRequest(facts({ labels: ['bug'] }), defaultConfig()).review).toBe(true);
  });

  it('honours a narrowed trigger list', () => {
    const config = ConfigSchema.parse({ triggers: ['opened'] });
    expect(decidePullRequest(facts({ action: 'synchronize' }), config).review).toBe(false);
    expect(decidePullRequest(facts({ action: 'opened' }), config).review).toBe(true);
  });

  it('queues a review when the config is broken, even one its filters would skip, so the worker reports it', () => {
    expect(decidePullRequest(facts({ draft: true, labels: ['no-arch-review'] }), undefined)).toEqual({ review: true, trigger: 'opened', configInvalid: true });
  });
});

describe('isBotAccount', () => {
  it('tells apps and machine accounts from people', () => {
    expect(isBotAccount({ login: 'arch-review[bot]', type: 'Bot' })).toBe(true);
    expect(isBotAccount({ login: 'octocat', type: 'User' })).toBe(false);
  });
});
