import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'response-status-unchecked';

describe('response-status-unchecked (TypeScript/JavaScript)', () => {
  it('flags a fetch whose body is read without a status check (at the read), and a POST whose response is dropped', () => {
    const src = `export async function getRates(base: string) {
  const res = await fetch(\`\${RATES_URL}/\${base}\`, { signal: AbortSignal.timeout(5000) });
  const body = await res.json();
  return body.rates;
}
export async function notify(url: string, event: object) {
  await fetch(url, { method: 'POST', body: JSON.stringify(event) });
}
export async function quote(id: string) {
  return (await fetch(\`\${QUOTES_URL}/\${id}\`)).json();
}
export async function user(token: string) {
  return fetch('https://api.github.com/user', { headers: { Authorization: token } }).then((r) => r.json());
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([3, 7, 10, 13]);
    expect(findings[0]?.body).toContain("without checking `res`'s status");
    expect(findings[1]?.body).toContain('writes and drops the response');
  });

  it('does not flag a checked status, a response handed on, or axios (which throws on 4xx/5xx)', () => {
    const src = `export async function getRates(base: string) {
  const res = await fetch(\`\${RATES_URL}/\${base}\`);
  if (!res.ok) throw new UpstreamError(res.status, await res.text());
  return res.json();
}
export async function raw(url: string) {
  const res = await fetch(url);
  return handleResponse(res);
}
export async function ping(url: string) {
  await fetch(url);
}
export async function token(url: string) {
  return fetch(url, { method: 'POST' }).then((r) => {
    if (!r.ok) throw new Error(\`token exchange failed: \${r.status}\`);
    return r.json();
  });
}
export async function post(url: string, body: object) {
  const { data } = await axios.post(url, body);
  return data;
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('flags supabase-js writes whose { error } is dropped and results destructured without error', () => {
    const src = `export async function setStatus(id: string, status: string) {
  await supabaseAdmin
    .from('subscriptions')
    .update({ status })
    .eq('id', id);
  const { data } = await supabaseAdmin.from('subscriptions').select('id').eq('id', id);
  const { data: row, error } = await supabaseAdmin.from('prices').select('*').single();
  if (error) throw error;
  const result = await supabaseAdmin.from('prices').upsert(row);
  return [data, result];
}
`;
    expect(lines(check(RULE, 'typescript', src))).toEqual([2, 6]);
  });

  it('stays silent in tests and scripts', () => {
    const src = `export async function seed() {\n  const res = await fetch(URL);\n  return (await res.json()).items;\n}\n`;
    expect(check(RULE, 'typescript', src, { path: 'scripts/seed.ts' })).toEqual([]);
    expect(check(RULE, 'typescript', src, { path: 'src/orders/orders.test.ts' })).toEqual([]);
  });
});

describe('response-status-unchecked (Python)', () => {
  it('flags requests results used without a status check and a dropped POST', () => {
    const src = `import requests

def fetch_customer(customer_id):
    r = requests.get(f"{CRM_URL}/customers/{customer_id}", timeout=10)
    return r.json()["customer"]

def push(payload):
    requests.post(HOOK_URL, json=payload, timeout=10)

def plan(plan_id):
    return requests.get(f"{BILLING_URL}/plans/{plan_id}", timeout=5).json()
`;
    expect(lines(check(RULE, 'python', src))).toEqual([5, 8, 11]);
  });

  it('does not flag raise_for_status, a status_code test or a response handed on', () => {
    const src = `import requests

def fetch_customer(customer_id):
    r = requests.get(f"{CRM_URL}/customers/{customer_id}", timeout=10)
    r.raise_for_status()
    return r.json()

def push(payload):
    r = requests.post(HOOK_URL, json=payload, timeout=10)
    if r.status_code not in (200, 201, 202, 204):
        raise TransportError(r.text)

def raw(url):
    r = requests.get(url, timeout=10)
    return parse(r)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('response-status-unchecked (Go)', () => {
  it('flags a response whose body is read without StatusCode, and a response assigned to _', () => {
    const src = `package slack

import "net/http"

func (s *Service) Send(url string, body io.Reader) error {
	_, err := http.Post(url, "application/json", body)
	return err
}

func (p *Provider) Membership(client *http.Client, org string) (string, error) {
	res, err := client.Get(p.url + "/memberships/orgs/" + org)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var m struct{ Role string }
	err = json.NewDecoder(res.Body).Decode(&m)
	return m.Role, err
}

func (s *Service) Fetch(req *http.Request) ([]byte, error) {
	resp, err := s.httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([6, 15, 26]);
  });

  it('does not flag a response whose StatusCode is checked', () => {
    const src = `package slack

import "net/http"

func (s *Service) Send(url string, body io.Reader) error {
	resp, err := http.Post(url, "application/json", body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("slack: status %d", resp.StatusCode)
	}
	return nil
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('response-status-unchecked (Java)', () => {
  it('flags an HttpClient response body used without statusCode(), not one that checks it', () => {
    const src = `import java.net.http.HttpClient;

class RatesClient {
  Rates get(String base) throws Exception {
    HttpResponse<String> response = httpClient.send(request(base), HttpResponse.BodyHandlers.ofString());
    return mapper.readValue(response.body(), Rates.class);
  }
  Rates checked(String base) throws Exception {
    HttpResponse<String> response = httpClient.send(request(base), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) throw new RatesException(response.statusCode());
    return mapper.readValue(response.body(), Rates.class);
  }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([6]);
  });

  it('flags a JAX-RS entity read without getStatus(), also through a same-file helper returning the Response', () => {
    const src = `import javax.ws.rs.client.Client;

class LedgerService {
  Transaction refund(URI uri) {
    return getResponse(uri).readEntity(Transaction.class);
  }
  Optional<Transaction> checked(URI uri) {
    Response response = getResponse(uri);
    if (response.getStatus() == 200) return Optional.of(response.readEntity(Transaction.class));
    return Optional.empty();
  }
  Transaction typed(URI uri) {
    return client.target(uri).request().get(Transaction.class);
  }
  private Response getResponse(URI uri) {
    return client.target(uri).request().get();
  }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([5]);
  });
});

describe('response-status-unchecked (Go: result used before its error is checked)', () => {
  it('flags res.StatusCode and defer res.Body.Close() before if err != nil', () => {
    const src = `package mattermost

func (s *Service) Send(url string, body []byte) error {
	res, err := http.Post(url, "application/json", bytes.NewReader(body))

	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", res.Status)
	}
	return err
}

func (s *Service) Do(req *http.Request) error {
	resp, err := s.client.Do(req)
	defer resp.Body.Close()
	if err != nil {
		return err
	}
	return nil
}
`;
    const findings = check(RULE, 'go', src).filter((f) => f.title === 'Result used before its error is checked');
    expect(lines(findings)).toEqual([6, 14]);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.body).toContain('before `err` is checked');
  });

  it('does not flag a check first, a local call, a guarded use or a test file', () => {
    const src = `package mattermost

func (s *Service) Send(url string, body []byte) error {
	res, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	cfg, err := parseConfig(raw)
	log.Println(cfg.Host)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if resp != nil && err == nil {
		resp.Body.Close()
	}
	res, err = http.DefaultClient.Do(req)
	if res != nil && res.Body != nil {
		defer res.Body.Close()
	}
	if err == nil && res.StatusCode >= 300 {
		return fmt.Errorf("status %s", res.Status)
	}
	return nil
}
`;
    expect(check(RULE, 'go', src).filter((f) => f.title === 'Result used before its error is checked')).toEqual([]);
    const test = `package x\n\nfunc TestSend(t *testing.T) {\n\tres, err := http.Get(srv.URL)\n\tt.Log(res.StatusCode)\n\trequire.NoError(t, err)\n}\n`;
    expect(check(RULE, 'go', test, { path: 'pkg/x/send_test.go' })).toEqual([]);
  });
});
