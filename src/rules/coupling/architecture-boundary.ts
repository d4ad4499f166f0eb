import type { Rule } from '../types.js';

/**
 * An import that breaks a boundary declared under `architecture:` in `.github/arch-review.yml` (the layer
 * order or a `forbid` rule). Its findings come from the declared rules, not from a per-file check: see
 * `boundaryFindings` (pull requests) and `arch-review check` (the whole repository). The entry here gives it
 * an id, docs and settings (`rules: { architecture-boundary: … }`) like every other rule.
 */
export const architectureBoundary: Rule = {
  id: 'architecture-boundary',
  category: 'coupling',
  severity: 'medium',
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
  title: 'Import breaks a declared architecture boundary',
  // The team declared the rule: a match is what they asked to be told about. Resolution of the import is the only guess.
  confidence: 0.95,
  exemptions:
    'Runs only when `architecture:` declares layers or `forbid` rules; judges only the imports a pull request adds (pre-existing ones are reported by `arch-review check`); imports covered by an `allow` entry or a rule’s `except`; third-party imports that are not vendor SDKs unless a rule names them with `package:`.',
  why:
    'The repository declared which modules may depend on which. An import across that line couples the two sides for good: the lower layer can no longer change or be tested without the upper one, and vendor SDKs spread beyond the adapters that own their timeouts, retries and error mapping.',
  fix:
    'Depend on what the boundary allows: move the code to the module that may import it, call it through a port the lower layer owns (implemented in the adapter), or, when the exception is deliberate, add an `allow` entry with its reason under `architecture:`.',
  check: () => [],
};
