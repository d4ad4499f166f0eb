import { adapterReturnsRawResponse } from '../abstraction/adapter-returns-raw-response.js';
import { outboundCallBypassesClient } from '../coupling/outbound-call-bypasses-client.js';
import type { Rule } from '../types.js';

/**
 * Rules about the boundary between a module and the HTTP services it calls: calls that go around the
 * module's own client, and adapters that hand the raw transport response to their callers. Their findings
 * are in the coupling and abstraction categories.
 */
export const boundaryRules: Rule[] = [outboundCallBypassesClient, adapterReturnsRawResponse];
