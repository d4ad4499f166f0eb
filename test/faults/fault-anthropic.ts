import { messageReply, overloadedReply, startFakeAnthropic } from '../e2e/fake-anthropic.js';
import type { FakeAnthropic } from '../e2e/fake-anthropic.js';
import { seededRandom } from './seeded-random.js';

export interface FaultAnthropicOptions {
  apiKey: string;
  seed: number;
  /** Share of calls answered 529 `overloaded_error` or 500 `api_error` (default 0.2). */
  rate?: number;
}

/**
 * The end-to-end fake Anthropic API, failing a seeded share of calls as the API does when it is
 * overloaded: half 529 `overloaded_error` (with `retry-after-ms`), half 500 `api_error`. The other
 * calls get a valid answer with no findings, so a review's content comes from the rules alone.
 *
 * @example
 * const anthropic = await startFaultAnthropic({ apiKey: 'sk-ant-test', seed: 7, rate: 0.2 });
 */
export function startFaultAnthropic(options: FaultAnthropicOptions): Promise<FakeAnthropic> {
  const rng = seededRandom(options.seed ^ 0x5eed);
  const rate = options.rate ?? 0.2;
  return startFakeAnthropic({
    apiKey: options.apiKey,
    respond: () => {
      if (rate > 0 && rng.chance(rate)) {
        return rng.chance(0.5) ? overloadedReply(rng.int(100, 1_000)) : { kind: 'error', status: 500, errorType: 'api_error', message: 'Internal server error' };
      }
      return messageReply({ findings: [], questions: [], assessment: 'No integration concerns.' });
    },
  });
}
