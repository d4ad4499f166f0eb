import { describe, expect, it } from 'vitest';
import { helpComment } from '../../src/app/help-comment.js';

describe('helpComment: suppression', () => {
  it('says how to silence one finding in code', () => {
    expect(helpComment()).toContain('`arch-review-ignore <rule-id>: <reason>` in a comment on its line or the line above');
  });
});
