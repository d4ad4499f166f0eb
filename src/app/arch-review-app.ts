import type { ApplicationFunction, Context, Probot } from 'probot';
import type { Metrics } from '../metrics.js';
import type { JobQueue, ReviewJob } from '../queue/review-job.js';
import type { Logger } from '../review/ports.js';
import { decidePullRequest, isBotAccount, type PullRequestFacts } from './decide-pull-request.js';
import { marketplaceActionLabel, marketplaceLogFields } from './marketplace-purchase.js';
import { commandJobFields } from './command-job-fields.js';
import { decideThreadFeedback, type ThreadPayload } from './decide-thread-feedback.js';
import { parseCommand } from './parse-command.js';
import type { RecentDeliveries } from './recent-deliveries.js';
import { createRecentDeliveries } from './recent-deliveries.js';

export interface ArchReviewAppDeps {
  /** Where review jobs go; the handlers never run a review themselves. */
  queue: JobQueue;
  metrics?: Metrics;
  /** Delivery ids already handled (redeliveries are ignored). */
  deliveries?: RecentDeliveries;
  /** Clock for `enqueuedAt`. */
  now?: () => number;
}

/** Longest question carried in a reply job (the prompt shows at most 4,000 characters of it). */
const MAX_QUESTION_CHARS = 8_000;

/** Pull-request actions subscribed to; the repository config narrows them further (in the worker). */
export const PULL_REQUEST_EVENTS = [
  'pull_request.opened',
  'pull_request.reopened',
  'pull_request.ready_for_review',
  'pull_request.synchronize',
] as const;

type Outcome = 'enqueued' | 'already-queued' | 'skipped' | 'ignored' | 'recorded' | 'duplicate' | 'error';

/**
 * The Probot app: thin handlers that translate webhooks into jobs. Each one decides (with the pure
 * functions beside it, never an API call), enqueues, and returns, so GitHub gets its answer in well
 * under its 10-second limit; reviews and `/arch-review` commands (permission check, 👀, reply) run
 * in the queue's worker.
 *
 * @example
 * await server.load(createArchReviewApp({ queue }));
 */
export function createArchReviewApp(deps: ArchReviewAppDeps): ApplicationFunction {
  const deliveries = deps.deliveries ?? createRecentDeliveries();
  const now = deps.now ?? Date.now;
  const count = (event: string, outcome: Outcome) => deps.metrics?.webhookDeliveries.inc({ event, outcome });

  /** Runs a handler once per delivery id; a failed run forgets the id so GitHub's redelivery can retry. */
  async function once(event: string, id: string, log: Logger, handle: () => Promise<Outcome>): Promise<void> {
    if (!deliveries.claim(id)) {
      log.info('redelivered webhook ignored');
      count(event, 'duplicate');
      return;
    }
    try {
      count(event, await handle());
    } catch (err) {
      deliveries.release(id);
      count(event, 'error');
      throw err;
    }
  }

  async function enqueue(job: ReviewJob, log: Logger): Promise<Outcome> {
    const added = await deps.queue.enqueue(job);
    log.info({ trigger: job.trigger, full: job.full }, added ? 'review queued' : 'review already queued for this head SHA');
    return added ? 'enqueued' : 'already-queued';
  }

  /** Queues a question (a thread reply or `/arch-review ask`); the worker checks thread, permission and answers. */
  async function enqueueReply(
    r: { kind: 'thread' | 'ask'; installationId: number; repository: { name: string; owner: { login: string } }; number: number; deliveryId: string; commentId: number; threadRootId?: number; commenter: string; question: string; createdAt: string },
    log: Logger,
  ): Promise<Outcome> {
    const added = await deps.queue.enqueue({
      type: 'reply',
      kind: r.kind,
      installationId: r.installationId,
      owner: r.repository.owner.login,
      repo: r.repository.name,
      number: r.number,
      deliveryId: r.deliveryId,
      enqueuedAt: now(),
      commentId: r.commentId,
      ...(r.threadRootId !== undefined ? { threadRootId: r.threadRootId } : {}),
      commenter: r.commenter,
      question: r.question.slice(0, MAX_QUESTION_CHARS),
      createdAt: r.createdAt,
    });
    log.info({ reply: r.kind }, added ? 'reply queued' : 'reply already queued');
    return added ? 'enqueued' : 'already-queued';
  }

  return (app: Probot) => {
    // A reply in a review thread. Whether the thread is arch-review's is known only from its first
    // comment, which the worker reads: no API call here. The app's own replies (and other bots') stop here,
    // so an answer never triggers another.
    app.on('pull_request_review_comment.created', async (context) => {
      const { comment, pull_request: pr, sender, repository, installation } = context.payload;
      if (isBotAccount(sender) || (comment.user && isBotAccount({ login: comment.user.login, type: comment.user.type ?? 'User' }))) return;
      if (comment.in_reply_to_id === undefined || comment.in_reply_to_id === null) return;
      const threadRootId = comment.in_reply_to_id;
      const log = context.log.child({ deliveryId: context.id, repository: repository.full_name, pr: pr.number, sha: pr.head.sha, commenter: sender.login });
      await once('pull_request_review_comment', context.id, log, async () => {
        if (!installation) {
          log.warn('pull_request_review_comment delivery without an installation; ignored');
          return 'ignored';
        }
        return enqueueReply({ kind: 'thread', installationId: installation.id, repository, number: pr.number, deliveryId: context.id, commentId: comment.id, threadRootId, commenter: sender.login, question: comment.body, createdAt: comment.created_at }, log);
      });
    });

    app.on([...PULL_REQUEST_EVENTS], async (context) => {
      const { pull_request: pr, repository, installation } = context.payload;
      const log = context.log.child({ deliveryId: context.id, repository: repository.full_name, pr: pr.number, sha: pr.head.sha });
      await once('pull_request', context.id, log, async () => {
        if (!installation) {
          log.warn('pull_request delivery without an installation; ignored');
          return 'ignored';
        }
        // Only what needs no API call is decided here, so the delivery is answered at once; the
        // repository's filters (drafts, authors, labels, triggers) are applied by the worker, which
        // loads the config and the pull request's current state anyway.
        const decision = decidePullRequest(facts(context.payload), undefined);
        if (!decision.review) {
          log.info({ reason: decision.reason }, 'not reviewing');
          return 'skipped';
        }
        return enqueue(
          {
            installationId: installation.id,
            owner: repository.owner.login,
            repo: repository.name,
            number: pr.number,
            headSha: pr.head.sha,
            trigger: decision.trigger,
            deliveryId: context.id,
            full: false,
            enqueuedAt: now(),
          },
          log,
        );
      });
    });

    app.on('issue_comment.created', async (context) => {
      const { comment, issue, sender, repository, installation } = context.payload;
      // Cheap filters first: most comments are not commands.
      if (!issue.pull_request || isBotAccount(sender)) return;
      const command = parseCommand(comment.body);
      if (!command) return;
      const log = context.log.child({ deliveryId: context.id, repository: repository.full_name, pr: issue.number, commenter: sender.login });
      await once('issue_comment', context.id, log, async () => {
        if (!installation) {
          log.warn('issue_comment delivery without an installation; ignored');
          return 'ignored';
        }
        if (command.kind === 'ask') return enqueueReply({ kind: 'ask', installationId: installation.id, repository, number: issue.number, deliveryId: context.id, commentId: comment.id, commenter: sender.login, question: command.question, createdAt: comment.created_at }, log);
        // No API call here: the worker checks the commenter's permission, reacts and reads the head.
        const added = await deps.queue.enqueue({
          type: 'command',
          installationId: installation.id,
          owner: repository.owner.login,
          repo: repository.name,
          number: issue.number,
          deliveryId: context.id,
          enqueuedAt: now(),
          commentId: comment.id,
          commenter: sender.login,
          ...commandJobFields(command),
        });
        log.info({ command: commandJobFields(command).command }, added ? 'command queued' : 'command already queued');
        return added ? 'enqueued' : 'already-queued';
      });
    });

    // A review thread resolved (or unresolved) on an arch-review comment is feedback: the worker records it.
    app.on(['pull_request_review_thread.resolved', 'pull_request_review_thread.unresolved'], async (context) => {
      const { pull_request: pr, repository, installation, sender } = context.payload;
      if (!sender) return;
      const decision = decideThreadFeedback(context.payload as unknown as ThreadPayload);
      if (!decision.record) return;
      const log = context.log.child({ deliveryId: context.id, repository: repository.full_name, pr: pr.number, sender: sender.login });
      await once('pull_request_review_thread', context.id, log, async () => {
        if (!installation) {
          log.warn('pull_request_review_thread delivery without an installation; ignored');
          return 'ignored';
        }
        const added = await deps.queue.enqueue({
          type: 'command',
          installationId: installation.id,
          owner: repository.owner.login,
          repo: repository.name,
          number: pr.number,
          deliveryId: context.id,
          enqueuedAt: now(),
          commentId: decision.commentId,
          commenter: sender.login,
          command: decision.command,
          fingerprint: decision.fingerprint,
          ...(decision.ruleId ? { ruleId: decision.ruleId } : {}),
          at: new Date(now()).toISOString(),
        });
        log.info({ command: decision.command, commentId: decision.commentId }, added ? 'thread feedback queued' : 'thread feedback already queued');
        return added ? 'enqueued' : 'already-queued';
      });
    });

    app.on(['installation', 'installation_repositories'], async (context) => {
      const p = context.payload;
      const repos = 'repositories_added' in p ? { added: p.repositories_added.length, removed: p.repositories_removed.length } : { repositories: p.repositories?.length };
      const account = p.installation.account;
      const owner = account && 'login' in account ? account.login : account?.slug;
      context.log.info({ deliveryId: context.id, event: context.name, action: p.action, installationId: p.installation.id, account: owner, ...repos }, 'installation changed');
      count(context.name, 'ignored');
    });

    // Sent to Marketplace-listed apps whatever default_events says. Recorded only: arch-review has
    // no paid features to switch on or off, and makes no GitHub call for these.
    app.on('marketplace_purchase', async (context) => {
      const fields = marketplaceLogFields(context.payload);
      const log = context.log.child({ deliveryId: context.id });
      await once('marketplace_purchase', context.id, log, async () => {
        log.info({ event: 'marketplace_purchase', ...fields }, 'marketplace plan change');
        deps.metrics?.marketplaceEvents.inc({ action: marketplaceActionLabel(fields.action) });
        return 'recorded';
      });
    });
  };
}

function facts(payload: Context<'pull_request'>['payload']): PullRequestFacts {
  const pr = payload.pull_request;
  return {
    action: payload.action,
    state: pr.state,
    draft: pr.draft ?? false,
    author: { login: pr.user?.login ?? 'ghost', type: pr.user?.type ?? 'User' },
    labels: pr.labels.map((l) => l.name),
  };
}
