import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'secret-in-url-query';

describe('secret-in-url-query', () => {
  it('flags an OAuth client secret built into a token-exchange URL (TypeScript)', () => {
    const src = `export class GithubAuth {
  async exchange(code: string) {
    const params = \`client_id=\${this.config.clientId}&client_secret=\${
      this.config.clientSecret
    }&code=\${code}\`;
    const url = new URL(\`https://github.com/login/oauth/access_token?\${params}\`);
    const res = await fetch(url.toString(), { method: 'POST' });
    const u = new URL('https://api.vendor.com/v1/me');
    u.searchParams.set('access_token', this.accessToken);
    return this.http.get(u.toString());
  }
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([4, 9]);
    expect(findings[0]?.title).toBe('Credential sent in the URL query string');
    expect(findings[0]?.body).toContain('`client_secret=`');
  });

  it('flags tokens in query strings built by format, Sprintf, a Go query builder and Spring queryParam', () => {
    const py = `class Notify:
    def send(self, body):
        url = "{}?token={}".format(self.base_url, self.token)
        return requests.post(url, data=body, timeout=5)
`;
    expect(lines(check(RULE, 'python', py))).toEqual([3]);
    const go = `package mail

func (c *Client) send(body []byte, accessToken string) error {
	req, err := http.NewRequest("POST", c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	q := req.URL.Query()
	q.Set("access_token", accessToken)
	req.URL.RawQuery = q.Encode()
	resp, err := http.Get(fmt.Sprintf("%s/me?api_key=%s", c.base, c.apiKey))
	_ = resp
	return err
}
`;
    expect(lines(check(RULE, 'go', go))).toEqual([9, 11]);
    const java = `class Vendor {
    String me() {
        URI uri = UriComponentsBuilder.fromHttpUrl(base).queryParam("access_token", accessToken).build().toUri();
        return restTemplate.getForObject(uri, String.class);
    }
}
`;
    expect(lines(check(RULE, 'java', java))).toEqual([3]);
  });

  it('does not flag secrets in the path or body, non-credential parameters, or literals', () => {
    const ts = `export async function send(token: string, chatId: string, code: string) {
  await axios.post(\`https://api.telegram.org/bot\${token}/sendMessage\`, { chat_id: chatId });
  await fetch(\`https://example.com/callback?code=\${code}&state=\${state}\`);
  await fetch('https://example.com/oauth/token', { method: 'POST', body: new URLSearchParams({ client_secret: secret }) });
  await fetch(\`https://example.com/api?api_key=public-demo\`);
}
`;
    expect(check(RULE, 'typescript', ts)).toEqual([]);
    const py = `def send(self):
    return requests.post(self.url, data={"token": self.token}, timeout=5)
`;
    expect(check(RULE, 'python', py)).toEqual([]);
  });
});
