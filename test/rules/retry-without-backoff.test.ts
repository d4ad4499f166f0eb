import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'retry-without-backoff';

describe('retry-without-backoff (TypeScript/JavaScript)', () => {
  it('flags a retry loop that sleeps a constant time', () => {
    const src = `export async function deliverWebhook(url: string, body: unknown) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await axios.post(url, body, { timeout: 5000 });
    } catch (err) {
      logger.warn({ err, attempt }, 'webhook delivery failed');
      await sleep(1000);
    }
  }
  throw new Error('webhook delivery gave up');
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([7]);
    expect(findings[0]?.title).toBe('Retry with a fixed delay');
    expect(findings[0]?.body).toContain('`sleep(1000)` waits the same time before every retry of `axios.post(…)`');
  });

  it('flags an unbounded while (true) retry and a retry with no delay at all', () => {
    const src = `export async function waitForExport(id) {
  while (true) {
    try {
      const res = await fetch(\`\${API}/exports/\${id}\`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return res.json();
    } catch (err) {
      logger.warn(err);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export async function loadIntent(id) {
  for (let i = 0; i < 3; i++) {
    try {
      return await stripe.paymentIntents.retrieve(id);
    } catch (e) {
      if (i === 2) throw e;
    }
  }
}
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([2, 14]);
    expect(findings[0]?.title).toBe('Unbounded retry loop');
    expect(findings[1]?.title).toBe('Retry loop without any delay');
  });

  it('does not flag exponential backoff with jitter, deadline-bounded loops, consumer loops or loops over data', () => {
    const src = `export async function deliverWebhook(url, body) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      return await axios.post(url, body, { timeout: 5000 });
    } catch (err) {
      const delay = Math.min(30_000, 500 * 2 ** attempt) * Math.random();
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export async function consume() {
  while (true) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    for (const m of Messages) await handle(m);
  }
}

export async function sendResult(result, deadline) {
  let attempt = 0;
  while (true) {
    attempt++;
    try {
      return await client.events.send(result);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(backoff(attempt));
    }
  }
}

export async function pushAll(items) {
  for (let i = 0; i < items.length; i++) {
    try { await api.send(items[i]); } catch (err) { failed.push(items[i]); }
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a fixed delay on an unchanged line', () => {
    const src = `export async function deliverWebhook(url: string, body: unknown) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await axios.post(url, body, { timeout: 5000 });
    } catch (err) {
      await sleep(1000);
    }
  }
}
`;
    expect(check(RULE, 'typescript', src, { changed: [4] })).toEqual([]);
  });
});

describe('retry-without-backoff (Python)', () => {
  it('flags a loop with time.sleep(constant) and an unbounded while True', () => {
    const src = `def push_order(order):
    for attempt in range(MAX_RETRIES):
        try:
            return requests.post(ERP_URL, json=order, timeout=10)
        except requests.RequestException:
            logger.warning("erp push failed, attempt %s", attempt)
            time.sleep(2)
    raise ErpUnavailable()


def wait_ready(job_id):
    while True:
        try:
            resp = session.get(f"{API}/jobs/{job_id}", timeout=5)
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException:
            time.sleep(5)
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([7, 12]);
    expect(findings[0]?.body).toContain('`time.sleep(2)`');
    expect(findings[1]?.title).toBe('Unbounded retry loop');
  });

  it('flags a tenacity @retry with a fixed wait and no stop', () => {
    const src = `from tenacity import retry, wait_fixed


@retry(wait=wait_fixed(2))
def fetch_rates():
    return requests.get(RATES_URL, timeout=5).json()
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.body).toContain('retries forever');
    expect(findings[0]?.body).toContain('its wait is fixed');
  });

  it('does not flag a doubling delay, tenacity exponential waits, backoff.expo with max_tries or pagination', () => {
    const src = `import backoff
from tenacity import retry, stop_after_attempt, wait_random_exponential


def push_order(order):
    delay = 1
    for _ in range(5):
        try:
            return requests.post(ERP_URL, json=order, timeout=10)
        except requests.RequestException:
            time.sleep(delay + random.random())
            delay = min(delay * 2, 30)


@retry(stop=stop_after_attempt(5), wait=wait_random_exponential(multiplier=0.5, max=30))
def fetch_rates():
    return requests.get(RATES_URL, timeout=5).json()


@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=5)
def fetch_fx():
    return requests.get(FX_URL, timeout=5).json()


def list_invoices():
    page = 1
    while True:
        try:
            resp = requests.get(INVOICES_URL, params={"page": page}, timeout=10)
            resp.raise_for_status()
            results = resp.json()["results"]
        except requests.HTTPError:
            logger.warning("skipping invoice page %s", page)
            results = [None]
        if not results:
            break
        page += 1
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('retry-without-backoff (Go)', () => {
  it('flags a retry loop with time.Sleep of a constant and an unbounded for {}', () => {
    const src = `package rates

func (c *Client) Fetch(ctx context.Context, req *http.Request) (*http.Response, error) {
	var lastErr error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		resp, err := c.http.Do(req)
		if err == nil {
			return resp, nil
		}
		lastErr = err
		time.Sleep(2 * time.Second)
	}
	return nil, lastErr
}

func (c *Client) Ping(req *http.Request) error {
	for {
		if _, err := c.http.Do(req); err == nil {
			return nil
		}
		time.Sleep(time.Second)
	}
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([11, 17]);
    expect(findings[0]?.body).toContain('`time.Sleep(2 * time.Second)`');
    expect(findings[1]?.body).toContain('`for {` retries `c.http.Do(…)` with no attempt limit');
  });

  it('does not flag a doubling, jittered backoff', () => {
    const src = `package rates

func (c *Client) Fetch(ctx context.Context, req *http.Request) (*http.Response, error) {
	backoff := 100 * time.Millisecond
	for attempt := 0; attempt < maxAttempts; attempt++ {
		resp, err := c.http.Do(req)
		if err == nil {
			return resp, nil
		}
		time.Sleep(backoff + time.Duration(rand.Int63n(int64(backoff))))
		backoff *= 2
	}
	return nil, errGaveUp
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('retry-without-backoff (Java)', () => {
  it('flags Thread.sleep(constant) in a retry loop and @Retryable with the default backoff', () => {
    const src = `class RatesClient {
  Rates fetch() throws InterruptedException {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        return restTemplate.getForObject(ratesUrl, Rates.class);
      } catch (RestClientException e) {
        log.warn("rates failed, attempt {}", attempt, e);
        Thread.sleep(1000);
      }
    }
    throw new IllegalStateException("rates unavailable");
  }

  @Retryable(retryFor = RestClientException.class, maxAttempts = 4)
  public Rates fetchWithSpring() {
    return restTemplate.getForObject(ratesUrl, Rates.class);
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([8, 14]);
    expect(findings[1]?.body).toContain('waits a fixed 1 s between attempts');
  });

  it('does not flag a growing delay or @Retryable with an exponential, random backoff', () => {
    const src = `class RatesClient {
  Rates fetch() throws InterruptedException {
    long delay = 200;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        return restTemplate.getForObject(ratesUrl, Rates.class);
      } catch (RestClientException e) {
        Thread.sleep(delay + ThreadLocalRandom.current().nextLong(delay));
        delay *= 2;
      }
    }
    throw new IllegalStateException("rates unavailable");
  }

  @Retryable(retryFor = RestClientException.class, backoff = @Backoff(delay = 500, multiplier = 2, random = true))
  public Rates fetchWithSpring() {
    return restTemplate.getForObject(ratesUrl, Rates.class);
  }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});

describe('retry-without-backoff (through a same-file helper)', () => {
  it('flags a Go loop over attempts whose call out is in a helper, with no delay', () => {
    const src = `package hooks

func send(client *http.Client, hook *Hook, payload string) (int, error) {
	var status int
	var lastErr error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		status, lastErr = doSend(client, hook, payload)
		if lastErr == nil && status < http.StatusInternalServerError {
			return status, nil
		}
	}
	return status, lastErr
}

func doSend(client *http.Client, hook *Hook, payload string) (int, error) {
	req, err := http.NewRequest(hook.Method, hook.URL, strings.NewReader(payload))
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([6]);
  });
});
