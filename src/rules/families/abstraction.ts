import { vendorTypeInExportedSignature } from '../abstraction/vendor-type-in-exported-signature.js';
import type { Rule } from '../types.js';

/** Rules of the abstraction category. */
export const abstractionRules: Rule[] = [vendorTypeInExportedSignature];
