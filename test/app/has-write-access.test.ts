import { describe, expect, it } from 'vitest';
import { hasWriteAccess } from '../../src/app/has-write-access.js';

describe('hasWriteAccess', () => {
  it('accepts admin, maintain and write', () => {
    expect(hasWriteAccess({ permission: 'admin', role_name: 'admin' })).toBe(true);
    expect(hasWriteAccess({ permission: 'write', role_name: 'maintain' })).toBe(true);
    expect(hasWriteAccess({ permission: 'write', role_name: 'write' })).toBe(true);
  });

  it('accepts a custom role whose base is write (role_name is its own name)', () => {
    expect(hasWriteAccess({ permission: 'write', role_name: 'release-manager' })).toBe(true);
  });

  it('accepts maintain from role_name alone', () => {
    expect(hasWriteAccess({ role_name: 'maintain' })).toBe(true);
  });

  it('refuses triage, read and none', () => {
    expect(hasWriteAccess({ permission: 'read', role_name: 'triage' })).toBe(false);
    expect(hasWriteAccess({ permission: 'read', role_name: 'read' })).toBe(false);
    expect(hasWriteAccess({ permission: 'none' })).toBe(false);
    expect(hasWriteAccess({})).toBe(false);
  });
});
