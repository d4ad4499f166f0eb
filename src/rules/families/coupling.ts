import { architectureBoundary } from '../coupling/architecture-boundary.js';
import { domainImportsVendorSdk } from '../coupling/domain-imports-vendor-sdk.js';
import { envReadInBusinessLogic } from '../coupling/env-read-in-business-logic.js';
import type { Rule } from '../types.js';

/** Rules of the coupling category. */
export const couplingRules: Rule[] = [domainImportsVendorSdk, envReadInBusinessLogic, architectureBoundary];
