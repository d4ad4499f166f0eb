import { describe, expect, it } from 'vitest';
import { compileArchitecture, declaredLayers } from '../../src/architecture/index.js';
import { ArchitectureSchema } from '../../src/config/architecture-schema.js';

const compiled = (raw: unknown) => compileArchitecture(ArchitectureSchema.parse(raw));

describe('declaredLayers', () => {
  it('reads adapters from vendor rules and the roles from module names', () => {
    const layerOf = declaredLayers(
      compiled({
        modules: { api: 'src/api/**', domain: 'src/domain/**', payments: 'src/payments/**', infrastructure: 'src/infra/**', misc: 'src/misc/**' },
        layers: ['api', 'domain', 'infrastructure'],
        forbid: [{ name: 'vendor-sdks-only-in-payments', to: 'vendor:*', except: 'payments', reason: 'Vendor SDKs belong in src/payments.' }],
      }),
    )!;
    expect(layerOf('src/payments/stripe.ts')).toBe('adapter');
    expect(layerOf('src/infra/queue.ts')).toBe('adapter');
    expect(layerOf('src/domain/order.ts')).toBe('business');
    expect(layerOf('src/api/orders.ts')).toBe('edge');
    // A module whose name says no role, and a path in no module, are left to the model.
    expect(layerOf('src/misc/util.ts')).toBeUndefined();
    expect(layerOf('lib/other.ts')).toBeUndefined();
  });

  it('says nothing without declared modules', () => {
    expect(declaredLayers(compiled({}))).toBeUndefined();
  });
});
