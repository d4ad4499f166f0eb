import { blockingCallInAsync } from '../performance/blocking-call-in-async.js';
import { clientPerRequest } from '../performance/client-per-request.js';
import { listFirstPageOnly } from '../performance/list-first-page-only.js';
import { sequentialAwaitInLoop } from '../performance/sequential-await-in-loop.js';
import type { Rule } from '../types.js';

/** Rules of the performance category. */
export const performanceRules: Rule[] = [clientPerRequest, sequentialAwaitInLoop, listFirstPageOnly, blockingCallInAsync];
