import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actionRuleLoader } from '../../src/action/action-rule-loader.js';
import { defaultConfig } from '../../src/config/schema.js';
import type { GitHubClient } from '../../src/github/types.js';
import { silentLogger } from '../../src/review/ports.js';
import { EXAMPLE_ROOT } from '../rules/custom/example-rules.js';

const workspace = mkdtempSync(path.join(tmpdir(), 'arch-review-action-rules-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('actionRuleLoader', () => {
  it('reads the rules from the checkout when their folder is there, without asking GitHub', async () => {
    cpSync(path.join(EXAMPLE_ROOT, '.github'), path.join(workspace, '.github'), { recursive: true });
    const octokit = new Proxy({}, { get: () => { throw new Error('GitHub was asked'); } }) as GitHubClient;
    const set = await actionRuleLoader(workspace)(octokit, { owner: 'acme', repo: 'api' }, defaultConfig(), silentLogger);
    expect(set.problems).toEqual([]);
    expect(set.rules.map((r) => r.id)).toEqual(['requests-without-session-wrapper', 'stripe-outside-payments']);
  });
});
