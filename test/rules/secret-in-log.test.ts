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
