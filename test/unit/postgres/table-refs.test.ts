import { describe, expect, it } from 'vitest';
import { parseTableRef, qualified } from '../../../src/postgres/table-refs.js';

describe('parseTableRef', () => {
  it('reads schema.table, a bare table and quoted names', () => {
    expect(parseTableRef('public.orders', 'public')).toEqual({ schema: 'public', table: 'orders' });
    expect(parseTableRef('orders', 'public')).toEqual({ schema: 'public', table: 'orders' });
    expect(parseTableRef('"my schema"."odd.""table"""', 'public')).toEqual({ schema: 'my schema', table: 'odd."table"' });
  });
  it('quotes back to SQL', () => {
    expect(qualified({ schema: 'my schema', table: 'odd."t' })).toBe('"my schema"."odd.""t"');
  });
  it('rejects malformed names with a fix', () => {
    expect(() => parseTableRef('a.b.c', 'public')).toThrow(/schema\.table/);
    expect(() => parseTableRef('"open', 'public')).toThrow(/unterminated/);
    expect(() => parseTableRef('a.', 'public')).toThrow(/trailing dot/);
  });
});
