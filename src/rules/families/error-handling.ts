import type { Rule } from '../types.js';
import { failureReportedAsSuccess } from '../error-handling/failure-reported-as-success.js';
import { floatingPromiseInHandler } from '../error-handling/floating-promise-in-handler.js';
import { responseStatusUnchecked } from '../error-handling/response-status-unchecked.js';
import { rethrowDropsCause } from '../error-handling/rethrow-drops-cause.js';
import { swallowedError } from '../error-handling/swallowed-error.js';

/** Rules of the error-handling category. */
export const errorHandlingRules: Rule[] = [swallowedError, rethrowDropsCause, floatingPromiseInHandler, failureReportedAsSuccess, responseStatusUnchecked];
