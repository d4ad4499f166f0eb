import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'adapter-returns-raw-response';

describe('adapter-returns-raw-response (Python)', () => {
  it('flags a public function returning a requests response, directly or through a variable', () => {
    const src = `import requests

def detect_language(text):
    return requests.post(TRANSLATOR_URL + "/detect", json=[{"Text": text}], timeout=5)

class Client:
    def get_user(self, user_id):
        resp = self.session.get(f"{self.base_url}/users/{user_id}", timeout=5)
        resp.raise_for_status()
        return resp

    def user_name(self, user_id) -> str:
        resp = self.session.get(f"{self.base_url}/users/{user_id}", timeout=5)
        return resp.json()["name"]
`;
    const findings = check(RULE, 'python', src, { path: 'app/translate.py' });
    expect(lines(findings)).toEqual([4, 10]);
    expect(findings[0]?.title).toBe('`detect_language()` returns the raw HTTP response');
    expect(findings[0]?.category).toBe('abstraction');
  });

  it("flags SendGrid's raw response and a Response annotation at the signature", () => {
    const src = `import requests
from sendgrid import SendGridAPIClient

def send_email(config, message):
    client = SendGridAPIClient(config.api_key)
    return client.send(message)

def fetch_report(report_id) -> requests.Response:
    return requests.get(REPORTS_URL + report_id, timeout=5)
`;
    expect(lines(check(RULE, 'python', src, { path: 'saleor/plugins/sendgrid/tasks.py' }))).toEqual([6, 8]);
  });

  it('is silent for private functions, generic transport helpers and parsed results', () => {
    const src = `import requests

def _post(payload):
    return requests.post(API_URL, json=payload, timeout=5)

def request(method, url, **kwargs):
    return requests.request(method, url, timeout=5, **kwargs)

def get_json(path):
    return requests.get(API_URL + path, timeout=5).json()
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('adapter-returns-raw-response (Go)', () => {
  it('flags an exported method returning *http.Response', () => {
    const src = `package bitbucket

func (c *Client) OpenSource(ctx context.Context, owner, name, rev, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}
`;
    const findings = check(RULE, 'go', src, { path: 'server/forge/bitbucket/internal/client.go' });
    expect(lines(findings)).toEqual([3]);
    expect(findings[0]?.title).toBe('`Client.OpenSource()` returns the raw HTTP response');
  });

  it('is silent for Do/RoundTrip, generic helpers, unexported functions and closed bodies', () => {
    const src = `package client

func (c *Client) Do(req *http.Request) (*http.Response, error) { return c.hc.Do(req) }

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) { return t.base.RoundTrip(req) }

func (c *Client) Fetch(ctx context.Context, method, url string) (*http.Response, error) { return nil, nil }

func (c *Client) openSource(path string) (*http.Response, error) { return nil, nil }

func (c *Client) Ping() (*http.Response, error) {
	resp, err := http.Get(c.base)
	defer resp.Body.Close()
	return resp, err
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('adapter-returns-raw-response (TypeScript)', () => {
  it('flags a public client method returning the fetch Response', () => {
    const src = `export class PayloadClient {
  findVariant(context: Context): Promise<Response> {
    return fetch(\`\${this.collectionUrl(context)}?limit=1\`, { headers: this.headers(context) });
  }

  async getItems(context: Context) {
    const res = await fetch(this.collectionUrl(context));
    return res;
  }

  private raw(context: Context) {
    return fetch(this.collectionUrl(context));
  }

  items(context: Context) {
    return fetch(this.collectionUrl(context)).then((r) => r.json());
  }
}
`;
    expect(lines(check(RULE, 'typescript', src, { path: 'src/providers/payload/payload-client.ts' }))).toEqual([2, 8]);
  });

  it('is silent for route handlers, (req, res) handlers and generic fetch helpers', () => {
    const src = `import type { Response } from 'express';

export async function GET(request: Request): Promise<Response> {
  return fetch(UPSTREAM_URL);
}

export const proxy = async (req: Request, res: Response) => {
  return fetch(UPSTREAM_URL);
};

export function fetchWithTimeout(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, init);
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });
});

describe('adapter-returns-raw-response (Java)', () => {
  it('flags a public service method returning the JAX-RS client Response', () => {
    const src = `import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.core.Response;

public class LedgerService {
    private final Client client;

    public Response getRefundsForPayment(String paymentId) {
        return getResponse(uri(paymentId));
    }

    private Response getResponse(URI uri) {
        return client.target(uri).request().get();
    }
}
`;
    const findings = check(RULE, 'java', src, { path: 'src/main/java/uk/gov/pay/ledger/LedgerService.java' });
    expect(lines(findings)).toEqual([7]);
  });

  it('flags a client ResponseEntity, with lower confidence when its body is already a typed object', () => {
    const src = `import org.springframework.web.client.RestTemplate;
import org.springframework.http.ResponseEntity;

public class TbClient {
    private final RestTemplate restTemplate;

    public ResponseEntity<String> checkToken(String token) {
        return restTemplate.getForEntity(baseURL + "/api/check?token={t}", String.class, token);
    }

    public ResponseEntity<Resource> download(String id) {
        return restTemplate.exchange(baseURL + "/api/resource/" + id, HttpMethod.GET, null, Resource.class);
    }
}
`;
    const findings = check(RULE, 'java', src, { path: 'rest-client/src/main/java/org/tb/TbClient.java' });
    expect(lines(findings)).toEqual([7, 11]);
    expect(findings.map((f) => f.confidence)).toEqual([0.75, 0.6]);
  });

  it('is silent for controllers, resources and classes that use no HTTP client API', () => {
    const controller = `import org.springframework.web.client.RestTemplate;
import org.springframework.http.ResponseEntity;

@RestController
public class RatesController {
    @GetMapping("/rates")
    public ResponseEntity<Rates> rates() { return ResponseEntity.ok(service.rates()); }
}
`;
    expect(check(RULE, 'java', controller)).toEqual([]);
    const resource = `import javax.ws.rs.core.Response;

public class AccountService {
    public Response create(Account a) { return Response.ok(a).build(); }
}
`;
    expect(check(RULE, 'java', resource)).toEqual([]);
  });
});
