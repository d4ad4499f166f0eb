import type { Rule } from '../types.js';

/** Rules of the performance category. */
export const performanceRules: Rule[] = [];
