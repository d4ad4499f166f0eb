import type { Rule } from '../types.js';
import { httpCallWithoutTimeout } from '../resilience/http-call-without-timeout.js';
import { retryNonIdempotentPost } from '../resilience/retry-non-idempotent-post.js';
import { retryWithoutBackoff } from '../resilience/retry-without-backoff.js';

/** Rules of the resilience category. */
export const resilienceRules: Rule[] = [httpCallWithoutTimeout, retryWithoutBackoff, retryNonIdempotentPost];
