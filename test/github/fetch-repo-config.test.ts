import { Context } from 'probot';
import { describe, expect, it } from 'vitest';
import { ConfigError, ExternalServiceError } from '../../src/errors.js';
import { fetchRepoConfig } from '../../src/github/fetch-repo-config.js';
import { configFromObject } from '../../src/config/config-from-object.js';
import { defaultConfig } from '../../src/config/schema.js';
import { useHttpMocks } from '../helpers/http.js';
import { API, REF, REPO_PATH, testOctokit } from './fixtures.js';

const nock = useHttpMocks();
const FILE = '/contents/.github%2Farch-review.yml';
const ORG = `/repos/${REF.owner}/.github${FILE}`;
const raw = { 'content-type': 'text/plain; charset=utf-8' };
const notFound = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' };

describe('fetchRepoConfig', () => {
  it('gives the defaults when neither the repository nor the owner’s .github repository has a file', async () => {
    nock(API).get(REPO_PATH + FILE).reply(404, notFound);
    nock(API).get(ORG).reply(404, notFound);
    expect(await fetchRepoConfig(testOctokit(), REF)).toEqual({ config: defaultConfig(), warnings: [] });
  });

  it('reads the repository file and merges what it extends from the org defaults', async () => {
    nock(API)
      .get(REPO_PATH + FILE)
      .matchHeader('accept', 'application/vnd.github.v3.raw')
      .reply(200, '_extends: .github\nmax_inline_comments: 5\n', raw);
    nock(API).get(ORG).reply(200, 'min_severity: medium\nmax_inline_comments: 10\n', raw);
    const { config } = await fetchRepoConfig(testOctokit(), REF);
    expect(config.max_inline_comments).toBe(5);
    expect(config.min_severity).toBe('medium');
  });

  it('reports a schema error with the line of the file it is in', async () => {
    const text = 'min_severity: low\ncheck_run:\n  conclusion: fail\n';
    nock(API).get(REPO_PATH + FILE).reply(200, text, raw);
    // Read again as text to find the line: the plugin parses YAML without positions.
    nock(API).get(REPO_PATH + FILE).reply(200, text, raw);
    const err = await fetchRepoConfig(testOctokit(), REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^\.github\/arch-review\.yml:3:\d+: .*conclusion/);
  });

  it('reports invalid YAML with its line', async () => {
    const text = 'min_severity: low\npaths:\n  include: [src/**\n';
    nock(API).get(REPO_PATH + FILE).reply(200, text, raw);
    nock(API).get(REPO_PATH + FILE).reply(200, text, raw);
    const err = await fetchRepoConfig(testOctokit(), REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).location).toMatch(/^\.github\/arch-review\.yml:\d+:\d+$/);
    expect((err as ConfigError).message).toContain('invalid YAML');
  });

  it('names the org file when the error is there', async () => {
    nock(API).get(REPO_PATH + FILE).reply(404, notFound);
    nock(API).get(ORG).reply(200, 'max_inline_comments: lots\n', raw);
    nock(API).get(ORG).reply(200, 'max_inline_comments: lots\n', raw);
    const err = await fetchRepoConfig(testOctokit(), REF).catch((e: unknown) => e);
    expect((err as ConfigError).message).toMatch(/^Codertocat\/\.github:\.github\/arch-review\.yml:1:\d+: max_inline_comments/);
  });

  it('turns a GitHub outage into a retryable ExternalServiceError, not a ConfigError', async () => {
    nock(API).get(REPO_PATH + FILE).times(4).reply(503, { message: 'Service Unavailable' });
    const err = await fetchRepoConfig(testOctokit(), REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).retryable).toBe(true);
  });

  it('warns about an unknown rule id, for the review summary (issue 7, item 13)', async () => {
    nock(API).get(REPO_PATH + FILE).reply(200, 'rules:\n  sql-string-bulding: false\n', raw);
    const { warnings } = await fetchRepoConfig(testOctokit(), REF);
    expect(warnings).toEqual(['.github/arch-review.yml: unknown rule "sql-string-bulding" in rules (ignored; did you mean "sql-string-building"?)']);
  });

  it('reports an invalid glob in the org file with that file, line and column (issue 7, item 13)', async () => {
    const org = 'paths:\n  exclude:\n    - "vendor/[abc"\n';
    nock(API).get(REPO_PATH + FILE).reply(200, '_extends: .github\nmin_severity: low\n', raw);
    nock(API).get(ORG).reply(200, org, raw);
    // Read again as text to find the line.
    nock(API).get(REPO_PATH + FILE).reply(200, '_extends: .github\nmin_severity: low\n', raw);
    nock(API).get(ORG).reply(200, org, raw);
    const err = await fetchRepoConfig(testOctokit(), REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^Codertocat\/\.github:\.github\/arch-review\.yml:3:7: paths\.exclude\[0\]: invalid glob "vendor\/\[abc"/);
  });

  describe('merges org defaults deeply, as Probot’s context.config does (issue 7, item 13)', () => {
    const REPO_FILE = '_extends: .github\nagent:\n  enabled: false\nskip_labels: [wip]\n';
    const ORG_FILE = 'agent:\n  min_confidence: 0.9\n  model: claude-opus-4-1\nskip_labels: [no-review]\ncheck_run:\n  conclusion: failure\n';
    const mockFiles = () => {
      nock(API).get(REPO_PATH + FILE).reply(200, REPO_FILE, raw);
      nock(API).get(ORG).reply(200, ORG_FILE, raw);
    };

    it('keeps the org’s agent.min_confidence when the repository sets only agent.enabled; lists are concatenated', async () => {
      mockFiles();
      const { config } = await fetchRepoConfig(testOctokit(), REF);
      expect(config.agent).toEqual({ ...defaultConfig().agent, enabled: false, min_confidence: 0.9, model: 'claude-opus-4-1' });
      expect(config.check_run.conclusion).toBe('failure');
      expect(config.skip_labels).toEqual(['no-review', 'wip']);
    });

    it('gives what Probot’s context.config gives for the same files', async () => {
      mockFiles();
      const octokit = testOctokit();
      const context = new Context({ id: 'd-1', name: 'push', payload: { repository: { owner: { login: REF.owner }, name: REF.repo } } } as never, octokit as never, silentLog as never);
      const probots = await context.config('arch-review.yml');
      mockFiles();
      const { config } = await fetchRepoConfig(testOctokit(), REF);
      expect(config).toEqual(configFromObject(probots).config);
    });
  });
});

const silentLog = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLog };
