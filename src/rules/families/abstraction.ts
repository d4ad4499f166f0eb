import { vendorTypeInExportedSignature } from '../abstraction/vendor-type-in-exported-signature.js';
import { suppressionWithoutReason } from '../suppression/suppression-without-reason.js';
import type { Rule } from '../types.js';

/** Rules of the abstraction category. */
export const abstractionRules: Rule[] = [vendorTypeInExportedSignature, suppressionWithoutReason];
