import type { Rule } from '../types.js';

/** Rules of the security category. */
export const securityRules: Rule[] = [];
