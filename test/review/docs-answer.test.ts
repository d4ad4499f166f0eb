import { describe, expect, it } from 'vitest';
import { docsAnswer, docsAnswerForAsk } from '../../src/review/docs-answer.js';
import { renderReply } from '../../src/review/render-reply.js';
import { ruleById, rulesNamedIn } from '../../src/rules/rule-by-id.js';
import { ALL_RULES } from '../../src/rules/registry.js';

const rule = ALL_RULES.find((r) => r.exemptions !== undefined)!;

describe('docsAnswer', () => {
  it("answers with the rule's why, fix and exemptions, the suppression syntax and how to disagree", () => {
    const text = docsAnswer({ rule, path: 'src/pay.ts' });
    expect(text).toContain(`\`${rule.id}\``);
    expect(text).toContain(rule.why);
    expect(text).toContain(rule.fix);
    expect(text).toContain(rule.exemptions!);
    expect(text).toContain(`// arch-review-ignore ${rule.id}: <why it is fine here>`);
    expect(text).toContain('👎');
    expect(text).toContain('ANTHROPIC_API_KEY');
  });

  it('uses the comment syntax of the file: # in Python', () => {
    expect(docsAnswer({ rule, path: 'worker/sync.py' })).toContain(`# arch-review-ignore ${rule.id}:`);
  });

  it("answers about an agent finding with its category's guidance, and no suppression by rule id", () => {
    const text = docsAnswer({ category: 'resilience', categoryGuidance: '- Outbound calls without timeouts.' });
    expect(text).toContain('from the reviewer (the model), not from a rule');
    expect(text).toContain('**Resilience**');
    expect(text).toContain('- Outbound calls without timeouts.');
    expect(text).not.toContain('arch-review-ignore ');
  });

  it('still explains how to silence a rule this version does not know', () => {
    const text = docsAnswer({ ruleId: 'team-stripe-through-payments', category: 'coupling', path: 'a.ts' });
    expect(text).toContain('`team-stripe-through-payments`');
    expect(text).toContain('// arch-review-ignore team-stripe-through-payments:');
  });
});

describe('docsAnswerForAsk', () => {
  it('documents the rules a question names, and says what it can do when it names none', () => {
    const named = rulesNamedIn(`is ${rule.id} right here, and what about not-a-rule-id?`);
    expect(named.map((r) => r.id)).toEqual([rule.id]);
    expect(docsAnswerForAsk(named)).toContain(rule.why);
    expect(docsAnswerForAsk([])).toContain('name a rule id in the question');
    expect(ruleById('no-such-rule')).toBeUndefined();
  });
});

describe('renderReply', () => {
  it("sanitises the model's answer: no mentions, links, HTML or applicable suggestions; secrets masked", () => {
    const text = renderReply({
      answer: 'Ping @alice <img src=x> [here](https://evil.example)\n\n```suggestion\nfixed()\n```\nkey AKIAIOSFODNN7EXAMPLE',
      source: 'agent',
      verdict: 'stands',
    });
    expect(text).toContain('`@alice`');
    expect(text).not.toContain('<img');
    expect(text).not.toContain('https://evil.example');
    expect(text).not.toContain('```suggestion');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).toMatch(/verdict: the finding stands/);
  });

  it('says a not-a-problem verdict was recorded only when it was', () => {
    expect(renderReply({ answer: 'You are right.', source: 'agent', verdict: 'not-a-problem', recorded: true })).toContain('Recorded as feedback');
    expect(renderReply({ answer: 'You are right.', source: 'agent', verdict: 'not-a-problem' })).not.toContain('Recorded');
  });
});
