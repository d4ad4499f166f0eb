import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'hardcoded-secret';

// Fake credentials are assembled at run time so the repository itself never holds a vendor-shaped key
// (GitHub push protection and secret scanners would rightly flag them).
const STRIPE_LIVE = ['sk', 'live', '51HqLyjWDarjtT1zdp7dcXkT3h8cBQRvY'].join('_');
const AWS_KEY_ID = 'AKIA' + 'J3Q7ZVXK2LMNPQRS';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9kLm2Pv' + 'W';
const GITHUB_TOKEN = 'ghp' + '_' + 'R8fK2mQ9vLx4TzW7nB3cJ5hY1sD6gP0aE2kU';
const SENDGRID = 'SG' + '.' + 'ngeVfQFYQlKU0ufo8x5d1A' + '.' + 'TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr';
const PEM_BODY = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw';
const PEM_HEADER = '-----BEGIN RSA ' + 'PRIVATE KEY-----';

describe('hardcoded-secret (TypeScript/JavaScript)', () => {
  it('flags a live Stripe key passed to the SDK and masks it', () => {
    const src = `import Stripe from 'stripe';

export const stripe = new Stripe('${STRIPE_LIVE}', { apiVersion: '2024-06-20' });
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([3]);
    expect(findings[0]?.title).toBe('Hard-coded Stripe live secret key');
    expect(findings[0]?.body).toContain('`sk_l****`');
    expect(findings[0]?.body).not.toContain(STRIPE_LIVE);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.suggestion).toBeUndefined();
  });

  it('suggests an env lookup for a one-line constant', () => {
    const src = `const STRIPE_SECRET_KEY = '${STRIPE_LIVE}';
const stripe = new Stripe(STRIPE_SECRET_KEY);
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([1]);
    expect(findings[0]?.suggestion).toBe('const STRIPE_SECRET_KEY = process.env.STRIPE_SECRET_KEY;');
  });

  it('offers no suggestion in TypeScript, where process.env would change the constant\'s type', () => {
    const src = `export const STRIPE_SECRET_KEY = '${STRIPE_LIVE}';
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([1]);
    expect(findings[0]?.suggestion).toBeUndefined();
  });

  it('flags a generic credential assigned to a password-named property', () => {
    const src = `export const db = new Pool({
  host: 'db.internal',
  user: 'billing',
  password: 'Tr0ub4dor&3xyz',
});
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.title).toBe('Hard-coded credential');
    expect(findings[0]?.body).toContain('`password` is set to a literal credential (`Tr0u****`)');
  });

  it('flags a PEM private key in a string and in a comment, but not a bare header check', () => {
    const src = `const signingKey = '${PEM_HEADER}\\n${PEM_BODY}\\n-----END RSA PRIVATE KEY-----';
// ${PEM_HEADER}
// ${PEM_BODY}
export function isPem(key: string): boolean {
  return key.startsWith('${PEM_HEADER}');
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([1, 2]);
    expect(findings[0]?.title).toBe('Hard-coded RSA private key');
    expect(findings[1]?.body).toContain('comment');
    expect(findings.map((f) => f.body).join()).not.toContain(PEM_BODY);
  });

  it('does not flag env lookups, test keys, placeholders, documented examples or field names', () => {
    const src = `export const config = {
  stripeKey: process.env.STRIPE_SECRET_KEY ?? '',
  stripeTestKey: 'sk_test_51HqLyjWDarjtT1zdp7dcXkT3h8cBQRvY',
  stripePublishableKey: 'pk_live_51HqLyjWDarjtT1zdp7dcXkT3h8cBQRvY',
  webhookSecret: 'changeme',
  awsExample: 'AKIAIOSFODNN7EXAMPLE',
  apiKey: '<your-api-key>',
  token: '',
};
const PASSWORD_FIELD = 'password';
const API_KEY_HEADER = 'x-api-key';
const TOKEN_URL = 'https://auth.example.com/oauth/token';
const passwordResetUrl = 'https://app.example.com/reset?v=2';
// Rotate ${'sk_' + 'live_'}… keys from the dashboard.
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a secret on a line the change did not touch', () => {
    const src = `const STRIPE_SECRET_KEY = '${STRIPE_LIVE}';
export const stripe = new Stripe(STRIPE_SECRET_KEY);
`;
    expect(check(RULE, 'typescript', src, { changed: [2] })).toEqual([]);
  });
});

describe('hardcoded-secret (Python)', () => {
  it('flags AWS keys in settings and suggests os.environ when os is imported', () => {
    const src = `import os

AWS_ACCESS_KEY_ID = "${AWS_KEY_ID}"
AWS_SECRET_ACCESS_KEY = "${AWS_SECRET}"
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([3, 4]);
    expect(findings[0]?.title).toBe('Hard-coded AWS access key ID');
    expect(findings[0]?.suggestion).toBe('AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]');
    expect(findings[1]?.title).toBe('Hard-coded AWS secret access key');
    expect(findings[1]?.body).toContain('`wJal****`');
    expect(findings[1]?.body).not.toContain(AWS_SECRET);
  });

  it('flags a key passed as a keyword argument without a suggestion', () => {
    const src = `from sendgrid import SendGridAPIClient

client = SendGridAPIClient(api_key="${SENDGRID}")
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([3]);
    expect(findings[0]?.title).toBe('Hard-coded SendGrid API key');
    expect(findings[0]?.suggestion).toBeUndefined();
  });

  it('does not flag env lookups with defaults or empty passwords', () => {
    const src = `import os

STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "")
DB_PASSWORD = os.getenv("DB_PASSWORD")
SMTP_PASSWORD = ""
SECRET_KEY_ENV = "DJANGO_SECRET_KEY"
api_token = r"[A-Za-z0-9]{32}"
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('hardcoded-secret (Go)', () => {
  it('flags a GitHub token in a var and suggests os.Getenv', () => {
    const src = `package github

import (
	"os"

	"github.com/google/go-github/v62/github"
)

var githubToken = "${GITHUB_TOKEN}"

func Client() *github.Client {
	return github.NewClient(nil).WithAuthToken(githubToken)
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([9]);
    expect(findings[0]?.title).toBe('Hard-coded GitHub token');
    expect(findings[0]?.suggestion).toBe('var githubToken = os.Getenv("GITHUB_TOKEN")');
  });

  it('flags a const without a suggestion, since a const cannot call os.Getenv', () => {
    const src = `package billing

const stripeKey = "${STRIPE_LIVE}"
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([3]);
    expect(findings[0]?.suggestion).toBeUndefined();
  });

  it('does not flag a key read from the environment', () => {
    const src = `package billing

import "os"

var stripeKey = os.Getenv("STRIPE_SECRET_KEY")

func Password() string { return os.Getenv("DB_PASSWORD") }
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('hardcoded-secret (Java)', () => {
  it('flags a SendGrid key in a constant and suggests System.getenv', () => {
    const src = `package com.acme.mail;

public class MailConfig {
    private static final String SENDGRID_API_KEY = "${SENDGRID}";
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.suggestion).toBe('    private static final String SENDGRID_API_KEY = System.getenv("SENDGRID_API_KEY");');
  });

  it('does not flag Spring-injected secrets', () => {
    const src = `package com.acme.mail;

public class MailConfig {
    @Value("\${sendgrid.api-key}")
    private String apiKey;
    private final String password = System.getenv("SMTP_PASSWORD");
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});

describe('hardcoded-secret (credential-named constants without a vendor prefix)', () => {
  const HEX = 'a8f5f167f44f4964e6c998dee827110c';

  it('flags generic credentials in constants, setters and builder steps in all four languages', () => {
    expect(lines(check(RULE, 'typescript', `export const JWT_SECRET = 'kj3h4kj5h34kjh5q';\nexport const API_TOKEN = '${HEX}';\n`))).toEqual([1, 2]);
    expect(lines(check(RULE, 'python', `DB_PASSWORD = "s3cr3tP@ss"\nclass Client:\n    api_key = "${HEX}"\n`))).toEqual([1, 3]);
    expect(lines(check(RULE, 'go', `package x\n\nconst (\n\tClientSecret = "${HEX}"\n)\n`))).toEqual([4]);
    const java = `class DataSourceConfig {
    DataSource ds() {
        ds.setPassword("s3cr3tP@ss99");
        return ds;
    }
    Client client() {
        return Client.builder().apiKey("${HEX}").build();
    }
}
`;
    const findings = check(RULE, 'java', java);
    expect(lines(findings)).toEqual([3, 7]);
    expect(findings[0]?.body).toContain('`Password` is set to a literal credential');
  });

  it('does not flag verbs that take a token, placeholders, env lookups or test fixtures', () => {
    const ts = `export async function check(jwt: Jwt) {
  await jwt.verifyToken('${HEX}');
  const hashed = hashPassword('s3cr3tP@ss99');
}
export const API_KEY = process.env.API_KEY ?? '';
export const PASSWORD = '<your-password-here>';
export const TOKEN_HEADER = 'x-auth-token-v2';
`;
    expect(check(RULE, 'typescript', ts)).toEqual([]);
    expect(check(RULE, 'python', `API_KEY = "${HEX}"\n`, { path: 'tests/fixtures/settings.py' })).toEqual([]);
  });
});
