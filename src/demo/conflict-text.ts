import type { ConflictRecord } from '../twoway/conflict-log.js';

/**
 * The key values of an applier's canonical key text (applier/table-binding.ts keyString): each value
 * as kind letter, length, ':' and text — "s7:SKU-001" → ["SKU-001"]; null values as "NULL".
 */
export function keyValues(keyText: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < keyText.length) {
    const match = /^([bnis])(\d+):/.exec(keyText.slice(at));
    if (!match) return [keyText];
    const start = at + match[0].length;
    const text = keyText.slice(start, start + Number(match[2]));
    out.push(match[1] === 'n' ? 'NULL' : match[1] === 'b' ? `\\x${text}` : text);
    at = start + Number(match[2]);
  }
  return out;
}

/** A version's time of day in UTC, to the microsecond: "19:29:25.752873". */
export function clock(tsMicros: string): string {
  const micros = BigInt(tsMicros);
  const ms = Number(micros / 1000n);
  return `${new Date(ms).toISOString().slice(11, 19)}.${(micros % 1_000_000n).toString().padStart(6, '0')}`;
}

/** "products SKU-001 on shop (update_update): inventory's write wins, 19:29:25.851432 is later than 19:29:25.752873". */
export function describeConflict(c: ConflictRecord): string {
  const incoming = c.incoming.version;
  const target = c.target.version;
  const [won, lost] = c.winner === 'incoming' ? [incoming, target] : [target, incoming];
  const why = won.ts === lost.ts ? `same time ${clock(won.ts)}, rank ${won.rank} beats rank ${lost.rank}` : `${clock(won.ts)} is later than ${clock(lost.ts)}`;
  const what = c.winner === 'incoming' ? (c.incoming.deleted ? 'delete' : 'write') : c.target.deleted ? 'delete' : 'write';
  return `${c.table.split('.').at(-1)} ${keyValues(c.key).join(', ')} on ${c.resolvedOn} (${c.kind}): ${won.node}'s ${what} wins, ${why}`;
}

/** A few conflicts to show: the first of each table and node it was resolved on, then the next ones, `count` in all. */
export function sampleConflicts(all: readonly ConflictRecord[], count: number): ConflictRecord[] {
  const seen = new Set<string>();
  const firsts = all.filter((c) => {
    const kind = `${c.table}|${c.resolvedOn}`;
    if (seen.has(kind)) return false;
    seen.add(kind);
    return true;
  });
  return [...firsts, ...all.filter((c) => !firsts.includes(c))].slice(0, count);
}
