import { readFileSync } from 'node:fs';
import { parseAgentProfile, type AgentProfile } from '../../src/agent/load-agent-profile.js';
import { defaultProfilePath } from '../../src/agent/default-profile-path.js';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import { buildLineMap } from '../../src/diff/line-map.js';
import { parseDiff } from '../../src/diff/parse.js';
import type { FileClassification } from '../../src/diff/types.js';
import { DiffFileSource } from '../../src/cli/diff-file-source.js';
import type { ReviewerInput, ReviewFile, ReviewTarget } from '../../src/review/ports.js';
import { silentLogger } from '../../src/review/ports.js';
import { reviewPullRequest } from '../../src/review/review-pull-request.js';

/** The bundled persona, read once. */
export const profile: AgentProfile = parseAgentProfile(readFileSync(defaultProfilePath(), 'utf8'), defaultProfilePath());

/** A ReviewFile for a file added in full: every head line is an added line. */
export function addedFile(path: string, headText: string, classification: Partial<FileClassification> = {}): ReviewFile {
  const lines = headText.replace(/\n$/, '').split('\n');
  const diff = [`diff --git a/${path} b/${path}`, 'new file mode 100644', '--- /dev/null', `+++ b/${path}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join('\n');
  return fileFromDiff(`${diff}\n`, headText, classification);
}

/** A ReviewFile from a one-file unified diff and the file's head text. */
export function fileFromDiff(diffText: string, headText: string | undefined, classification: Partial<FileClassification> = {}): ReviewFile {
  const parsed = parseDiff({ kind: 'unified', text: diffText });
  const diff = parsed.files[0];
  if (!diff) throw new Error('fixture diff has no file');
  return {
    diff,
    lineMap: buildLineMap(diff),
    classification: { path: diff.path, selected: true, reason: 'integration code', language: 'TypeScript', ruleLanguage: 'typescript', signals: [], ...classification },
    ...(headText !== undefined ? { headText } : {}),
  };
}

/** A TypeScript file of `n` numbered lines. */
export const numberedSource = (n: number, prefix = 'line'): string => Array.from({ length: n }, (_, i) => `const ${prefix}${i + 1} = ${i + 1};`).join('\n') + '\n';

export function reviewerInput(files: ReviewFile[], over: Partial<ReviewerInput> & { configOver?: Partial<Config> } = {}): ReviewerInput {
  const { configOver, ...rest } = over;
  const config = { ...defaultConfig(), ...configOver };
  return { target: { repository: 'acme/shop', number: 7, headSha: 'abc123' }, files, hints: [], config, ...rest };
}

/** What the review core hands the reviewer for a diff and a folder of head files. */
export async function captureReviewerInput(diffText: string, headRoot: string, target: ReviewTarget = { repository: 'acme/shop', number: 1, headSha: 'head' }): Promise<ReviewerInput> {
  let captured: ReviewerInput | undefined;
  await reviewPullRequest({
    source: new DiffFileSource(diffText, headRoot),
    config: defaultConfig(),
    target,
    log: silentLogger,
    reviewer: {
      name: 'capture',
      review(input) {
        captured = input;
        return Promise.resolve({ findings: [], questions: [], notes: [] });
      },
    },
  });
  if (!captured) throw new Error('the review core did not call the reviewer');
  return captured;
}
