import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** A GitHub App's secrets, made at test time and thrown away: nothing here is a real credential. */
export interface ThrowawayCredentials {
  webhookSecret: string;
  installationToken: string;
  /** RSA key pair: the app signs its JWT with `privateKey`; the fake GitHub checks it with `publicKey`. */
  keys: { privateKey: string; publicKey: string };
}

/** Fresh secrets for one end-to-end run (so a test can assert none of them reach the logs). */
export function throwawayCredentials(): ThrowawayCredentials {
  return {
    webhookSecret: `whsec_${randomBytes(18).toString('hex')}`,
    installationToken: `ghs_${randomBytes(27).toString('base64url')}`,
    keys: generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }),
  };
}
