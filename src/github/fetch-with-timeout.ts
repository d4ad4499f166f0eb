/**
 * A `fetch` that aborts each request after `ms`, combined with any signal the caller passed. Given to
 * Probot as `request.fetch`, it sits under Octokit's retry and throttling plugins, so every attempt gets
 * a fresh timer and a throttling wait never counts against it.
 *
 * @example new Probot({ ..., request: { fetch: fetchWithTimeout(30_000) } })
 */
export function fetchWithTimeout(ms: number, base: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return base(input, { ...init, signal });
  };
}
