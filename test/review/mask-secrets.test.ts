import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../src/review/mask-secrets.js';

const STRIPE = 'sk_live_51HxYzQ8rT2vWk9LmNpBc4Ds';
const GITHUB = 'ghp_R8kL2mN9pQ4sT7vW1xY3zA6bC5dE0fG2hJ4k';

describe('maskSecrets', () => {
  it('masks the vendor key shapes of the hardcoded-secret rule, keeping four characters', () => {
    const out = maskSecrets(`const stripe = new Stripe('${STRIPE}');\nconst gh = "${GITHUB}"; // AKIAQ7RT2VWK9LMNPBC4`);
    expect(out).not.toContain(STRIPE);
    expect(out).not.toContain(GITHUB);
    expect(out).not.toContain('AKIAQ7RT2VWK9LMNPBC4');
    expect(out).toContain("new Stripe('sk_l****')");
  });

  it('masks literals assigned to credential-named variables, and leaves other literals alone', () => {
    const out = maskSecrets(['password = "hunter2!xyz9"', '  "apiKey": "q8Rt2vWk9LmN",', 'const tokenCount = "12345678abc";', 'const url = "https://api.example.com/v2";'].join('\n'));
    expect(out).toContain('password = "hunt****"');
    expect(out).toContain('"apiKey": "q8Rt****"');
    expect(out).toContain('tokenCount = "12345678abc"');
    expect(out).toContain('https://api.example.com/v2');
  });

  it('masks .env and YAML style values but not code that reads them', () => {
    const out = maskSecrets('STRIPE_SECRET_KEY=q8Rt2vWk9LmNpBc4\n  password: s3cretPassw0rd\napiKey = config.apiKey\nmax_tokens: 4096');
    expect(out).toBe('STRIPE_SECRET_KEY=q8Rt****\n  password: s3cr****\napiKey = config.apiKey\nmax_tokens: 4096');
  });

  it('masks a PEM private key block and keeps every line break, so line numbers stay right', () => {
    const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAq8Rt2vWk9LmNpBc4Ds', 'Q8rT2vWk9LmNpBc4DsHxYz', '-----END RSA PRIVATE KEY-----'].join('\n');
    const text = `const key = \`${pem}\`;\nconst after = 1;`;
    const out = maskSecrets(text);
    expect(out).not.toContain('MIIEowIBAAKCAQEA');
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
    expect(out.split('\n')[4]).toBe('const after = 1;');
  });
});

describe('maskSecrets on long unbroken text', () => {
  it('stays linear: a 200,000-character word is scanned once, not from every position (it was quadratic: 20k characters took seconds)', () => {
    // Quadratic, this one call took minutes (70k characters: 17 s), far past the test's timeout.
    const word = 'a'.repeat(200_000);
    expect(maskSecrets(`${word} apiKey = "abcdefgh12345678"`)).toBe(`${word} apiKey = "abcd****"`);
  });

  it('still masks a credential flag inside a quoted command line', () => {
    expect(maskSecrets('run --api-key="abcdefgh12345678"')).toBe('run --api-key="abcd****"');
  });
});
