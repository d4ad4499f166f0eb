import type { SgNode } from '@ast-grep/napi';
import type { RuleLanguage } from '../../diff/types.js';
import { isTsLike } from '../ast/function-scope.js';
import { fieldOf, kindOf } from '../ast/node-text.js';
import { argumentsOf, lastName, stringValue } from './syntax.js';

/** The name a literal is stored under, and whether the statement is a plain one-value assignment. */
export interface AssignedName {
  name: string;
  /**
   * A declaration or assignment whose only value is the literal (`const apiKey = '…'`, `API_KEY = "…"`,
   * `var token = "…"`, `String password = "…"`): the literal can be swapped for an env lookup in place.
   */
  simple: boolean;
  /** The declaration has a type annotation (TS): an env lookup would change its type. */
  typed: boolean;
  /** Go `const`: a function call cannot replace the literal. */
  constant: boolean;
}

const same = (a: SgNode | null, b: SgNode): boolean => !!a && a.id() === b.id();

/** Calls that store a value under a key given as a string: `props.put("password", "…")`, `os.Setenv("API_KEY", "…")`. */
const KEYED_SETTERS = /^(put|setProperty|setHeader|set|Setenv|setenv|putenv|header)$/;

/** A builder step named after the property it sets (`.apiKey("…")`, `.password("…")`), not a verb (`verifyToken`, `hashPassword`). */
const BUILDER_STEP = /^(?!(verify|validate|check|find|get|load|revoke|hash|compare|parse|decode|encode|create|generate|rotate|refresh|fetch|delete|remove|is|has|sign|encrypt|decrypt|mask|redact|store|save|send|use|read|write|update|reset|expire|issue|exchange|introspect|lookup|resolve)[A-Z_]|(verify|validate|check|hash|compare|parse|decode|encode|sign|encrypt|decrypt)$)[a-z]\w*$/;

/**
 * The name a string literal is assigned to: a variable, constant, field, object/dict key, keyword argument,
 * Go struct field, or the key of a keyed setter call. Null when the literal is used any other way
 * (a call argument, a comparison, a return value): only assignments say what a literal is.
 */
export function assignedName(lit: SgNode, language: RuleLanguage): AssignedName | null {
  const parent = lit.parent();
  if (!parent) return null;
  const pk = kindOf(parent);
  const plain = (name: string | null | undefined, simple: boolean, typed = false, constant = false): AssignedName | null =>
    name ? { name, simple, typed, constant } : null;

  if (isTsLike(language)) {
    if (pk === 'variable_declarator' && same(fieldOf(parent, 'value'), lit)) {
      const name = fieldOf(parent, 'name');
      const decl = parent.parent();
      const single = !!decl && decl.children().filter((c) => kindOf(c) === 'variable_declarator').length === 1;
      return kindOf(name ?? parent) === 'identifier' ? plain(name?.text(), single, !!fieldOf(parent, 'type')) : null;
    }
    if (pk === 'assignment_expression' && same(fieldOf(parent, 'right'), lit)) {
      const left = fieldOf(parent, 'left');
      return plain(left ? lastName(left, language) : null, kindOf(parent.parent() ?? parent) === 'expression_statement');
    }
    if (pk === 'pair' && same(fieldOf(parent, 'value'), lit)) {
      const key = fieldOf(parent, 'key');
      return plain(key ? (stringValue(key, language)?.value ?? key.text()) : null, false);
    }
    if (pk === 'public_field_definition' && same(fieldOf(parent, 'value'), lit)) {
      return plain(fieldOf(parent, 'name')?.text(), true, !!fieldOf(parent, 'type'));
    }
  } else if (language === 'python') {
    if (pk === 'assignment' && same(fieldOf(parent, 'right'), lit)) {
      const left = fieldOf(parent, 'left');
      return plain(left ? lastName(left, language) : null, kindOf(parent.parent() ?? parent) === 'expression_statement');
    }
    if (pk === 'keyword_argument' && same(fieldOf(parent, 'value'), lit)) return plain(fieldOf(parent, 'name')?.text(), false);
    if (pk === 'pair' && same(fieldOf(parent, 'value'), lit)) {
      const key = fieldOf(parent, 'key');
      const s = key ? stringValue(key, language) : null;
      return plain(s && !s.interpolated ? s.value : null, false);
    }
  } else if (language === 'go') {
    if (pk === 'expression_list') {
      const holder = parent.parent();
      const values = parent.namedChildren();
      if (!holder || values.length !== 1) return null;
      const hk = kindOf(holder);
      if ((hk === 'const_spec' || hk === 'var_spec') && same(fieldOf(holder, 'value'), parent)) {
        const names = holder.children().filter((c) => kindOf(c) === 'identifier');
        return names.length === 1 ? plain(names[0]?.text(), true, false, hk === 'const_spec') : null;
      }
      if ((hk === 'short_var_declaration' || hk === 'assignment_statement') && same(fieldOf(holder, 'right'), parent)) {
        const left = fieldOf(holder, 'left')?.namedChildren() ?? [];
        const op = hk === 'assignment_statement' ? fieldOf(holder, 'operator')?.text() : ':=';
        return left.length === 1 && left[0] && (op === '=' || op === ':=') ? plain(lastName(left[0], language), true) : null;
      }
      return null;
    }
    if (pk === 'literal_element') {
      const keyed = parent.parent();
      if (!keyed || kindOf(keyed) !== 'keyed_element' || !same(fieldOf(keyed, 'value'), parent)) return null;
      const key = fieldOf(keyed, 'key')?.children().find((c) => c.isNamed()) ?? null;
      if (!key) return null;
      const s = stringValue(key, language);
      return plain(s ? s.value : key.text(), false);
    }
  } else {
    if (pk === 'variable_declarator' && same(fieldOf(parent, 'value'), lit)) {
      const decl = parent.parent();
      const single = !!decl && decl.children().filter((c) => kindOf(c) === 'variable_declarator').length === 1;
      return plain(fieldOf(parent, 'name')?.text(), single);
    }
    if (pk === 'assignment_expression' && same(fieldOf(parent, 'right'), lit) && fieldOf(parent, 'operator')?.text() === '=') {
      const left = fieldOf(parent, 'left');
      return plain(left ? lastName(left, language) : null, kindOf(parent.parent() ?? parent) === 'expression_statement');
    }
  }

  // A keyed setter: the literal is the value argument after a literal key.
  if (pk === 'arguments' || pk === 'argument_list') {
    const call = parent.parent();
    if (!call) return null;
    const callee = fieldOf(call, 'function') ?? call;
    const method = kindOf(callee) === 'method_invocation' ? fieldOf(callee, 'name')?.text() : lastName(callee, language);
    const args = argumentsOf(call);
    // A property setter or builder step with the literal as its only argument: `ds.setPassword("…")`, `.apiKey("…")`, `SetToken("…")`.
    const property = method ? (/^(?:set|with|Set|With)([A-Z]\w*)$/.exec(method)?.[1] ?? (BUILDER_STEP.test(method) && kindOf(callee) !== 'identifier' ? method : undefined)) : undefined;
    if (property && args.length === 1 && same(args[0] ?? null, lit)) return plain(property, false);
    if (!method || !KEYED_SETTERS.test(method) || args.length !== 2 || !same(args[1] ?? null, lit) || !args[0]) return null;
    const key = stringValue(args[0], language);
    return key && !key.interpolated ? plain(key.value, false) : null;
  }
  return null;
}
