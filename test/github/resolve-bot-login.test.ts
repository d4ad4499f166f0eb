import { describe, expect, it } from 'vitest';
import { ExternalServiceError } from '../../src/errors.js';
import { resolveBotLogin } from '../../src/github/resolve-bot-login.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, testOctokit } from './fixtures.js';

const nock = useHttpMocks();

describe('resolveBotLogin', () => {
  it('is the app slug with [bot]', async () => {
    nock(API).get('/app').reply(200, { id: 1, slug: 'arch-review', name: 'arch-review', owner: { login: 'acme', type: 'Organization' } });
    expect(await resolveBotLogin(testOctokit())).toBe('arch-review[bot]');
  });

  it('points the operator at the app credentials on 401', async () => {
    nock(API).get('/app').reply(401, { message: 'A JSON web token could not be decoded', status: '401' });
    const err = await resolveBotLogin(testOctokit()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toContain('check APP_ID / PRIVATE_KEY');
  });
});
