import { describe, expect, it } from 'vitest';
import { importedModules, moduleIndex, scannedImportedModules, scanPythonImports } from '../../src/integration/module-graph.js';
import type { SourceFile } from '../../src/integration/types.js';

const py = (path: string, source = ''): SourceFile => ({ path, language: 'python', source });

/** A Django-style repository: `shop/billing/*` imports its own package, the shared clients and the settings. */
const REPO = [
  py('shop/__init__.py'),
  py('shop/settings.py'),
  py('shop/clients/__init__.py'),
  py('shop/clients/stripe_gateway.py'),
  py('shop/clients/crm.py'),
  py('shop/billing/__init__.py'),
  py('shop/billing/models.py'),
  py('shop/billing/tasks.py'),
  py('shop/billing/refunds/policy.py'),
  py('shop/notify/pager.py'),
  py('shop/notify/mail.py'),
];

const VIEWS = [
  '"""Refund views."""',
  'from __future__ import annotations',
  'from shop.clients.stripe_gateway import refund, capture',
  'from shop.notify import pager',
  'import logging',
  'from . import models',
  'from .refunds.policy import RefundPolicy',
  'from ..clients import (',
  '    crm,  # the CRM client',
  '    stripe_gateway as gw,',
  ')',
  'from shop import settings',
  'import shop.notify.mail as mail, os',
  'from .tasks import \\',
  '    schedule_refund',
  '',
  'def refund_view(request):',
  '    return refund(request.POST["id"])',
  '',
].join('\n');

const EXPECTED = [
  'shop/billing/models',
  'shop/billing/refunds/policy',
  'shop/billing/tasks',
  'shop/clients/crm',
  'shop/clients/stripe_gateway',
  'shop/notify/mail',
  'shop/notify/pager',
  'shop/settings',
];

describe('Python imports of the repository', () => {
  const index = moduleIndex(REPO);
  const views = py('shop/billing/views.py', VIEWS);

  it('scans each statement on its own line: a `from a.b import c` line no longer swallows the next import', () => {
    expect(scanPythonImports(VIEWS)).toEqual([
      { module: '__future__', names: ['annotations'] },
      { module: 'shop.clients.stripe_gateway', names: ['refund', 'capture'] },
      { module: 'shop.notify', names: ['pager'] },
      { module: 'logging' },
      { module: '.', names: ['models'] },
      { module: '.refunds.policy', names: ['RefundPolicy'] },
      { module: '..clients', names: ['crm', 'stripe_gateway'] },
      { module: 'shop', names: ['settings'] },
      { module: 'shop.notify.mail' },
      { module: 'os' },
      { module: '.tasks', names: ['schedule_refund'] },
    ]);
  });

  it('the scan (no parse) and the parsed tree resolve the same repository modules', () => {
    expect(scannedImportedModules(views, index).sort()).toEqual(EXPECTED);
    expect(importedModules(views, index).sort()).toEqual(EXPECTED);
  });

  it('consecutive one-line `from` imports are all read', () => {
    const tasks = py('shop/billing/tasks.py', 'from shop.clients.crm import push\nfrom shop.notify.pager import page\nfrom .models import Refund\n');
    const want = ['shop/billing/models', 'shop/clients/crm', 'shop/notify/pager'];
    expect(scannedImportedModules(tasks, index).sort()).toEqual(want);
    expect(importedModules(tasks, index).sort()).toEqual(want);
  });

  it('a wildcard import names its module; a name that is not a submodule falls back to the module', () => {
    const f = py('shop/notify/mail.py', 'from shop.clients.crm import *\nfrom shop.billing import Refund\n');
    const want = ['shop/billing', 'shop/clients/crm'];
    expect(scannedImportedModules(f, index).sort()).toEqual(want);
    expect(importedModules(f, index).sort()).toEqual(want);
  });

  it('a file that does not parse still has its imports read by the scan', () => {
    const broken = py('shop/notify/pager.py', 'from shop.clients import crm\nfrom shop import settings\ndef broken(:\n');
    expect(importedModules(broken, index, null).sort()).toEqual(['shop/clients/crm', 'shop/settings']);
  });
});
