import type { Rule } from '../types.js';

/** Rules of the resilience category. */
export const resilienceRules: Rule[] = [];
