import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'http-call-without-timeout';

describe('http-call-without-timeout (TypeScript/JavaScript)', () => {
  it('flags fetch without a signal and suggests AbortSignal.timeout', () => {
    const src = `export async function getCustomer(id: string) {
  const res = await fetch(\`\${CRM_URL}/customers/\${id}\`);
  await fetch(\`\${CRM_URL}/events\`, { method: 'POST', body: JSON.stringify({ id }) });
  return res.json();
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([2, 3]);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.body).toContain('`fetch(…)` has no `signal`');
    expect(findings[0]?.suggestion).toBe('  const res = await fetch(`${CRM_URL}/customers/${id}`, { signal: AbortSignal.timeout(10_000) });');
    expect(findings[1]?.suggestion).toBe(
      "  await fetch(`${CRM_URL}/events`, { method: 'POST', body: JSON.stringify({ id }), signal: AbortSignal.timeout(10_000) });",
    );
  });

  it('flags axios calls and axios.create without timeout, with suggestions', () => {
    const src = `import axios from 'axios';

const crm = axios.create({ baseURL: process.env.CRM_URL });

export async function pushOrder(order) {
  await axios.post(\`\${ERP_URL}/orders\`, order);
  const { data } = await axios.get(\`\${ERP_URL}/orders/\${order.id}\`, { headers: { 'x-api-key': KEY } });
  return data;
}
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([3, 6, 7]);
    expect(findings[0]?.body).toContain('creates a client without `timeout`');
    expect(findings[0]?.suggestion).toBe('const crm = axios.create({ baseURL: process.env.CRM_URL, timeout: 10_000 });');
    expect(findings[1]?.suggestion).toBe('  await axios.post(`${ERP_URL}/orders`, order, { timeout: 10_000 });');
    expect(findings[2]?.suggestion).toBe(
      "  const { data } = await axios.get(`${ERP_URL}/orders/${order.id}`, { headers: { 'x-api-key': KEY }, timeout: 10_000 });",
    );
  });

  it('flags got without a timeout', () => {
    const src = `export const createLead = (lead) => got.post(\`\${HUBSPOT}/leads\`, { json: lead }).json();
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([1]);
    expect(findings[0]?.suggestion).toContain('{ json: lead, timeout: { request: 10_000 } }');
  });

  it('does not flag calls with a timeout, options passed through, instances with a timeout, or fetch wrapped in a timeout', () => {
    const src = `import axios from 'axios';
import pTimeout from 'p-timeout';

const billing = axios.create({ baseURL: process.env.BILLING_URL, timeout: 5000 });

export async function sync(user, init) {
  await fetch(\`\${API}/users\`, { method: 'POST', body: JSON.stringify(user), signal: AbortSignal.timeout(5000) });
  await fetch(\`\${API}/users/\${user.id}\`, init);
  await pTimeout(fetch(\`\${API}/health\`), { milliseconds: 2000 });
  await axios.post(\`\${API}/users\`, user, { timeout: 5000 });
  await billing.post('/invoices', { userId: user.id });
  await got(\`\${API}/users\`, { timeout: { request: 5000 } });
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a missing timeout on an unchanged line', () => {
    const src = `export async function getCustomer(id: string) {
  const res = await fetch(\`\${CRM_URL}/customers/\${id}\`);
  return res.json();
}
`;
    expect(check(RULE, 'typescript', src, { changed: [1, 3] })).toEqual([]);
  });

  it('stays silent in browser code recognised by content, not in server code that only checks for window', () => {
    const client = `'use client';
export async function load() {
  return fetch('https://api.example.com/me');
}
`;
    expect(check(RULE, 'typescript', client)).toEqual([]);
    const component = `import { useEffect, useState } from 'react';
import axios from 'axios';
export function Profile() {
  const [me, setMe] = useState(null);
  useEffect(() => { axios.get('https://api.example.com/me').then((r) => setMe(r.data)); }, []);
  return <div>{me?.name}</div>;
}
`;
    expect(check(RULE, 'tsx', component, { path: 'src/services/profile.tsx' })).toEqual([]);
    const widget = `export async function save() {
  const token = localStorage.getItem('token');
  await fetch('https://api.example.com/save', { headers: { authorization: token } });
  window.location.reload();
}
`;
    expect(check(RULE, 'javascript', widget)).toEqual([]);
    const isomorphic = `export async function save(body) {
  if (typeof window !== 'undefined') window.console.log(window.location.href);
  await fetch('https://api.example.com/save', { method: 'POST', body });
}
`;
    expect(lines(check(RULE, 'typescript', isomorphic))).toEqual([3]);
  });
});

describe('http-call-without-timeout (Python)', () => {
  it('flags requests and Session calls without timeout=, with a suggestion', () => {
    const src = `import requests

session = requests.Session()


def sync_customer(customer):
    resp = requests.get(f"{CRM_URL}/customers/{customer.id}")
    session.post(f"{CRM_URL}/events", json={"id": customer.id})
    return resp.json()
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([7, 8]);
    expect(findings[0]?.body).toContain('`requests.get(…)` has no `timeout=`');
    expect(findings[0]?.suggestion).toBe('    resp = requests.get(f"{CRM_URL}/customers/{customer.id}", timeout=10)');
    expect(findings[1]?.suggestion).toBe('    session.post(f"{CRM_URL}/events", json={"id": customer.id}, timeout=10)');
  });

  it('flags urlopen without a timeout', () => {
    const src = `from urllib.request import urlopen


def fetch_rates():
    with urlopen(RATES_URL) as resp:
        return json.load(resp)
`;
    expect(lines(check(RULE, 'python', src))).toEqual([5]);
  });

  it('does not flag calls with a timeout, **kwargs, httpx, or sessions with a timeout adapter', () => {
    const src = `import httpx
import requests
from requests.adapters import HTTPAdapter


class TimeoutAdapter(HTTPAdapter):
    def send(self, request, **kwargs):
        kwargs.setdefault("timeout", 10)
        return super().send(request, **kwargs)


session = requests.Session()
session.mount("https://", TimeoutAdapter())


def sync(customer, **kwargs):
    requests.post(CRM_URL, json=customer, timeout=(3.05, 10))
    requests.get(CRM_URL, **kwargs)
    httpx.get(CRM_URL)
    session.get(CRM_URL)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('http-call-without-timeout (Go)', () => {
  it('flags http.Get, http.DefaultClient and an http.Client without Timeout', () => {
    const src = `package rates

import (
	"net/http"
	"time"
)

var client = &http.Client{Transport: transport}

func Fetch(url string) (*http.Response, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	http.DefaultClient.Do(req)
	return resp, nil
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings).sort((a, b) => a - b)).toEqual([8, 11, 15]);
    const literal = findings.find((f) => f.line === 8);
    expect(literal?.suggestion).toBe('var client = &http.Client{Transport: transport, Timeout: 10 * time.Second}');
    expect(findings.find((f) => f.line === 11)?.body).toContain('`http.Get(…)` uses `http.DefaultClient`');
  });

  it('does not flag a client with Timeout, or Do when requests carry context deadlines', () => {
    const src = `package rates

var client = &http.Client{Timeout: 10 * time.Second}

func Fetch(ctx context.Context, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	return http.DefaultClient.Do(req)
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('http-call-without-timeout (Java)', () => {
  it('flags new RestTemplate(), WebClient.create and an HttpRequest without .timeout', () => {
    const src = `class Clients {
  private final RestTemplate restTemplate = new RestTemplate();
  private final WebClient webClient = WebClient.create("https://api.partner.com");

  HttpResponse<String> send(HttpClient client, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(PARTNER_URL)).POST(BodyPublishers.ofString(body)).build();
    return client.send(request, BodyHandlers.ofString());
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([2, 3, 6]);
    expect(findings[0]?.body).toContain('no connect or read timeout');
    expect(findings[2]?.body).toContain('has no `.timeout(...)`');
  });

  it('does not flag a RestTemplate with a request factory, OkHttp, or requests with a timeout', () => {
    const src = `class Clients {
  RestTemplate restTemplate() {
    SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
    factory.setConnectTimeout(3000);
    factory.setReadTimeout(10000);
    RestTemplate rt = new RestTemplate();
    rt.setRequestFactory(factory);
    return rt;
  }
  OkHttpClient ok = new OkHttpClient();
  HttpRequest request(String body) {
    return HttpRequest.newBuilder(URI.create(PARTNER_URL)).timeout(Duration.ofSeconds(10)).POST(BodyPublishers.ofString(body)).build();
  }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});
