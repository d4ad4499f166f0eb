import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'outbound-call-bypasses-client';

describe('outbound-call-bypasses-client (Python)', () => {
  it('flags a bare requests call in a module whose other calls go through the project session', () => {
    const src = `import requests
from allauth.socialaccount.adapter import get_adapter

class GitHubAdapter:
    def complete_login(self, token):
        with get_adapter().get_requests_session() as sess:
            resp = sess.get(self.profile_url, headers={})
        return resp.json()

    def get_orgs(self, headers):
        resp = requests.get(self.orgs_url, headers=headers)
        return resp.json()
`;
    const findings = check(RULE, 'python', src, { path: 'allauth/providers/github/views.py' });
    expect(lines(findings)).toEqual([11]);
    expect(findings[0]?.title).toBe('`requests.get(…)` bypasses `get_adapter().get_requests_session()`, the client this module already uses');
    expect(findings[0]?.category).toBe('coupling');
  });

  it('flags a bare call in a class that uses self.session, and names it', () => {
    const src = `import requests

class Backend:
    def __init__(self):
        self.session = requests.Session()

    def send(self, payload):
        return self.session.post(self.api_url + "send", json=payload, timeout=10)

    def status(self, message_id):
        return requests.post(self.api_url + "status", json={"id": message_id})
`;
    const findings = check(RULE, 'python', src, { path: 'app/backends/postal.py' });
    expect(lines(findings)).toEqual([11]);
    expect(findings[0]?.title).toContain('`self.session`');
  });

  it('stays silent when there is no wrapper, for a local session, for a DB session, and inside the helper itself', () => {
    const noWrapper = `import requests

def notify(url, body):
    return requests.post(url, json=body, timeout=5)

def ping():
    requests.get("https://example.com/ping", timeout=5)
`;
    expect(check(RULE, 'python', noWrapper)).toEqual([]);
    const localSession = `import requests

def fetch_all(urls):
    with requests.Session() as s:
        return [s.get(u, timeout=5) for u in urls]

def fetch_one(url):
    return requests.get(url, timeout=5)

def fetch_two(url):
    with httpx.Client() as client:
        return client.get(url)
`;
    expect(check(RULE, 'python', localSession)).toEqual([]);
    const dbSession = `import requests

def load(session, user_id):
    user = session.get(User, user_id)
    return requests.get(user.avatar, timeout=5)
`;
    expect(check(RULE, 'python', dbSession)).toEqual([]);
    const helper = `import requests

def _request(method, url, **kwargs):
    kwargs.setdefault("timeout", 10)
    return requests.request(method, url, **kwargs)

def get_user(user_id):
    return _request("GET", f"{API_URL}/users/{user_id}").json()
`;
    expect(check(RULE, 'python', helper)).toEqual([]);
  });

  it('flags a bare call in a class that inherits an HTTP client, not in one with an unrelated base', () => {
    const src = `import requests
from .base_requests import AnymailRequestsBackend
from .base import NotifyBase

class EmailBackend(AnymailRequestsBackend):
    def get_status(self, message_id):
        response = requests.post(self.api_url + "messages/message", json={"id": message_id}, timeout=self.timeout)
        return response.json()

class NotifyPlugin(NotifyBase):
    def send(self, body):
        return requests.post(self.notify_url, json=body, timeout=self.request_timeout)
`;
    const findings = check(RULE, 'python', src, { path: 'anymail/backends/postal.py' });
    expect(lines(findings)).toEqual([7]);
    expect(findings[0]?.title).toBe('`requests.post(…)` bypasses the HTTP client this class inherits from `AnymailRequestsBackend`');
  });

  it('is silent in tests', () => {
    const src = `import requests
session = build_session()
def test_x():
    session.get(BASE_URL)
    requests.get(BASE_URL)
`;
    expect(check(RULE, 'python', src, { path: 'tests/test_api.py' })).toEqual([]);
  });
});

describe('outbound-call-bypasses-client (Go)', () => {
  it('flags http.PostForm and http.DefaultClient.Do next to the module client', () => {
    const src = `package email

import (
	"net/http"

	"github.com/casdoor/casdoor/proxy"
)

func (c *Provider) token() error {
	resp, err := http.PostForm(c.tokenUrl, nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func (c *Provider) Send(req *http.Request) error {
	httpClient := proxy.DefaultHttpClient
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func (h *ext) Report(req *http.Request) error {
	_, err := http.DefaultClient.Do(req)
	return err
}
`;
    const findings = check(RULE, 'go', src, { path: 'email/custom_http.go' });
    expect(lines(findings)).toEqual([10, 27]);
    expect(findings[0]?.title).toContain('`proxy.DefaultHttpClient`');
  });

  it('stays silent without a client in the file and for non-HTTP clients', () => {
    const src = `package cache

import "net/http"

func Load(ctx context.Context, key string) (string, error) {
	v, err := redisClient.Get(ctx, key).Result()
	if err != nil {
		return "", err
	}
	resp, err := http.Get(v)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return v, nil
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('outbound-call-bypasses-client (TypeScript)', () => {
  it('flags global fetch and axios in a class that calls through this.http', () => {
    const src = `import axios from 'axios';

export class BillingClient {
  constructor(private readonly http: HttpClient) {}

  async invoices(customerId: string) {
    return this.http.get(\`/customers/\${customerId}/invoices\`);
  }

  async refund(id: string) {
    const res = await fetch(\`\${this.baseUrl}/refunds/\${id}\`, { method: 'POST' });
    return axios.get(this.statusUrl);
  }
}
`;
    const findings = check(RULE, 'typescript', src, { path: 'src/billing/billing-client.ts' });
    expect(lines(findings)).toEqual([11, 12]);
    expect(findings[0]?.title).toContain('`this.http`');
  });

  it('flags fetch next to an imported project HTTP helper, and not when the module only uses fetch', () => {
    const withHelper = `const httpsRequest = require('./httpsRequest');

async function getUser(token) {
  return httpsRequest.get({ host: 'api.example.com', path: '/user', headers: { Authorization: token } });
}

async function getOrgs(token) {
  return fetch('https://api.example.com/orgs');
}
module.exports = { getUser, getOrgs };
`;
    expect(lines(check(RULE, 'javascript', withHelper, { path: 'src/Adapters/Auth/example.js' }))).toEqual([8]);
    const onlyFetch = `export class PayloadClient {
  async upload(ctx: Context) {
    return fetch(this.collectionUrl(ctx), { method: 'POST' });
  }
  async upsert(ctx: Context) {
    await this.upload(ctx);
    return fetch(this.collectionUrl(ctx), { method: 'PATCH' });
  }
}
`;
    expect(check(RULE, 'typescript', onlyFetch)).toEqual([]);
  });

  it('stays silent for an instance built inside a factory, global axios with interceptors and imported non-HTTP helpers', () => {
    const factory = `import axios from 'axios';
import { useApiKeys } from './hooks';

export const api = {
  get(url: string) {
    return axios.get(buildUrl(url)).then((r) => r.data);
  },
};

export function buildApiHttpClient(baseURL: string) {
  const httpClient = axios.create({ baseURL });
  return { get: (url: string) => httpClient.get(url) };
}

export async function load() {
  useApiKeys();
  return fetch(STATUS_URL);
}
`;
    expect(check(RULE, 'typescript', factory)).toEqual([]);
    const configured = `import axios from 'axios';
const client = axios.create({ timeout: 5000 });
axios.interceptors.request.use((c) => c);

export const a = () => client.get('/users');
export const b = () => axios.get(USERS_URL);
`;
    expect(check(RULE, 'typescript', configured)).toEqual([]);
    const sdk = `export class Notifier {
  constructor(private readonly mailClient: MailClient) {}
  async mail(to: string) {
    return this.mailClient.send({ to, subject: 'Hi' });
  }
  async ping() {
    return fetch(HEALTH_URL);
  }
}
`;
    expect(check(RULE, 'typescript', sdk)).toEqual([]);
  });
});

describe('outbound-call-bypasses-client (Java)', () => {
  it('flags a RestTemplate built in a method of a class that has an injected client', () => {
    const src = `package com.example.rates;
import org.springframework.web.client.RestTemplate;
@Service
public class RatesService {
    @Autowired
    private RestTemplate restTemplate;

    public Rates current() {
        return restTemplate.getForObject(ratesUrl, Rates.class);
    }

    public Rates on(LocalDate date) {
        RestTemplate template = new RestTemplate();
        return template.getForObject(ratesUrl + "/" + date, Rates.class);
    }
}
`;
    const findings = check(RULE, 'java', src, { path: 'src/main/java/com/example/rates/RatesService.java' });
    expect(lines(findings)).toEqual([13]);
    expect(findings[0]?.title).toBe('`new RestTemplate()` bypasses `restTemplate`, the client this module already uses');
  });

  it('stays silent for bean factories, static factories, fields set up in @PostConstruct, other libraries and classes without a client field', () => {
    const src = `import org.springframework.web.client.RestTemplate;
import java.net.http.HttpClient;
import org.elasticsearch.client.RestClient;

public class TbClient {
    private RestTemplate restTemplate;
    private HttpClient http;
    private RestClient es;

    public String get() { return restTemplate.getForObject(baseUrl + "/x", String.class); }
    public void ping() throws Exception { http.send(request, HttpResponse.BodyHandlers.ofString()); }
    public void index() { es.performRequest(request); }

    public static TbClient withKey(String baseUrl) { return new TbClient(new RestTemplate(), baseUrl); }

    @PostConstruct
    public void init() { http = HttpClient.newBuilder().build(); }

    public void reconnect() { this.http = HttpClient.newHttpClient(); }

    public void esInit() { RestClient.builder(host).build(); }
}

@Configuration
public class HttpConfig {
    private RestTemplate restTemplate;

    public void warm() { restTemplate.getForObject(url, String.class); }

    @Bean
    public RestTemplate restTemplate() {
        return new RestTemplate();
    }
}

public class Plain {
    public String get() {
        return new RestTemplate().getForObject(url, String.class);
    }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});
