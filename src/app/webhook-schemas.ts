import { z } from 'zod';

/**
 * The shape of the webhook payloads arch-review's handlers read, checked at the edge before Probot
 * sees a delivery. Only the fields a handler dereferences are checked (and only as far as it
 * dereferences them); everything else passes untouched, so a new field or an unusual but valid
 * payload from GitHub is never refused. Events without an entry here only get the base check
 * (a JSON object whose `action` and `installation.id`, if present, have the right types).
 */

const id = z.number().int().positive();
const account = z.looseObject({ login: z.string(), type: z.string() });
const installation = z.looseObject({ id });
const repository = z.looseObject({ name: z.string(), full_name: z.string(), owner: z.looseObject({ login: z.string() }) });

/** What every payload must be: an object (Probot's `"action" in payload` throws on anything else). */
const base = z.looseObject({ action: z.string().optional(), installation: installation.optional() });

const pullRequest = base.extend({
  action: z.string(),
  number: id.optional(),
  pull_request: z.looseObject({
    number: id,
    state: z.string(),
    draft: z.boolean().optional(),
    head: z.looseObject({ sha: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a 40- or 64-digit hex SHA'), ref: z.string().optional() }),
    user: account.nullable().optional(),
    labels: z.array(z.looseObject({ name: z.string() })),
  }),
  repository,
  sender: account.optional(),
});

const issueComment = base.extend({
  action: z.string(),
  comment: z.looseObject({ id, body: z.string() }),
  issue: z.looseObject({ number: id, pull_request: z.looseObject({}).nullable().optional() }),
  repository,
  sender: account,
});

const reviewComment = base.extend({
  action: z.string(),
  comment: z.looseObject({ id, body: z.string(), in_reply_to_id: id.nullable().optional(), created_at: z.string(), user: account.nullable().optional() }),
  pull_request: z.looseObject({ number: id, head: z.looseObject({ sha: z.string() }) }),
  repository,
  sender: account,
});

const installationAccount = z.looseObject({ login: z.string().optional(), slug: z.string().optional() }).nullable().optional();
const repositoryList = z.array(z.looseObject({}));

const installationEvent = base.extend({
  action: z.string(),
  installation: installation.extend({ account: installationAccount }),
  repositories: repositoryList.nullable().optional(),
});

const installationRepositories = installationEvent.extend({
  repositories_added: repositoryList,
  repositories_removed: repositoryList,
});

const marketplacePlan = z.looseObject({ id: z.number().int(), name: z.string() });
const marketplacePurchaseDetails = z.looseObject({
  account: z.looseObject({ login: z.string(), type: z.string() }),
  plan: marketplacePlan,
  billing_cycle: z.string().nullable().optional(),
  unit_count: z.number().nullable().optional(),
  on_free_trial: z.boolean().nullable().optional(),
});

/** Sent to Marketplace-listed apps; carries no installation or repository. */
const marketplacePurchase = base.extend({
  action: z.string(),
  effective_date: z.string().nullable().optional(),
  marketplace_purchase: marketplacePurchaseDetails,
  previous_marketplace_purchase: z.looseObject({ plan: z.looseObject({ name: z.string() }).optional() }).nullable().optional(),
});

/** A review thread resolved or unresolved: its comments (the first is the one feedback is about). */
const pullRequestReviewThread = base.extend({
  action: z.string(),
  pull_request: z.looseObject({ number: id }),
  thread: z.looseObject({
    comments: z.array(z.looseObject({ id, body: z.string(), in_reply_to_id: z.number().int().nullable().optional(), user: account.nullable() })),
  }),
  repository,
  sender: account,
});

/** Per event name, the schema its payload must match; other events get {@link basePayloadSchema}. */
export const EVENT_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  pull_request: pullRequest,
  issue_comment: issueComment,
  pull_request_review_comment: reviewComment,
  installation: installationEvent,
  installation_repositories: installationRepositories,
  marketplace_purchase: marketplacePurchase,
  pull_request_review_thread: pullRequestReviewThread,
};

export const basePayloadSchema: z.ZodType = base;

/** The outcome of checking one payload: fine, or a short reason that quotes no input. */
export type PayloadCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a parsed webhook payload against the schema of its event. The reason names fields and
 * what was expected, never the values found (they are attacker- or user-controlled text).
 *
 * @example
 * checkPayload('issue_comment', { action: 'created', issue: { number: 1 } });
 * // { ok: false, reason: 'comment: expected object; …' }
 */
export function checkPayload(event: string, payload: unknown): PayloadCheck {
  const schema = EVENT_SCHEMAS[event] ?? basePayloadSchema;
  const r = schema.safeParse(payload);
  if (r.success) return { ok: true };
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(payload)'}: ${describe(i)}`);
  const more = r.error.issues.length > 3 ? ` (+${r.error.issues.length - 3} more)` : '';
  return { ok: false, reason: issues.join('; ') + more };
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
    case 'too_big':
      return 'out of range';
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? (issue.message ?? 'a valid format') : issue.format}`;
    default:
      return issue.code;
  }
}
