import { createHmac } from 'node:crypto';
import { request } from 'node:http';

/** `X-Hub-Signature-256` for `body`: HMAC-SHA256 of the raw bytes with the webhook secret. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface Delivery {
  event: string;
  id: string;
  payload: object;
  secret: string;
  /** The serialized payload, when the caller built it ahead of time (a benchmark); else `JSON.stringify(payload)`. */
  body?: string;
  /** Overrides the computed signature (a forged delivery). */
  signature?: string;
}

export interface DeliveryAnswer {
  status: number;
  body: string;
  /** From the first byte sent to the last byte of the answer. */
  ms: number;
}

/**
 * Posts one webhook delivery as GitHub does: JSON body, `X-GitHub-Event`, `X-GitHub-Delivery` and
 * `X-Hub-Signature-256`, on a new connection each time (GitHub does not keep connections to apps).
 *
 * @example
 * const { status, ms } = await deliverWebhook(`http://127.0.0.1:${port}/api/github/webhooks`, { event: 'pull_request', id, payload, secret });
 */
export function deliverWebhook(url: string, delivery: Delivery, timeoutMs = 15_000): Promise<DeliveryAnswer> {
  const body = delivery.body ?? JSON.stringify(delivery.payload);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'GitHub-Hookshot/e2e',
    'x-github-event': delivery.event,
    'x-github-delivery': delivery.id,
    'x-github-hook-id': '1',
    'x-hub-signature-256': delivery.signature ?? signBody(body, delivery.secret),
  };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'POST', headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`webhook delivery ${delivery.id} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
