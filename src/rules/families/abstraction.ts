import type { Rule } from '../types.js';

/** Rules of the abstraction category. */
export const abstractionRules: Rule[] = [];
