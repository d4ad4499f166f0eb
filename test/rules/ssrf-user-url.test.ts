import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'ssrf-user-url';

describe('ssrf-user-url (TypeScript/JavaScript)', () => {
  it('flags fetch and axios calls to URLs from the request body and query', () => {
    const src = `router.post('/integrations/test', async (req, res) => {
  const probe = await fetch(req.body.url, { signal: AbortSignal.timeout(5000) });
  const { callbackUrl } = req.body;
  await axios.post(callbackUrl, { ok: probe.ok }, { timeout: 5000 });
  const target = req.query.target as string;
  await got(\`\${target}/health\`, { timeout: { request: 5000 } });
  res.sendStatus(204);
});
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([2, 4, 6]);
    expect(findings[0]?.title).toBe('Outbound request to a user-supplied URL');
    expect(findings[0]?.body).toContain('`fetch(…)` targets a URL taken from the request — `req.body.url`');
    expect(findings[1]?.body).toContain('through `callbackUrl` (line 3)');
  });

  it('does not flag a fixed host with a user path segment, or a handler with an allow-list check', () => {
    const src = `router.get('/customers/:id', async (req, res) => {
  const r = await fetch(\`https://api.stripe.com/v1/customers/\${req.params.id}\`, { signal: AbortSignal.timeout(5000) });
  res.json(await r.json());
});

router.post('/hooks/test', async (req, res) => {
  const url = new URL(req.body.url);
  if (url.protocol !== 'https:' || !ALLOWED_HOSTS.has(url.hostname)) return res.sendStatus(400);
  await fetch(req.body.url, { signal: AbortSignal.timeout(5000) });
  res.sendStatus(204);
});
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a call on an unchanged line', () => {
    const src = `router.post('/probe', async (req, res) => {
  await fetch(req.body.url);
  res.sendStatus(204);
});
`;
    expect(check(RULE, 'javascript', src, { changed: [3] })).toEqual([]);
  });
});

describe('ssrf-user-url (Python)', () => {
  it('flags Flask request args and FastAPI url parameters reaching requests/httpx', () => {
    const src = `@app.route("/preview")
def preview():
    url = request.args.get("url")
    resp = requests.get(url, timeout=5)
    return resp.text

@router.post("/webhooks/subscriptions")
async def subscribe(callback_url: str, body: SubscriptionIn):
    async with httpx.AsyncClient(timeout=5) as client:
        await client.post(callback_url, json={"ping": True})
        await client.get(body.verify_url)
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([4, 10, 11]);
    expect(findings[0]?.body).toContain('`request.args.get("url")` through `url` (line 3)');
  });

  it('does not flag a fixed host or a checked netloc', () => {
    const src = `@app.route("/preview")
def preview():
    requests.get(f"https://api.example.com/items/{request.args['id']}", timeout=5)
    url = request.args.get("url")
    if urlparse(url).netloc not in ALLOWED_HOSTS:
        abort(400)
    return requests.get(url, timeout=5).text
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('ssrf-user-url (Go)', () => {
  it('flags net/http and gin handlers fetching a query parameter', () => {
    const src = `package preview

func Preview(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("url")
	resp, err := http.Get(target)
	if err != nil {
		return
	}
	defer resp.Body.Close()
}

func GinPreview(c *gin.Context) {
	req, _ := http.NewRequestWithContext(c, http.MethodGet, c.Query("url"), nil)
	_, _ = httpClient.Do(req)
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([5, 13]);
  });

  it('does not flag a fixed host or a value that is not request input', () => {
    const src = `package preview

func Status(w http.ResponseWriter, r *http.Request) {
	resp, err := http.Get("https://status.example.com/api?component=" + r.URL.Query().Get("c"))
	_, _ = resp, err
	resp, err = http.Get(cfg.HealthURL)
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('ssrf-user-url (Java)', () => {
  it('flags RestTemplate and new URL with a request parameter', () => {
    const src = `@RestController
public class PreviewController {
    @GetMapping("/preview")
    public String preview(@RequestParam("url") String target, HttpServletRequest request) throws Exception {
        String body = restTemplate.getForObject(target, String.class);
        URL avatar = new URL(request.getParameter("avatar"));
        byte[] image = avatar.openStream().readAllBytes();
        HttpRequest req = HttpRequest.newBuilder(URI.create(request.getParameter("hook"))).build();
        return body;
    }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([5, 7, 8]);
    expect(findings[0]?.body).toContain('`restTemplate.getForObject(…)`');
  });

  it('does not flag a request parameter used only in the path, or a checked host', () => {
    const src = `@RestController
public class PreviewController {
    @GetMapping("/orders")
    public String order(@RequestParam String id) {
        return restTemplate.getForObject("https://api.example.com/orders/" + id, String.class);
    }

    @GetMapping("/preview")
    public String preview(@RequestParam String url) {
        if (!allowedHosts.contains(URI.create(url).getHost())) throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
        return restTemplate.getForObject(url, String.class);
    }

    @GetMapping("/login")
    public void login(@RequestParam String redirect, HttpServletResponse response) throws Exception {
        URI target = URI.create(redirect);
        URL parsed = new URL(redirect);
        response.sendRedirect(target.getPath());
    }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});
