import nock from 'nock';
import { afterEach, beforeEach, expect } from 'vitest';

/**
 * The only place tests touch nock. Installs `disableNetConnect()` for the suite and, after each
 * test, fails if a mocked request was never used (a test that mocks a call it never makes is
 * asserting less than it claims). Loopback stays allowed for the end-to-end fake servers.
 */
export function useHttpMocks(): typeof nock {
  beforeEach(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'unused HTTP mocks').toEqual([]);
  });
  return nock;
}

export { nock };
