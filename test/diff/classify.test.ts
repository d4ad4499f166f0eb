import { describe, expect, it } from 'vitest';
import { classifyByPath, classifyWithContent, type ClassifyOptions } from '../../src/diff/classify.js';
import { parseDiff } from '../../src/diff/parse.js';
import type { DiffFile, FileClassification } from '../../src/diff/types.js';
import type { FileContent } from '../../src/review/ports.js';

const opts: ClassifyOptions = { include: [], exclude: [], maxFileBytes: 512 * 1024 };

function file(path: string, extra: Partial<DiffFile> = {}): DiffFile {
  return {
    path,
    status: 'modified',
    binary: false,
    hunks: [{ index: 0, header: '@@ -1 +1 @@', oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: [{ kind: 'del', content: 'a', oldLine: 1 }, { kind: 'add', content: 'b', newLine: 1 }] }],
    additions: 1,
    deletions: 1,
    ...extra,
  };
}
const text = (t: string): FileContent => ({ text: t, size: Buffer.byteLength(t), binary: false });
const byPath = (path: string, o: ClassifyOptions = opts, extra: Partial<DiffFile> = {}) => classifyByPath(file(path, extra), o);
/** Both passes, as the use case runs them. */
const classify = (path: string, content: string | FileContent | undefined, o: ClassifyOptions = opts): FileClassification =>
  classifyWithContent(byPath(path, o), typeof content === 'string' ? text(content) : content, o);
const skipOf = (path: string, o: ClassifyOptions = opts) => byPath(path, o).skipReason;

describe('classifyByPath skips', () => {
  it.each([
    ['README.md', 'docs'], ['docs/guide/setup.py', 'docs'], ['notes.txt', 'docs'], ['api.rst', 'docs'], ['CHANGELOG', 'docs'], ['LICENSE', 'docs'],
  ])('%s as %s', (p, reason) => expect(skipOf(p)).toBe(reason));

  it.each([
    ['src/components/Button.ts', 'frontend'], ['src/App.tsx', 'frontend'], ['src/Widget.jsx', 'frontend'], ['src/App.vue', 'frontend'],
    ['src/App.svelte', 'frontend'], ['styles/main.css', 'frontend'], ['index.html', 'frontend'], ['pages/index.ts', 'frontend'],
    ['app/ui/menu.ts', 'frontend'], ['public/sw.js', 'frontend'], ['src/Button.stories.ts', 'frontend'], ['ios/App/Delegate.swift', 'frontend'],
  ])('%s as %s', (p, reason) => expect(skipOf(p)).toBe(reason));

  it.each([
    ['test/api.ts', 'test'], ['tests/test_api.py', 'test'], ['src/__tests__/a.ts', 'test'], ['pkg/client_test.go', 'test'], ['src/a.test.ts', 'test'],
    ['src/a.spec.js', 'test'], ['app/test_views.py', 'test'], ['app/views_test.py', 'test'], ['src/test/java/com/acme/PayTest.java', 'test'],
    ['conftest.py', 'test'], ['src/fixtures/payload.ts', 'test'], ['src/main/java/com/acme/PaymentServiceTest.java', 'test'],
  ])('%s as %s', (p, reason) => expect(skipOf(p)).toBe(reason));

  it.each([
    'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'poetry.lock', 'go.sum', 'Cargo.lock', 'Gemfile.lock', 'composer.lock', 'Pipfile.lock', 'uv.lock', 'sub/pkg/yarn.lock',
  ])('%s as lockfile', (p) => expect(skipOf(p)).toBe('lockfile'));

  it.each([
    'dist/index.js', 'build/server.js', 'static/app.min.js', 'api/v1/pay.pb.go', 'proto/pay_pb2.py', 'src/schema.generated.ts', 'src/__generated__/types.ts',
  ])('%s as generated', (p) => expect(skipOf(p)).toBe('generated'));

  it.each(['vendor/github.com/x/y.go', 'node_modules/axios/index.js', 'third_party/lib/a.py'])('%s as vendored', (p) => expect(skipOf(p)).toBe('vendored'));

  it.each([
    '.github/workflows/ci.yml', 'config/app.yaml', 'tsconfig.json', 'pyproject.toml', 'setup.cfg', '.env', '.env.production', 'Dockerfile',
    'deploy/Dockerfile.api', 'Makefile', 'infra/main.tf', 'build.gradle', 'pom.xml', 'Jenkinsfile', 'app.conf',
  ])('%s as config', (p) => expect(skipOf(p)).toBe('config'));

  it.each(['ops/deploy.sh', 'tools/setup.ps1', 'analysis/model.R', 'a.qqq'])('%s as unsupported-language', (p) => expect(skipOf(p)).toBe('unsupported-language'));

  it('skips a deleted, binary, unparseable or patchless file with a matching reason', () => {
    expect(byPath('src/a.ts', opts, { status: 'deleted' })).toMatchObject({ selected: false, skipReason: 'deleted' });
    expect(byPath('src/a.ts', opts, { binary: true, hunks: [] })).toMatchObject({ skipReason: 'binary' });
    expect(byPath('src/a.ts', opts, { parseError: 'bad hunk', hunks: [] })).toMatchObject({ skipReason: 'unparseable', reason: expect.stringContaining('bad hunk') });
    expect(byPath('src/a.ts', opts, { hunks: [], noPatch: true })).toMatchObject({ skipReason: 'no-patch', reason: expect.stringMatching(/GitHub sent no patch/) });
  });

  it('explains a patchless rename and a mode-only change', () => {
    expect(byPath('src/b.ts', opts, { hunks: [], status: 'renamed', oldPath: 'src/a.ts' }).reason).toBe('renamed from src/a.ts with no content change');
    expect(byPath('run.py', opts, { hunks: [], status: 'mode-changed', oldMode: '100644', newMode: '100755' }).reason).toBe('file mode change only (100644 to 100755)');
  });

  it('gives every skipped file a short human reason', () => {
    for (const p of ['README.md', 'src/App.tsx', 'yarn.lock', 'vendor/a.go', 'dist/a.js', 'a.yml', 'x.sh', 'test/a.ts']) {
      const c = byPath(p);
      expect(c.selected).toBe(false);
      expect(c.reason.length).toBeGreaterThan(3);
      expect(c.reason.length).toBeLessThan(80);
    }
  });
});

describe('classifyByPath selects', () => {
  it.each([
    ['src/payments/charge.ts', 'typescript', 'TypeScript'], ['server/index.js', 'javascript', 'JavaScript'], ['app/services/pay.py', 'python', 'Python'],
    ['internal/pay/client.go', 'go', 'Go'], ['src/main/java/com/acme/PayClient.java', 'java', 'Java'], ['pages/api/webhook.ts', 'typescript', 'TypeScript'],
    ['public/index.php', undefined, 'PHP'], ['src/main/java/com/acme/build/Builder.java', 'java', 'Java'],
  ])('%s as backend code with rule language %s', (p, ruleLanguage, language) => {
    const c = byPath(p);
    expect(c).toMatchObject({ selected: true, language, reason: `backend code (${language})`, signals: [] });
    expect(c.ruleLanguage).toBe(ruleLanguage);
    expect(c.skipReason).toBeUndefined();
  });

  it.each(['app/models/user.rb', 'Api/Controllers/Pay.cs', 'src/main/kotlin/Pay.kt', 'src/lib.rs', 'src/pay.scala', 'lib/pay.ex'])('%s as backend code with no rule language', (p) => {
    const c = byPath(p);
    expect(c.selected).toBe(true);
    expect(c.ruleLanguage).toBeUndefined();
    expect(c.reason).toMatch(/^backend code \(/);
  });

  it.each(['proto/payments.proto', 'db/schema.sql', 'schema.graphql', 'api/openapi.yaml'])('%s as an API or schema contract', (p) => {
    expect(byPath(p)).toMatchObject({ selected: true, reason: expect.stringMatching(/^API or schema contract/) });
  });
});

describe('include and exclude globs', () => {
  it('lets exclude win over everything, include included', () => {
    const o = { ...opts, include: ['src/**'], exclude: ['src/legacy/**'] };
    expect(byPath('src/legacy/pay.ts', o)).toMatchObject({ selected: false, skipReason: 'excluded', reason: 'excluded by paths.exclude (src/legacy/**)' });
  });

  it('matches a slash-less glob against the base name anywhere', () => {
    expect(skipOf('db/deep/seed.sql', { ...opts, exclude: ['*.sql'] })).toBe('excluded');
  });

  it('forces selection of a file skipped for its path, with its rule language', () => {
    const o = { ...opts, include: ['test/contract/**', 'dist/**'] };
    expect(byPath('test/contract/pay.ts', o)).toMatchObject({ selected: true, ruleLanguage: 'typescript', reason: 'included by paths.include (test/contract/**)' });
    expect(byPath('dist/bundle.js', o).selected).toBe(true);
  });

  it('does not force a binary, deleted or too-large file', () => {
    const o = { ...opts, include: ['**'], maxFileBytes: 10 };
    expect(byPath('src/a.ts', o, { binary: true, hunks: [] }).skipReason).toBe('binary');
    expect(byPath('src/a.ts', o, { status: 'deleted' }).skipReason).toBe('deleted');
    expect(classify('src/a.ts', 'const x = 12345678901;', o).skipReason).toBe('too-large');
  });

  it('keeps an included file with a generated marker, noting its signals', () => {
    const o = { ...opts, include: ['gen/**'] };
    const c = classify('gen/client.ts', "// Code generated by openapi. DO NOT EDIT.\nimport axios from 'axios';", o);
    expect(c).toMatchObject({ selected: true, signals: ['http-client:axios'], reason: 'included by paths.include (gen/**); integration code: http-client:axios' });
  });
});

describe('classifyWithContent', () => {
  it('names the integration signals in the reason', () => {
    const c = classify('src/pay.ts', "import Stripe from 'stripe';\nimport axios from 'axios';\n");
    expect(c).toMatchObject({ selected: true, ruleLanguage: 'typescript', signals: ['sdk:stripe', 'http-client:axios'], reason: 'integration code: sdk:stripe, http-client:axios' });
  });

  it('keeps "backend code" for code without signals', () => {
    expect(classify('src/sum.py', 'def add(a, b):\n    return a + b\n')).toMatchObject({ selected: true, reason: 'backend code (Python)', signals: [] });
  });

  it.each([
    ['// Code generated by protoc-gen-go. DO NOT EDIT.\npackage pay', 'internal/pay.go'],
    ['/**\n * @generated SignedSource<<abc>>\n */\nexport {}', 'src/relay.ts'],
    ['# Generated by Django 4.2 on 2024-01-01\nfrom django.db import migrations', 'app/schema/0002_x.py'],
    ['// DO NOT EDIT: produced by make gen\nexport const x = 1;', 'src/consts.ts'],
    ['// <auto-generated />\nnamespace X {}', 'src/Ref.cs'],
  ])('skips generated content %#', (content, path) => {
    expect(classify(path, content)).toMatchObject({ selected: false, skipReason: 'generated' });
  });

  it('ignores a DO NOT EDIT far below the file header', () => {
    const body = `${'const a = 1;\n'.repeat(60)}// DO NOT EDIT below without asking finance\n`;
    expect(classify('src/x.ts', body).selected).toBe(true);
  });

  it('skips a head that is binary or over the size limit', () => {
    expect(classify('src/a.ts', { size: 10, binary: true })).toMatchObject({ skipReason: 'binary' });
    expect(classify('src/a.ts', { size: 600 * 1024, binary: false, tooLarge: true })).toMatchObject({ skipReason: 'too-large', reason: 'too large to review (600 KB, limit 512 KB)' });
    expect(classify('src/a.ts', { text: 'x', size: 2 * 1024 * 1024, binary: false })).toMatchObject({ skipReason: 'too-large' });
  });

  it('leaves a candidate whose head could not be read as it was', () => {
    const c = byPath('src/pay.go');
    expect(classifyWithContent(c, undefined, opts)).toEqual(c);
  });

  it('passes a skipped file through untouched', () => {
    const c = byPath('README.md');
    expect(classifyWithContent(c, text("import axios from 'axios'"), opts)).toBe(c);
  });

  it('judges a file without an extension by its #! line', () => {
    expect(byPath('bin/worker')).toMatchObject({ selected: true });
    expect(classify('bin/worker', "#!/usr/bin/env python3\nimport pika\nch.basic_consume(queue='q')\n")).toMatchObject({
      selected: true, language: 'Python', ruleLanguage: 'python', signals: ['messaging:amqp', 'queue-consumer'],
    });
    expect(classify('bin/deploy', '#!/bin/bash\ncurl -X POST $URL\n')).toMatchObject({ selected: false, skipReason: 'unsupported-language', language: 'Shell' });
    expect(classify('bin/blob', 'no shebang here')).toMatchObject({ selected: false, skipReason: 'unsupported-language' });
    expect(classify('bin/gone', undefined)).toMatchObject({ selected: false, skipReason: 'unsupported-language' });
  });

  it('does not scan an API contract for code signals', () => {
    expect(classify('proto/pay.proto', 'syntax = "proto3";\nimport "google/api/annotations.proto";\nservice Webhook {}')).toMatchObject({ selected: true, signals: [] });
  });
});

describe('classification of a parsed pull request', () => {
  it('gives every file of a mixed diff one verdict', () => {
    const diff = [
      'diff --git a/src/pay.ts b/src/pay.ts', '--- a/src/pay.ts', '+++ b/src/pay.ts', '@@ -1 +1 @@', '-a', '+b',
      'diff --git a/package-lock.json b/package-lock.json', '--- a/package-lock.json', '+++ b/package-lock.json', '@@ -1 +1 @@', '-a', '+b',
      'diff --git a/logo.png b/logo.png', 'index 1..2 100644', 'Binary files a/logo.png and b/logo.png differ',
      'diff --git a/old.go b/old.go', 'deleted file mode 100644', '--- a/old.go', '+++ /dev/null', '@@ -1 +0,0 @@', '-x',
      '',
    ].join('\n');
    const verdicts = parseDiff({ kind: 'unified', text: diff }).files.map((f) => classifyByPath(f, opts));
    expect(verdicts.map((v) => [v.path, v.selected, v.skipReason])).toEqual([
      ['src/pay.ts', true, undefined], ['package-lock.json', false, 'lockfile'], ['logo.png', false, 'binary'], ['old.go', false, 'deleted'],
    ]);
  });
});

describe('context: what is not integration code', () => {
  it.each([
    ['hc/api/migrations/0100_auto.py', 'migration'],
    ['alembic/versions/3f2a_add_index.py', 'migration'],
    ['db/migrate/20240101_add_orders.rb', 'migration'],
    ['src/main/resources/db/migration/V2__orders.sql', 'migration'],
    ['scripts/backfill_invoices.py', 'script'],
    ['hack/update-codegen.go', 'script'],
  ])('%s is skipped as %s', (p, reason) => expect(skipOf(p)).toBe(reason));

  it('keeps tools/ and a migrate.go package outside db/ selected', () => {
    expect(byPath('agent/tools/search.py').selected).toBe(true);
    expect(byPath('internal/migrate/runner.go').selected).toBe(true);
  });

  it('skips an RPM spec that Linguist calls Python, not a Python file named *.spec', () => {
    expect(classify('packaging/redhat/python-apprise.spec', 'Name: python-apprise\nVersion: 1.0\n%description\n')).toMatchObject({ selected: false, skipReason: 'config', reason: 'configuration (RPM spec)' });
    expect(classify('packaging/app.spec', 'a = Analysis(["main.py"])\npyz = PYZ(a.pure)\n').selected).toBe(true);
  });
});

describe('frontend by content', () => {
  it.each([
    ["'use client';\nimport { useState } from 'react';\nexport function Pay() { return fetch('/api/pay'); }", "'use client'"],
    ["import React from 'react';\nexport const load = () => fetch('/api/orders');", 'imports react'],
    ["import { createApp } from 'vue';\ncreateApp({}).mount('#app');", 'imports vue'],
    ["const token = localStorage.getItem('t');\nwindow.location.href = '/login';\nfetch('/api/me');", 'browser globals: localStorage, window'],
  ])('skips browser code outside frontend folders %#', (content, why) => {
    expect(classify('web/src/app/orders.js', content)).toMatchObject({ selected: false, skipReason: 'frontend', reason: `frontend code (${why})` });
  });

  it.each([
    ['app/api/charge/route.ts', "import React from 'react';\nexport async function POST() { return fetch('https://api.stripe.com'); }"],
    ['src/pages/api/hook.ts', "import { useState } from 'react';\nexport default async function handler() {}"],
    ['src/server/render.ts', "import express from 'express';\nimport React from 'react';\nexport const app = express();"],
    ['src/actions.ts', "'use server';\nimport { redirect } from 'next/navigation';\nexport async function pay() {}"],
    ['src/jobs/sync.ts', "const doc = document.id;\nexport async function sync() { return fetch(url); }"],
  ])('keeps server code selected: %s', (p, content) => {
    expect(classify(p, content).selected).toBe(true);
  });
});
