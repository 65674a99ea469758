import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';

/** `npm run demo` is the main job: a short run must end with both sides equal and conflicts resolved. */
// The demo starts (or reuses) the local stack itself, so it is skipped when the suite runs against external URLs.
describe.skipIf(process.env.TANDEM_PG_URL !== undefined)('the two-way demo (on the local stack)', () => {
  it('keeps the shop and the inventory equal under two-way traffic with clashes, and says so', async () => {
    const lines: string[] = [];
    const ok = await runDemo({ seconds: 6, stepsPerSecond: 20, out: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(text).toMatch(/verify: 2 table\(s\) equal on shop and inventory/);
    expect(text).toMatch(/conflicts resolved by last-writer-wins: [1-9]\d*/);
    expect(ok).toBe(true);
  }, 120_000);
});
