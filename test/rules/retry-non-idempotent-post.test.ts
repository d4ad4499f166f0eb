import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'retry-non-idempotent-post';

describe('retry-non-idempotent-post (TypeScript/JavaScript)', () => {
  it('flags a Stripe create inside a retry loop without an idempotency key', () => {
    const src = `export async function chargeOrder(order: Order) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await stripe.paymentIntents.create({ amount: order.total, currency: 'eur', customer: order.customerId });
    } catch (err) {
      await sleep(2 ** attempt * 500);
    }
  }
  throw new Error('charge failed');
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.body).toContain('`stripe.paymentIntents.create(…)` is a `create` call retried by the retry loop');
  });

  it('flags a POST wrapped in p-retry and a POST through axios-retry with a custom retryCondition', () => {
    const src = `import pRetry from 'p-retry';
import axiosRetry from 'axios-retry';

const partner = axios.create({ baseURL: PARTNER_URL, timeout: 5000 });
axiosRetry(partner, { retries: 3, retryCondition: (error) => !error.response || error.response.status >= 500 });

export async function notifyPartner(event) {
  await pRetry(() => axios.post(PARTNER_URL, event, { timeout: 5000 }), { retries: 5 });
  await partner.post('/orders', event);
}
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([8, 9]);
    expect(findings[0]?.body).toContain('retried by `pRetry(…)`');
    expect(findings[1]?.body).toContain('axios-retry instance');
  });

  it('does not flag retried GETs or POSTs that carry an idempotency key', () => {
    const src = `export async function chargeOrder(order) {
  const idempotencyKey = \`order-\${order.id}\`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await stripe.paymentIntents.create({ amount: order.total, currency: 'eur' }, { idempotencyKey });
    } catch (err) {
      await sleep(2 ** attempt * 500);
    }
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
    const reads = `export const loadRates = () => pRetry(() => axios.get(RATES_URL, { timeout: 5000 }), { retries: 5 });
`;
    expect(check(RULE, 'typescript', reads)).toEqual([]);
  });

  it('does not report a retried POST on an unchanged line', () => {
    const src = `export async function notifyPartner(event) {
  return pRetry(
    async () => {
      await axios.post(PARTNER_URL, event, { timeout: 5000 });
    },
    { retries: 5 },
  );
}
`;
    expect(check(RULE, 'typescript', src, { changed: [2, 3, 5, 6] })).toEqual([]);
    expect(lines(check(RULE, 'typescript', src, { changed: [4] }))).toEqual([4]);
  });
});

describe('retry-non-idempotent-post (Python)', () => {
  it('flags requests.post under a tenacity @retry and a urllib3 Retry that allows POST', () => {
    const src = `from tenacity import retry, stop_after_attempt, wait_exponential
from urllib3.util.retry import Retry


@retry(stop=stop_after_attempt(3), wait=wait_exponential())
def create_invoice(order):
    return requests.post(f"{BILLING_URL}/invoices", json=order.to_dict(), timeout=10)


retries = Retry(total=3, backoff_factor=0.5, allowed_methods=["GET", "POST"])
session.mount("https://", HTTPAdapter(max_retries=retries))
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([7, 10]);
    expect(findings[0]?.body).toContain('`requests.post(…)` is a POST retried by `@retry(');
    expect(findings[1]?.body).toContain('makes the session retry POST requests');
  });

  it('flags stripe.PaymentIntent.create in a retry loop', () => {
    const src = `def charge(order):
    for attempt in range(3):
        try:
            return stripe.PaymentIntent.create(amount=order.total, currency="eur", customer=order.customer_id)
        except stripe.error.APIConnectionError:
            time.sleep(2 ** attempt)
    raise PaymentUnavailable()
`;
    expect(lines(check(RULE, 'python', src))).toEqual([4]);
  });

  it('does not flag retried reads or a POST with an Idempotency-Key header', () => {
    const src = `from tenacity import retry, stop_after_attempt, wait_exponential


@retry(stop=stop_after_attempt(3), wait=wait_exponential())
def get_invoice(invoice_id):
    return requests.get(f"{BILLING_URL}/invoices/{invoice_id}", timeout=10)


@retry(stop=stop_after_attempt(3), wait=wait_exponential())
def create_invoice(order, key):
    return requests.post(f"{BILLING_URL}/invoices", json=order, headers={"Idempotency-Key": key}, timeout=10)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('retry-non-idempotent-post (Go)', () => {
  it('flags client.Do of a POST request inside a retry loop', () => {
    const src = `package pay

func (c *Client) Charge(ctx context.Context, body []byte) (*http.Response, error) {
	for attempt := 0; attempt < 3; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/charges", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		resp, err := c.httpClient.Do(req)
		if err == nil {
			return resp, nil
		}
		time.Sleep(time.Duration(1<<attempt) * time.Second)
	}
	return nil, errGaveUp
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([9]);
    expect(findings[0]?.body).toContain('`c.httpClient.Do(…)` is a POST');
  });

  it('does not flag a retried GET or a POST with an idempotency key header', () => {
    const src = `package pay

func (c *Client) Charge(ctx context.Context, body []byte, key string) (*http.Response, error) {
	for attempt := 0; attempt < 3; attempt++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/charges", bytes.NewReader(body))
		req.Header.Set("Idempotency-Key", key)
		resp, err := c.httpClient.Do(req)
		if err == nil {
			return resp, nil
		}
		time.Sleep(time.Duration(1<<attempt) * time.Second)
	}
	return nil, errGaveUp
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
    const reads = `package pay

func (c *Client) Status(ctx context.Context, url string) (*http.Response, error) {
	for attempt := 0; attempt < 3; attempt++ {
		resp, err := c.httpClient.Get(url)
		if err == nil {
			return resp, nil
		}
		time.Sleep(time.Duration(1<<attempt) * time.Second)
	}
	return nil, errGaveUp
}
`;
    expect(check(RULE, 'go', reads)).toEqual([]);
  });
});

describe('retry-non-idempotent-post (Java)', () => {
  it('flags a RestTemplate POST in a @Retryable method and in a retry loop', () => {
    const src = `@Service
class PaymentClient {
  @Retryable(retryFor = RestClientException.class, backoff = @Backoff(delay = 500, multiplier = 2))
  public Receipt charge(ChargeRequest request) {
    return restTemplate.postForObject(baseUrl + "/charges", request, Receipt.class);
  }

  public Receipt refund(RefundRequest request) throws InterruptedException {
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return restTemplate.postForObject(baseUrl + "/refunds", request, Receipt.class);
      } catch (ResourceAccessException e) {
        Thread.sleep(500L << attempt);
      }
    }
    throw new PaymentException("refund failed");
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([11, 5]);
    expect(findings[1]?.body).toContain('retried by `@Retryable`');
  });

  it('does not flag a retried GET', () => {
    const src = `@Service
class PaymentClient {
  @Retryable(retryFor = RestClientException.class, backoff = @Backoff(delay = 500, multiplier = 2))
  public Receipt get(String id) {
    return restTemplate.getForObject(baseUrl + "/charges/" + id, Receipt.class);
  }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});

describe('retry-non-idempotent-post (Stripe resource classes and same-file helpers)', () => {
  it('flags a stripe-java Refund.create retried after connection errors', () => {
    const src = `class StripePayment {
  private Refund createRefundWithRetry(Map<String, Object> params) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return Refund.create(params);
      } catch (ApiConnectionException e) {
        if (attempt == MAX_ATTEMPTS) throw e;
        Thread.sleep(500L * attempt);
      }
    }
  }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([5]);
  });
});
