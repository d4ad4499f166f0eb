/**
 * The value of one Prometheus sample in `/metrics` text, 0 when the series does not exist yet.
 *
 * @example
 * readMetric(text, 'reviews_total', { outcome: 'published' }); // 1
 */
export function readMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    const have = labelText.split(',');
    if (wanted.every((w) => have.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/**
 * The bearer token the end-to-end helpers start the app with (`METRICS_TOKEN`), so `/metrics` is
 * served on the webhook port behind it, as a production deployment without `METRICS_PORT` would.
 */
export const E2E_METRICS_TOKEN = 'e2e-metrics-FAKE-token-0123456789';

/**
 * The `/metrics` text of an app at `baseUrl`, sending `Authorization: Bearer <token>`; throws on any
 * status but 200, so a test never reads a 401 page as "no samples".
 *
 * @example
 * readMetric(await fetchMetrics(app.url), 'reviews_total', { outcome: 'published' });
 */
export async function fetchMetrics(baseUrl: string, token = E2E_METRICS_TOKEN, init: RequestInit = {}): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`, { ...init, headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}
