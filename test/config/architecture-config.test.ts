import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

function errorOf(yaml: string): string {
  try {
    loadConfig(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return `${(err as ConfigError).location ?? ''}: ${(err as Error).message}`;
  }
  throw new Error('expected a configuration error');
}

const MODULES = `architecture:
  modules:
    api: src/api/**
    domain: src/domain/**
    adapters: [src/adapters/**, src/clients/**]
`;

describe('architecture: configuration', () => {
  it('loads modules, layers, forbid rules and exceptions, with defaults filled in', () => {
    const { config, warnings } = loadConfig(`${MODULES}  layers: [api, domain, adapters]
  forbid:
    - name: vendor-sdks-only-in-adapters
      to: vendor:*
      except: adapters
      reason: Vendor SDKs belong in src/adapters.
  allow:
    - { from: src/domain/clock.ts, to: "package:@js-joda/core", reason: time is domain }
`);
    expect(warnings).toEqual([]);
    expect(config.architecture?.forbid[0]).toEqual({ name: 'vendor-sdks-only-in-adapters', from: [], except: 'adapters', to: 'vendor:*', reason: 'Vendor SDKs belong in src/adapters.', severity: 'medium' });
    expect(config.architecture?.modules.adapters).toEqual(['src/adapters/**', 'src/clients/**']);
  });

  it('is absent unless configured', () => {
    expect(loadConfig('min_severity: low\n').config.architecture).toBeUndefined();
  });

  it('reports an unknown module name in a rule at its line and column, with a did-you-mean', () => {
    const text = errorOf(`${MODULES}  forbid:
    - name: api-not-to-adapters
      from: api
      to: [domain, adaptres]
      reason: Handlers go through the domain.
`);
    expect(text).toContain('.github/arch-review.yml:9:20');
    expect(text).toContain('architecture.forbid[0].to[1]: unknown module "adaptres"; did you mean "adapters"?');
  });

  it('reports an unknown layer and an unknown module in except and allow, each at its position', () => {
    const text = errorOf(`${MODULES}  layers: [api, domian, adapters]
  forbid:
    - { name: r1, to: vendor:*, except: adaptors, reason: x }
  allow:
    - { from: apii, to: domain, reason: y }
`);
    expect(text).toContain('.github/arch-review.yml:6:17: architecture.layers[1]: unknown module "domian"; did you mean "domain"?');
    expect(text).toContain('.github/arch-review.yml:8:41: architecture.forbid[0].except: unknown module "adaptors"; did you mean "adapters"?');
    expect(text).toContain('architecture.allow[0].from: unknown module "apii"; did you mean "api"?');
  });

  it('suggests package: for a bare name that is not a module', () => {
    expect(errorOf(`${MODULES}  forbid:\n    - { name: r, to: axios, reason: x }\n`)).toMatch(/unknown module "axios" \(modules: api, domain, adapters\); a third-party package is written `package:axios`/);
  });

  it('checks vendor ids, and keeps vendor: and package: out of from', () => {
    expect(errorOf(`${MODULES}  forbid:\n    - { name: r, to: vendor:strpe, reason: x }\n`)).toContain('unknown vendor "strpe"; did you mean "vendor:stripe"?');
    expect(errorOf(`${MODULES}  forbid:\n    - { name: r, from: vendor:stripe, to: domain, reason: x }\n`)).toContain('goes in `to`, not in `from`/`except`');
  });

  it('rejects two rules with the same name and an invalid glob', () => {
    const text = errorOf(`${MODULES}  forbid:
    - { name: r, to: domain, reason: x }
    - { name: r, to: "src/[x", reason: x }
`);
    expect(text).toContain('architecture.forbid[1].name: another rule is already named "r"');
    expect(text).toContain('architecture.forbid[1].to: invalid glob "src/[x"');
  });

  it('requires a reason for every rule', () => {
    expect(errorOf(`${MODULES}  forbid:\n    - { name: s, to: domain }\n`)).toMatch(/:7:7: .*architecture\.forbid\[0\]\.reason: missing \(required\)/);
  });

  it('warns about an unknown key with a did-you-mean, like every other key', () => {
    const { warnings } = loadConfig(`${MODULES}  layer: [api]\n`);
    expect(warnings[0]).toMatch(/unknown key "layer" in architecture .*did you mean "layers"/);
  });
});
