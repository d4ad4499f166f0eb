import { z } from 'zod';
import { SeveritySchema } from '../review/finding.js';
import { vendorSdks } from '../rules/coupling/vendor-sdks.js';
import { closestName } from './closest-name.js';
import { globProblem } from './glob.js';

const Glob = z.string().superRefine((glob, ctx) => {
  const problem = globProblem(glob);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `invalid glob ${JSON.stringify(glob)}: ${problem}` });
});

/** One glob or a list of them. */
const Globs = z.union([Glob, z.array(Glob).min(1)]);

/**
 * What a rule end names: a module of `modules:` by its name, a glob of repository paths (anything with `/`,
 * `*`, `.`, `?`, `{` or `[`), `vendor:<id>` / `vendor:*` (a vendor SDK of the catalogue) or `package:<name>`
 * (a third-party package, as imported).
 */
const Ref = z.string().min(1);
const Refs = z.union([Ref, z.array(Ref).min(1)]);

const ModuleName = /^[A-Za-z][\w-]*$/;

export const ForbidRuleSchema = z.object({
  name: z.string().regex(/^[\w][\w.-]*$/, 'a short id such as `domain-not-to-adapters` (letters, digits, `-`, `_`, `.`)').describe('Short id of the rule, named in every finding (e.g. `vendor-sdks-only-in-adapters`).'),
  // Left out: `[]`, read as every file (the array form itself needs at least one entry).
  from: Refs.default([]).describe('Files the rule applies to: module names or globs; left out: every file.'),
  except: Refs.default([]).describe('Files exempt from the rule (module names or globs), e.g. the adapters that may use a vendor SDK.'),
  to: Refs.describe('What those files must not import: module names, globs, `vendor:*` (any vendor SDK), `vendor:<id>` (e.g. `vendor:stripe`) or `package:<name>`.'),
  reason: z.string().min(1).describe('Why the rule exists, in one sentence; quoted in every finding.'),
  severity: SeveritySchema.default('medium').describe('Severity of a finding of this rule.'),
});

export const AllowSchema = z.object({
  from: Refs.default([]).describe('Importing files the exception covers (module names or globs); left out: every file.'),
  to: Refs.describe('Imported modules, globs, `vendor:` or `package:` references the exception covers.'),
  reason: z.string().min(1).describe('Why this import is allowed despite the layers or a `forbid` rule.'),
});

/** `architecture:` in `.github/arch-review.yml`. */
export const ArchitectureSchema = z
  .object({
    modules: z
      .record(z.string().regex(ModuleName, 'a module name starts with a letter and has letters, digits, `-` or `_`'), Globs)
      .default({})
      .describe('Named modules: name → glob or list of globs of repository paths (e.g. `domain: src/domain/**`). A file belongs to the first module, in file order, whose globs match it.'),
    layers: z
      .array(z.string())
      .default([])
      .describe('Module names from the top layer to the bottom one: a layer may import only the layers below it (and itself), never one above.'),
    forbid: z.array(ForbidRuleSchema).default([]).describe('Imports that are not allowed: from → to, each with a name and a reason.'),
    allow: z.array(AllowSchema).default([]).describe('Exceptions: imports allowed despite the layer order and the `forbid` rules.'),
  })
  .superRefine((arch, ctx) => {
    const names = Object.keys(arch.modules);
    const check = (ref: string, path: Array<string | number>, side: 'from' | 'to'): void => {
      const problem = refProblem(ref, names, side);
      if (problem) ctx.addIssue({ code: 'custom', path, message: problem });
    };
    const each = (refs: string | string[] | undefined, path: Array<string | number>, side: 'from' | 'to'): void => {
      if (refs === undefined) return;
      if (typeof refs === 'string') check(refs, path, side);
      else refs.forEach((r, i) => check(r, [...path, i], side));
    };
    const seenLayers = new Set<string>();
    arch.layers.forEach((l, i) => {
      if (seenLayers.has(l)) ctx.addIssue({ code: 'custom', path: ['layers', i], message: `layer "${l}" is listed twice` });
      seenLayers.add(l);
      const problem = moduleProblem(l, names);
      if (problem) ctx.addIssue({ code: 'custom', path: ['layers', i], message: problem });
    });
    const seenRules = new Set<string>();
    arch.forbid.forEach((r, i) => {
      if (seenRules.has(r.name)) ctx.addIssue({ code: 'custom', path: ['forbid', i, 'name'], message: `another rule is already named "${r.name}"` });
      seenRules.add(r.name);
      each(r.from, ['forbid', i, 'from'], 'from');
      each(r.except, ['forbid', i, 'except'], 'from');
      each(r.to, ['forbid', i, 'to'], 'to');
    });
    arch.allow.forEach((a, i) => {
      each(a.from, ['allow', i, 'from'], 'from');
      each(a.to, ['allow', i, 'to'], 'to');
    });
  });
export type ArchitectureConfig = z.infer<typeof ArchitectureSchema>;

/** True when a rule end is a glob of paths rather than a module name. */
export const isGlobRef = (ref: string): boolean => /[/*.?{[]/.test(ref);

function refProblem(ref: string, modules: readonly string[], side: 'from' | 'to'): string | undefined {
  const prefixed = /^(vendor|package):(.*)$/.exec(ref);
  if (prefixed) {
    if (side === 'from') return `"${ref}": \`${prefixed[1]}:\` names what is imported, so it goes in \`to\`, not in \`from\`/\`except\``;
    const value = prefixed[2]!;
    if (prefixed[1] === 'package') return value ? undefined : `"${ref}": write the package after \`package:\`, e.g. \`package:axios\``;
    if (value === '*') return undefined;
    const ids = vendorSdks().flatMap((v) => [v.id, v.keys[0]!]);
    if (ids.includes(value.toLowerCase())) return undefined;
    const near = closest(value.toLowerCase(), ids);
    return `unknown vendor "${value}"${near ? `; did you mean "vendor:${near}"?` : ''} (known: ${vendorSdks().map((v) => v.id).join(', ')}, or vendor:* for any)`;
  }
  if (isGlobRef(ref)) {
    const problem = globProblem(ref);
    return problem === undefined ? undefined : `invalid glob ${JSON.stringify(ref)}: ${problem}`;
  }
  const problem = moduleProblem(ref, modules);
  if (!problem) return undefined;
  // No near module name: perhaps a package was meant.
  return side === 'to' && !problem.includes('did you mean') ? `${problem}; a third-party package is written \`package:${ref}\`, a vendor SDK \`vendor:<id>\`` : problem;
}

function moduleProblem(name: string, modules: readonly string[]): string | undefined {
  if (modules.includes(name)) return undefined;
  const near = closest(name, modules);
  return `unknown module "${name}"${near ? `; did you mean "${near}"?` : ''} (modules: ${modules.length > 0 ? modules.join(', ') : 'none declared under architecture.modules'})`;
}

/** The declared name nearest to `word`, within a third of its length in edits (at least 2). */
function closest(word: string, known: readonly string[]): string | undefined {
  return closestName(word, known, Math.max(2, Math.floor(word.length / 3)));
}
