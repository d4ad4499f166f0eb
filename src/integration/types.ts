import type { RuleLanguage } from '../diff/types.js';

/** What an integration point talks to. */
export type IntegrationKind = 'http' | 'sdk' | 'database' | 'cache' | 'messaging' | 'webhook';

/**
 * What the code around one integration point does about failure. `undefined` means "not known": the model
 * only states what it can see; a map shows unknown as unknown, never as absent.
 */
export interface ResilienceFacts {
  /** true: a timeout is set on the call or its client; false: a client whose timeout is checkable, without one. */
  timeout?: boolean;
  /** The timeout in milliseconds, when written as a literal (`timeout: 5000`, `timeout=(3.05, 10)`, `Duration.ofSeconds(5)`). */
  timeoutMs?: number;
  /** A retry around the call: with growing (`backoff`) or fixed delays; undefined when none is seen. */
  retry?: 'backoff' | 'fixed';
  /** A circuit breaker wraps the call (opossum, resilience4j, gobreaker, pybreaker, Polly-style names). */
  breaker: boolean;
  /** The call carries an idempotency key; for a consumer, its handler deduplicates (message id, idempotency key, processed-ids store). */
  idempotencyKey: boolean;
  /** A rate limiter guards the call (Bottleneck, p-limit, `rate.Limiter`, Guava/resilience4j `RateLimiter`). */
  rateLimited: boolean;
  /** A failure of the call is translated into the caller's own error (wrapped with a cause, or a domain error). */
  errorTranslation: boolean;
  /**
   * Consumers only: what the handler does when processing a message fails. `nacks`: it rejects, nacks, retries
   * or dead-letters the message; `propagates`: the error reaches the library (its retry, redelivery or DLQ
   * decides); `swallows`: a catch neither rethrows nor nacks, so the message is acknowledged and lost;
   * `unacked`: such a catch where the handler acknowledges only on success (the message waits for redelivery).
   */
  onError?: 'nacks' | 'propagates' | 'swallows' | 'unacked';
  /** Consumers only: the file configures a dead-letter queue or topic (never claimed absent: it is often broker configuration). */
  deadLetter?: boolean;
}

/** One place where the repository talks to something outside the process, or receives a webhook. */
export interface IntegrationPoint {
  /** What is reached: a vendor (`Stripe`), a host (`crm.example.com`), a store (`PostgreSQL`), a queue (`Kafka`), or a client named in code (`payments client`). */
  service: string;
  kind: IntegrationKind;
  /** `inbound` for webhook endpoints and message consumers, `outbound` for everything else. */
  direction: 'inbound' | 'outbound';
  path: string;
  language: RuleLanguage;
  /** 1-based line. */
  line: number;
  /** The enclosing function or method, when named. */
  function?: string;
  /** The module the point belongs to (see `moduleOf`). */
  module: string;
  /** The call as quoted in a review: `` `stripe.refunds.create(…)` ``; for a consumer, what it consumes: `` `orders.created` (Kafka topic)``. */
  label: string;
  /** Consumers only: the topics, queues, subjects, streams or task names consumed, when the code names them. */
  channels?: string[];
  /** `known` when a library, an import or the call's shape says it leaves the process; `probable` when only a receiver name does. */
  certainty: 'known' | 'probable';
  facts: ResilienceFacts;
}

/** A module whose job is to wrap a service: most of the repository's calls to it go through it, and other modules import it. */
export interface Adapter {
  service: string;
  module: string;
  /** Share (0-1) of the repository's outbound points to the service that sit in this module. */
  share: number;
  /** Modules that import it. */
  importedBy: string[];
  /** What the adapter sets on its calls: true when every one of its points to the service has the fact. */
  sets: { timeout: boolean; retry: boolean; idempotencyKey: boolean; errorTranslation: boolean };
}

/** One source file given to the model. */
export interface SourceFile {
  path: string;
  language: RuleLanguage;
  source: string;
}

/** The repository's integrations: points, the imports between its modules, and the adapters found from both. */
export interface IntegrationModel {
  points: IntegrationPoint[];
  /** module → modules of this repository it imports. */
  imports: Map<string, Set<string>>;
  adapters: Adapter[];
  /** Files that could not be parsed, with why; never fatal. */
  errors: string[];
  /** module → the names it exports that are a vendor SDK's types (re-exports and type aliases). */
  vendorTypes?: Map<string, Array<{ name: string; vendor: string; type: string }>>;
  /** Functions that request an OAuth/API token: where, the line of the token call, and the services they call. */
  tokenRefreshes?: Array<{ path: string; module: string; function: string; line: number; services: string[] }>;
  /** module → the vendor types its public signatures use (`Refund` of Stripe). */
  signatureTypes?: Map<string, Array<{ vendor: string; name: string }>>;
  /** vendor → the modules that build its client and hand it out (`getStripeClient` in `billing/stripe-client`). */
  clientProviders?: Map<string, Array<{ vendor: string; name: string; line: number; path: string; module: string }>>;
}
