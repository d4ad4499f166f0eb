import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'secret-in-log';

describe('secret-in-log (TypeScript/JavaScript)', () => {
  it('flags a token, an auth header and a whole header map passed to loggers', () => {
    const src = `export async function refresh(req: Request, res: Response) {
  const { accessToken } = await oauth.refresh(req.body.refreshToken);
  logger.info({ accessToken, userId: req.user.id }, 'token refreshed');
  console.log(\`auth header: \${req.headers.authorization}\`);
  req.log.debug('incoming headers', req.headers);
  res.json({ ok: true });
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([3, 4, 5]);
    expect(findings[0]?.title).toBe('Secret written to logs');
    expect(findings[0]?.body).toContain('`logger.info(…)` writes `accessToken`');
    expect(findings[1]?.body).toContain('`req.headers.authorization`');
    expect(findings[2]?.body).toContain('`req.headers`');
    expect(findings[0]?.category).toBe('security');
  });

  it('flags a credential under a secret-named key and one read from the environment', () => {
    const src = `const client = new Twilio(sid, authToken);
console.error('twilio init failed', JSON.stringify({ apiKey: config.twilioKey }));
logger.warn(\`falling back to key \${process.env.STRIPE_SECRET_KEY}\`);
`;
    expect(lines(check(RULE, 'javascript', src))).toEqual([2, 3]);
  });

  it('does not flag counts, tokenizers, reset URLs, presence checks or masked values', () => {
    const src = `export function report(user: User, apiKey: string, tokenCount: number) {
  logger.info('usage', { tokenCount, tokenizer: tokenizer.name, passwordResetUrl: user.passwordResetUrl });
  logger.debug('key configured', { hasKey: !!apiKey, length: apiKey.length, tail: apiKey.slice(-4) });
  logger.info(\`using key \${mask(apiKey)}\`);
  console.log('token present:', apiKey !== undefined);
  logger.info('next page', { nextPageToken });
  logger.warn('token expired', { token: session.tokenId, apiKey: user.apiKeyPrefix });
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a log line the change did not touch', () => {
    const src = `logger.info({ accessToken }, 'token refreshed');
logger.info('done');
`;
    expect(check(RULE, 'typescript', src, { changed: [2] })).toEqual([]);
  });
});

describe('secret-in-log (Python)', () => {
  it('flags tokens and headers in logging and print calls', () => {
    const src = `import logging

logger = logging.getLogger(__name__)

def connect(api_key: str):
    logger.info("connecting to Stripe with key %s", api_key)
    print(f"Authorization: {request.headers['Authorization']}")
    logging.debug("headers: %s", dict(request.headers))
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([6, 7, 8]);
    expect(findings[0]?.body).toContain('`logger.info(…)` writes `api_key`');
  });

  it('does not flag non-secret names or measured values', () => {
    const src = `def connect(api_key: str, token_count: int):
    logger.info("prompt used %d tokens", token_count)
    logger.info("reset link %s", password_reset_url)
    logger.info("key present: %s", api_key is not None)
    logger.info("key tail %s", api_key[-4:])
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('secret-in-log (secrets carried by logged variables)', () => {
  it('flags a payload dict, a dict from a same-file helper and a URL formatted with the token', () => {
    const src = `class NotifySMS:
    def _base_params(self):
        params = {"login": self.user, "psw": self.password}
        return params

    def send(self, body):
        params = self._base_params()
        params["mes"] = body
        self.logger.debug("SMSC Params: %s", params)
        fields = dict(self.base_fields)
        fields["password"] = self.secret_value
        self.logger.debug("Payload: %s", fields)
        notify_url = "https://notica.us/?{}".format(self.token)
        self.logger.debug("POST URL: %s", notify_url)
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([9, 12, 14]);
    expect(findings[0]?.body).toContain('writes `params`, which holds `self.password` (line 3)');
  });

  it('flags a query string built with an api key and logged (TypeScript, Go, Java)', () => {
    const ts = `export async function send(apiKey: string, to: string) {
  const url = \`https://api.vendor.com/send?api_key=\${apiKey}&to=\${to}\`;
  logger.debug(\`calling \${url}\`);
  return axios.get(url, { timeout: 5000 });
}
`;
    expect(lines(check(RULE, 'typescript', ts))).toEqual([3]);
    const go = `package vendor

func (c *Client) Send(to string) error {
	u := fmt.Sprintf("%s/send?token=%s&to=%s", c.baseURL, c.token, to)
	log.Printf("calling %s", u)
	return nil
}
`;
    expect(lines(check(RULE, 'go', go))).toEqual([5]);
    const java = `class Vendor {
    void send(String to) {
        String url = baseUrl + "/send?apiKey=" + this.apiKey + "&to=" + to;
        LOGGER.debug("calling {}", url);
    }
}
`;
    expect(lines(check(RULE, 'java', java))).toEqual([4]);
  });

  it('does not flag a logged variable built without a secret, or a response', () => {
    const src = `class NotifySMS:
    def send(self, body):
        params = {"login": self.user, "mes": body, "count": len(self.token)}
        self.logger.debug("Params: %s", params)
        url = "{}/send".format(self.host)
        self.logger.debug("POST URL: %s", url)
        r = requests.post(url, auth=(self.user, self.password), timeout=5)
        self.logger.debug("Response: %s", r)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });

  it('does not flag a message about a rejected credential, or a message variable reassigned since', () => {
    const src = `class NotifyVendor:
    def __init__(self, apikey, source):
        self.apikey = validate_regex(apikey)
        if not self.apikey:
            msg = "An invalid API Key ({}) was specified.".format(apikey)
            self.logger.warning(msg)
            raise TypeError(msg)
        msg = "Using source {}".format(source)
        self.logger.info(msg)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });

  it('flags an event payload holding the integration key, and a request whose headers got the API key', () => {
    const py = `def notify(alert, options):
    data = {"routing_key": options.get("integration_key"), "summary": alert.name}
    resp = requests.post(EVENTS_API_URL, json=data, timeout=5.0)
    if resp.status_code != 202:
        logging.error("PagerDuty rejected event %s: %s", data, resp.status_code)
`;
    expect(lines(check(RULE, 'python', py))).toEqual([5]);
    const ts = `export async function call(url: string, apiKey: string) {
  const req: any = { url, headers: {} };
  req.headers['X-Api-Key'] = apiKey;
  logger.debug('calling', req);
}
`;
    expect(lines(check(RULE, 'typescript', ts))).toEqual([4]);
  });

  it('stays silent in command-line tools', () => {
    const src = `export default async function ({ email }) {
  const invite = await inviteService.create(email)
  console.log(\`Invite token: \${invite.token}\`)
}
`;
    expect(check(RULE, 'javascript', src, { path: 'packages/medusa/src/commands/user.js' })).toEqual([]);
  });
});

describe('secret-in-log (Go)', () => {
  it('flags log.Printf, fmt.Println and structured fields carrying credentials', () => {
    const src = `package auth

func Login(w http.ResponseWriter, r *http.Request) {
	token := issueToken(r)
	log.Printf("issued token %s", token)
	fmt.Println("auth:", r.Header.Get("Authorization"))
	logger.Info("login", zap.String("api_key", cfg.Key))
	slog.Info("login", "password", form.Password)
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([5, 6, 7, 8]);
    expect(findings[0]?.body).toContain('`log.Printf(…)` writes `token`');
  });

  it('does not flag writes to the response or lengths', () => {
    const src = `package auth

func Login(w http.ResponseWriter, r *http.Request) {
	token := issueToken(r)
	fmt.Fprintf(w, "{\\"token\\": %q}", token)
	log.Printf("issued token of %d bytes", len(token))
	slog.Info("login", "user", userID)
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('secret-in-log (Java)', () => {
  it('flags LOGGER and System.out calls with credentials', () => {
    const src = `public class TokenService {
    public void refresh(HttpServletRequest request) {
        String accessToken = oauth.refresh();
        LOGGER.info("refreshed token {}", accessToken);
        System.out.println("auth " + request.getHeader("Authorization"));
        log.debug("client secret {}", props.getClientSecret());
    }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([4, 5, 6]);
  });

  it('does not flag presence checks or non-secret names', () => {
    const src = `public class TokenService {
    public void refresh(String accessToken, int tokenCount) {
        LOGGER.info("token present: {}", accessToken != null);
        LOGGER.info("used {} tokens", tokenCount);
        LOGGER.info("token length {}", accessToken.length());
    }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});
