import { afterAll, describe, expect, it } from 'vitest';
import { ApplierFixture } from './helpers/applier-fixture.js';
import { endToEnd } from './helpers/applier-e2e.js';

const OPS = Number(process.env.TANDEM_APPLIER_OPS ?? 100_000);

describe('applier MySQL → PostgreSQL', () => {
  const fx = new ApplierFixture('mysql', 'postgres');
  afterAll(async () => {
    await fx.cleanup();
  });

  it(`applies ${OPS} random changes: the target equals the source row by row`, async () => {
    const result = await endToEnd(fx, { src: 'mysql', dst: 'postgres' }, OPS, 4003);
    expect(result.written).toBeGreaterThanOrEqual(OPS);
    console.log(`mysql→pg: ${result.written} changes, ${result.seconds.toFixed(1)} s end to end`, result.applier);
  });
});
