import type { Rule } from '../types.js';

/** Rules of the error-handling category. */
export const errorHandlingRules: Rule[] = [];
