import { afterAll, describe, expect, it } from 'vitest';
import { ApplierFixture } from './helpers/applier-fixture.js';
import { endToEnd } from './helpers/applier-e2e.js';

const OPS = Number(process.env.TANDEM_APPLIER_OPS ?? 100_000);

describe('applier PostgreSQL → MySQL', () => {
  const fx = new ApplierFixture('postgres', 'mysql');
  afterAll(async () => {
    await fx.cleanup();
  });

  it(`applies ${OPS} random changes: the target equals the source row by row`, async () => {
    const result = await endToEnd(fx, { src: 'postgres', dst: 'mysql' }, OPS, 4002);
    expect(result.written).toBeGreaterThanOrEqual(OPS);
    console.log(`pg→mysql: ${result.written} changes, ${result.seconds.toFixed(1)} s end to end`, result.applier);
  });
});
