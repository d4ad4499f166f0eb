import type { Rule } from '../types.js';

/** Rules of the coupling category. */
export const couplingRules: Rule[] = [];
