import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../e2e/build-once.js';
import { parseOutputs, prepareRunnerJob, runToExit, type ActionRun, type ActionRunOptions } from './run-action-process.js';

interface CompositeStep {
  id?: string;
  if?: string;
  uses?: string;
  shell?: string;
  run?: string;
  'working-directory'?: string;
  env?: Record<string, string>;
}

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: CompositeStep[] };
}

/** What the composite run did, step by step, besides the Action's outputs. */
export interface CompositeRun extends ActionRun {
  /** Steps skipped by their `if`. */
  skipped: string[];
  /** `uses:` steps that would have run (recorded, not run: this machine's Node is what the test has). */
  used: string[];
}

/** The repository's action.yml. */
export function readActionYml(): ActionYml {
  return parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml;
}

/**
 * Runs action.yml's composite steps as the Actions runner does, for the `with:` values `withInputs`:
 * `${{ inputs.* }}` (defaults included), `${{ github.token }}`, `${{ github.action_path }}` and
 * `${{ steps.<id>.outputs.* }}` are substituted, each `run` step runs under `bash -e` with its own
 * GITHUB_OUTPUT and `env`, `uses:` steps are recorded but not run, GITHUB_ACTION_PATH is the repository, and the action's `outputs` are read
 * back from the steps. A step that fails stops the action, as it does on a runner. Only the expressions
 * action.yml uses are understood; anything else throws, so the test notices a new one.
 */
export async function runCompositeAction(opts: Omit<ActionRunOptions, 'inputs'> & { withInputs: Record<string, string>; githubToken: string }): Promise<CompositeRun> {
  const action = readActionYml();
  if (action.runs.using !== 'composite') throw new Error(`action.yml runs ${action.runs.using}, not composite`);
  const job = prepareRunnerJob({ ...opts, inputs: {} });
  const stepOutputs = new Map<string, Record<string, string>>();

  const evaluate = (text: string): string =>
    text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_all, expr: string) => {
      let m: RegExpExecArray | null;
      if ((m = /^inputs\.([\w-]+)$/.exec(expr))) {
        const declared = action.inputs[m[1]!];
        if (!declared) throw new Error(`action.yml uses undeclared input ${m[1]}`);
        return opts.withInputs[m[1]!] ?? evaluate(declared.default ?? '');
      }
      if (expr === 'github.token') return opts.githubToken;
      if (expr === 'github.action_path') return REPO_ROOT;
      if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr))) return stepOutputs.get(m[1]!)?.[m[2]!] ?? '';
      throw new Error(`the test runner does not know the expression ${expr}`);
    });
  const condition = (expr: string): boolean => {
    const m = /^steps\.([\w-]+)\.outputs\.([\w-]+) != '([^']*)'$/.exec(expr.trim());
    if (!m) throw new Error(`the test runner does not know the condition ${expr}`);
    return (stepOutputs.get(m[1]!)?.[m[2]!] ?? '') !== m[3];
  };

  let stdout = '';
  let stderr = '';
  let code: number | null = 0;
  const skipped: string[] = [];
  const used: string[] = [];
  for (const [i, step] of action.runs.steps.entries()) {
    const name = step.id ?? step.uses ?? `step ${i + 1}`;
    if (step.if !== undefined && !condition(step.if)) {
      skipped.push(name);
      continue;
    }
    if (step.uses) {
      used.push(step.uses);
      continue;
    }
    if (step.shell !== 'bash' || step.run === undefined) throw new Error(`${name}: only bash run steps are supported`);
    const output = join(job.dir, `output-${i}.txt`);
    writeFileSync(output, '');
    const env = { ...job.env, GITHUB_ACTION_PATH: REPO_ROOT, GITHUB_OUTPUT: output, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v))])) };
    const cwd = step['working-directory'] ? evaluate(step['working-directory']) : job.workspace;
    const run = await runToExit('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', evaluate(step.run)], { cwd, env, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
    stdout += run.stdout;
    stderr += run.stderr;
    if (step.id) stepOutputs.set(step.id, parseOutputs(readFileSync(output, 'utf8')));
    code = run.code;
    if (code !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, evaluate(v.value)]));
  return { code, stdout, stderr, outputs, summary: readFileSync(job.summaryPath, 'utf8'), skipped, used };
}
