import { corsOriginReflectedWithCredentials } from '../security/cors-origin-reflected-with-credentials.js';
import { hardcodedSecret } from '../security/hardcoded-secret.js';
import { secretInLog } from '../security/secret-in-log.js';
import { secretInUrlQuery } from '../security/secret-in-url-query.js';
import { signatureCompareNotConstantTime } from '../security/signature-compare-not-constant-time.js';
import { sqlStringBuilding } from '../security/sql-string-building.js';
import { ssrfUserUrl } from '../security/ssrf-user-url.js';
import { webhookWithoutSignatureCheck } from '../security/webhook-without-signature-check.js';
import type { Rule } from '../types.js';

/** Rules of the security category. */
export const securityRules: Rule[] = [
  hardcodedSecret,
  secretInLog,
  webhookWithoutSignatureCheck,
  signatureCompareNotConstantTime,
  sqlStringBuilding,
  ssrfUserUrl,
  corsOriginReflectedWithCredentials,
  secretInUrlQuery,
];
