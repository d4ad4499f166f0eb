import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'signature-compare-not-constant-time';

describe('signature-compare-not-constant-time (TypeScript/JavaScript)', () => {
  it('flags a GitHub HMAC compared with !==', () => {
    const src = `import crypto from 'node:crypto';

export function verifyGithub(req: Request, secret: string): boolean {
  const signature = req.get('X-Hub-Signature-256') ?? '';
  const expected = 'sha256=' + crypto.createHmac('sha256', secret).update(req.rawBody).digest('hex');
  if (signature !== expected) return false;
  return true;
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([6]);
    expect(findings[0]?.title).toBe('Signature compared in non-constant time');
    expect(findings[0]?.body).toContain('`signature !== expected` compares a signature with `!==`');
    expect(findings[0]?.body).toContain('crypto.timingSafeEqual');
    expect(findings[0]?.suggestion).toBeUndefined();
  });

  it('flags a digest compared straight against the header, and Buffer.equals', () => {
    const src = `export function valid(req, secret) {
  const digest = crypto.createHmac('sha256', secret).update(req.rawBody).digest('base64');
  const ok = crypto.createHmac('sha256', secret).update(req.rawBody).digest('base64') == req.headers['x-shopify-hmac-sha256'];
  return ok && Buffer.from(digest).equals(Buffer.from(req.headers['x-shopify-hmac-sha256']));
}
`;
    expect(lines(check(RULE, 'javascript', src))).toEqual([3, 4]);
  });

  it('flags an HMAC hash compared with the hash taken from the webhook header', () => {
    const src = `export class InviteNudgeWebhook {
  async execute(command: Command) {
    const hmacHash = createHash(process.env.NOVU_API_KEY || '', command.body.environmentId);
    const hmacHashFromWebhook = command?.headers?.['nv-hmac-256'];
    if (hmacHash !== hmacHashFromWebhook) {
      throw new Error('Unauthorized request');
    }
  }
}
`;
    expect(lines(check(RULE, 'typescript', src))).toEqual([5]);
  });

  it('does not flag equality of two objects or signatures outside HMAC and webhook code', () => {
    const src = `export function sameShape(member: Node, other: Node): boolean {
  if (member.type === AST_NODE_TYPES.TSCallSignatureDeclaration) return true;
  return member.signature === other.signature;
}
export function sameApi(sig: string, actual: string): boolean {
  return sig === actual;
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not flag timingSafeEqual, presence checks or length checks', () => {
    const src = `export function verify(signature: string | undefined, body: Buffer, secret: string): boolean {
  const expected = crypto.createHmac('sha256', secret).update(body).digest('hex');
  if (signature === undefined || typeof signature !== 'string') return false;
  if (signature.length !== expected.length) return false;
  if (sigVersion === 'v1') return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
  return false;
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a comparison on an unchanged line', () => {
    const src = `const expected = sign(body);
if (signature !== expected) throw new Error('bad signature');
`;
    expect(check(RULE, 'typescript', src, { changed: [1] })).toEqual([]);
  });
});

describe('signature-compare-not-constant-time (Python)', () => {
  it('flags != on an HMAC and suggests hmac.compare_digest', () => {
    const src = `import hashlib
import hmac

def verify(request, secret: bytes) -> bool:
    signature = request.headers.get("X-Hub-Signature-256", "")
    expected = "sha256=" + hmac.new(secret, request.data, hashlib.sha256).hexdigest()
    if signature != expected:
        return False
    return True
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([7]);
    expect(findings[0]?.suggestion).toBe('    if not hmac.compare_digest(signature, expected):');
  });

  it('does not flag hmac.compare_digest or a None check', () => {
    const src = `import hmac

def verify(signature, expected) -> bool:
    if signature is None or signature == "":
        return False
    return hmac.compare_digest(signature, expected)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('signature-compare-not-constant-time (Go)', () => {
  it('flags == on a signature and suggests hmac.Equal', () => {
    const src = `package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

func valid(body []byte, sig string, secret []byte) bool {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	expected := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	return sig == expected
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([13]);
    expect(findings[0]?.suggestion).toBe('\treturn hmac.Equal([]byte(sig), []byte(expected))');
  });

  it('flags a local holding an HMAC digest compared with the received value by !=', () => {
    const src = `package pay

func (p *Provider) Verify(body []byte, header string) error {
	received := parseHeader(header)
	mac := hmac.New(sha256.New, []byte(p.Secret))
	mac.Write(body)
	expected := hex.EncodeToString(mac.Sum(nil))
	if expected != received {
		return errMismatch
	}
	sum := sha256.Sum256(body)
	checksum := hex.EncodeToString(sum[:])
	if checksum != p.LastChecksum {
		return nil
	}
	return nil
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([8]);
  });

  it('flags bytes.Equal on MACs', () => {
    const src = `package webhooks

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
)

func valid(message, messageMAC, key []byte) bool {
	mac := hmac.New(sha256.New, key)
	mac.Write(message)
	expectedMAC := mac.Sum(nil)
	return bytes.Equal(messageMAC, expectedMAC)
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([13]);
    expect(findings[0]?.body).toContain('`bytes.Equal`');
    expect(findings[0]?.suggestion).toBe('\treturn hmac.Equal(messageMAC, expectedMAC)');
  });

  it('does not flag hmac.Equal or an empty-header check', () => {
    const src = `package webhooks

func valid(sig string, expectedMAC, messageMAC []byte) bool {
	if sig == "" {
		return false
	}
	return hmac.Equal(messageMAC, expectedMAC)
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('signature-compare-not-constant-time (Java)', () => {
  it('flags String.equals and Arrays.equals on signatures', () => {
    const src = `public class SignatureVerifier {
    public boolean verify(String payload, String signatureHeader) {
        String expectedSignature = "sha256=" + hmacHex(payload);
        if (!expectedSignature.equals(signatureHeader)) return false;
        return Arrays.equals(computeHmac(payload), decode(signatureHeader));
    }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([4, 5]);
    expect(findings[0]?.body).toContain('MessageDigest.isEqual');
  });

  it('does not flag MessageDigest.isEqual or a null check', () => {
    const src = `public class SignatureVerifier {
    public boolean verify(byte[] payload, byte[] signature, SecretKeySpec key) throws Exception {
        if (signature == null) return false;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        byte[] expectedSignature = mac.doFinal(payload);
        return MessageDigest.isEqual(expectedSignature, signature);
    }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });

  it('flags a digest-based push sign compared with String.equals', () => {
    const src = `import java.security.MessageDigest;

public class PushVerifier {
    public boolean accept(String body, String requestSign) {
        String expectedSign = Base64.getEncoder().encodeToString(md5(body + appKey));
        return expectedSign != null && expectedSign.equals(requestSign);
    }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([6]);
  });

  it('does not flag signs that are not signatures', () => {
    const src = `import java.security.MessageDigest;

public class Money {
    boolean same(String currencySign, String other) { return currencySign.equals(other); }
    boolean sign(String a, String b) { return a.equals(b); }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});

describe('signature-compare-not-constant-time (shared secrets: API keys and tokens)', () => {
  it('flags a presented token compared with the configured key (Python, TypeScript, Go, Java)', () => {
    const py = `@token_auth.verify_token
def verify_token(token):
    service_key = current_app.config.get('SERVICE_API_KEY')
    if service_key and token == service_key:
        return service_user()
    return User.check_token(token)
`;
    const findings = check(RULE, 'python', py);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.title).toBe('Secret compared in non-constant time');
    const ts = `app.use((req, res, next) => {
  if (req.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) {
    return res.status(401).send('Unauthorized');
  }
  next();
});
`;
    expect(lines(check(RULE, 'typescript', ts))).toEqual([2]);
    const go = `package api

func requireKey(next http.Handler) http.Handler {
	apiKey := os.Getenv("API_KEY")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != apiKey {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
`;
    expect(lines(check(RULE, 'go', go))).toEqual([6]);
    const java = `class ApiKeyFilter {
    boolean authenticate(String apiKey) {
        return apiKey.equals(properties.getApiKey());
    }
}
`;
    expect(lines(check(RULE, 'java', java))).toEqual([3]);
  });

  it('does not flag password confirmations, rotation checks, presence checks or non-auth code', () => {
    const py = `def change_password(form):
    if form.new_password != form.confirm_password:
        raise ValidationError("mismatch")

def refresh(client, token):
    if client.cached_token == token:
        return
    if token is None:
        return

def render(api_key, token):
    return api_key == token
`;
    expect(check(RULE, 'python', py)).toEqual([]);
  });
});
