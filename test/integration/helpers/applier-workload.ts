import type { Endpoint, EngineName, TextRow } from './applier-fixture.js';

/*
 * The random workload of the end-to-end applier tests, for any direction: two tables whose names need
 * quoting, a composite and a text key, a counter every update increments, and one column per type that
 * can make the trip (docs/type-mapping.md, "Across engines"); values include NULLs, edge values, unicode
 * and large ones. Changes are written fast (multi-row statements, transactions of 1 to 2000 changes);
 * afterwards `compareTables` reads both sides and normalises each column to one comparable text.
 */

export interface Direction {
  src: EngineName;
  dst: EngineName;
}

export type Rand = () => number;

export function seeded(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rand, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

type Param = string | Buffer | null;

interface Col {
  name: string;
  /** Column type per engine; `[source, target]` when the target side differs across engines. */
  pg: string | [string, string] | undefined;
  my: string | [string, string] | undefined;
  gen: (r: Rand, d: Direction) => Param;
  /** Select expression per engine ("$" is the quoted column). */
  sel?: { postgres?: string; mysql?: string };
  /** Text → comparable text. */
  norm?: (text: string, engine: EngineName) => string;
}

const UNICODE = ['a', 'é', 'ß', 'Ω', '中', '文', '😀', '🚀', "'", '"', '\\', ' ', '\t', '\n', 'z', '0', '%', '_', 'ü'];

function text(r: Rand, max: number): string {
  const n = int(r, 0, max);
  let out = '';
  for (let i = 0; i < n; i++) out += r() < 0.7 ? String.fromCharCode(int(r, 97, 122)) : pick(r, UNICODE);
  return out;
}

function nullable(r: Rand, value: () => Param, p = 0.1): Param {
  return r() < p ? null : value();
}

const same = (d: Direction) => d.src === d.dst;

function date(r: Rand, d: Direction): { y: number; m: number; day: number } {
  const y = same(d) && d.src === 'postgres' && r() < 0.05 ? int(r, -300, 0) : r() < 0.1 ? int(r, 1, 9999) : int(r, 1900, 2100);
  return { y, m: int(r, 1, 12), day: int(r, 1, 28) };
}

function ymd(v: { y: number; m: number; day: number }, engine: EngineName): string {
  if (v.y <= 0 && engine === 'postgres') return `${pad(1 - v.y, 4)}-${pad(v.m, 2)}-${pad(v.day, 2)} BC`;
  return `${pad(v.y, 4)}-${pad(v.m, 2)}-${pad(v.day, 2)}`;
}

function clock(r: Rand): string {
  return `${pad(int(r, 0, 23), 2)}:${pad(int(r, 0, 59), 2)}:${pad(int(r, 0, 59), 2)}.${pad(int(r, 0, 999999), 6)}`;
}

function timestamp(r: Rand, d: Direction): string {
  const day = date(r, d);
  const value = `${ymd({ ...day, y: Math.max(day.y, d.src === 'postgres' && same(d) ? day.y : 1) }, d.src)}`;
  const bc = value.endsWith(' BC');
  return `${bc ? value.slice(0, -3) : value} ${clock(r)}${bc ? ' BC' : ''}`;
}

function floatText(r: Rand, d: Direction, single: boolean): string {
  if (same(d) && d.src === 'postgres' && r() < 0.05) return pick(r, ['NaN', 'Infinity', '-Infinity', '-0']);
  const specials = [0, 1, -1, 1e-300, 1.7976931348623157e308, 5e-324, 0.1, 2 ** 53 + 1, -123.456];
  let v = r() < 0.2 ? pick(r, specials) : (r() - 0.5) * 10 ** int(r, -20, 20);
  if (single) {
    v = Math.fround(v);
    if (!Number.isFinite(v) || (v !== 0 && Math.abs(v) < 1.2e-38)) v = 1.5;
  }
  return String(v);
}

const bigintText = (r: Rand) => pick(r, ['9223372036854775807', '-9223372036854775808', '0', String(int(r, -1e9, 1e9)), `${int(r, 1, 9)}${pad(int(r, 0, 999999999), 9)}${pad(int(r, 0, 99999), 5)}`]);

/** Normalises a float text of either engine to its exact value as a JS number text. */
const numberNorm = (single: boolean) => (t: string) => {
  const n = Number(t === 'Infinity' || t === '-Infinity' || t === 'NaN' ? t : t);
  return String(single ? Math.fround(n) : n);
};

const jsonCanon = (t: string): string => {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sort(x)])) : v;
  return JSON.stringify(sort(JSON.parse(t)));
};

const MOOD = ['sad', 'ok', 'happy', 'über 😀'];

/** Every column of the wide table, for all directions (columns that cannot make a trip are left out of it). */
function columns(): Col[] {
  return [
    { name: 'flag', pg: 'boolean', my: 'tinyint(1)', gen: (r, d) => nullable(r, () => (d.src === 'postgres' ? pick(r, ['t', 'f']) : pick(r, ['1', '0']))), norm: (t) => (t === 't' || t === 'true' || t === '1' ? '1' : '0') },
    { name: 'i2', pg: 'smallint', my: 'smallint', gen: (r) => nullable(r, () => String(pick(r, [-32768, 32767, 0, int(r, -999, 999)]))) },
    { name: 'i4', pg: 'integer', my: 'int', gen: (r) => nullable(r, () => String(pick(r, [-2147483648, 2147483647, int(r, -1e6, 1e6)]))) },
    { name: 'i8', pg: 'bigint', my: 'bigint', gen: (r) => nullable(r, () => bigintText(r)) },
    { name: 'u8', pg: 'numeric(20,0)', my: 'bigint unsigned', gen: (r) => nullable(r, () => pick(r, ['18446744073709551615', '0', String(int(r, 0, 1e9))])) },
    {
      name: 'num', pg: 'numeric(30,6)', my: 'decimal(30,6)',
      gen: (r) => nullable(r, () => `${r() < 0.5 ? '-' : ''}${int(r, 0, 999999)}${pad(int(r, 0, 999999999), 9)}${pad(int(r, 0, 99999), 5)}.${pad(int(r, 0, 999999), 6)}`),
      norm: (t) => t.replace(/^(-?)0+(\d)/, '$1$2'),
    },
    {
      name: 'f4', pg: 'real', my: 'float', gen: (r, d) => nullable(r, () => floatText(r, d, true)),
      sel: { mysql: 'CAST($ AS DOUBLE)' }, norm: numberNorm(true),
    },
    { name: 'f8', pg: 'double precision', my: 'double', gen: (r, d) => nullable(r, () => floatText(r, d, false)), norm: numberNorm(false) },
    { name: 'txt', pg: 'text', my: 'longtext', gen: (r) => nullable(r, () => (r() < 0.005 ? text(r, 40_000) : text(r, 60))) },
    { name: 'vc', pg: 'varchar(50)', my: 'varchar(50)', gen: (r) => nullable(r, () => text(r, 50)) },
    { name: 'ch', pg: 'char(5)', my: 'char(5)', gen: (r) => nullable(r, () => text(r, 5).replace(/\s+$/, '')), norm: (t) => t.replace(/ +$/, '') },
    {
      name: 'bin', pg: 'bytea', my: 'longblob',
      gen: (r, d) => nullable(r, () => {
        const b = Buffer.alloc(r() < 0.005 ? int(r, 10_000, 60_000) : int(r, 0, 40));
        for (let i = 0; i < b.length; i++) b[i] = int(r, 0, 255);
        return d.src === 'postgres' ? `\\x${b.toString('hex')}` : b;
      }),
      sel: { postgres: "encode($, 'hex')", mysql: 'LOWER(HEX($))' },
    },
    { name: 'dt', pg: 'date', my: 'date', gen: (r, d) => nullable(r, () => (same(d) && d.src === 'postgres' && r() < 0.03 ? pick(r, ['infinity', '-infinity']) : ymd(date(r, d), d.src))) },
    {
      name: 'tm', pg: ['time', 'interval'], my: ['time(6)', 'time(6)'],
      gen: (r, d) => nullable(r, () => (d.src === 'mysql' && r() < 0.3 ? `${pick(r, ['-', ''])}${int(r, 0, 838)}:${pad(int(r, 0, 59), 2)}:${pad(int(r, 0, 59), 2)}.${pad(int(r, 0, 999999), 6)}` : clock(r))),
      sel: { postgres: 'EXTRACT(EPOCH FROM $)::numeric(20,6)', mysql: 'CAST(TIME_TO_SEC($) AS DECIMAL(20,6))' },
      norm: (t) => Number(t).toFixed(6),
    },
    {
      name: 'ts', pg: 'timestamp(6)', my: 'datetime(6)', gen: (r, d) => nullable(r, () => (same(d) && d.src === 'postgres' && r() < 0.03 ? pick(r, ['infinity', '-infinity']) : timestamp(r, d))),
      sel: { postgres: "CASE WHEN isfinite($) THEN to_char($, 'YYYY-MM-DD HH24:MI:SS.US AD') ELSE $::text END", mysql: "DATE_FORMAT($, '%Y-%m-%d %H:%i:%s.%f AD')" },
    },
    {
      name: 'tstz', pg: 'timestamptz', my: ['timestamp(6)', 'datetime(6)'],
      gen: (r, d) => nullable(r, () => {
        if (d.src === 'mysql') return `${int(r, 1971, 2037)}-${pad(int(r, 1, 12), 2)}-${pad(int(r, 1, 28), 2)} ${clock(r)}`;
        return `${timestamp(r, { src: 'postgres', dst: 'mysql' })}${d.dst === 'postgres' ? pick(r, ['+00', '+05:30', '-08']) : '+00'}`;
      }),
      sel: { postgres: "CASE WHEN isfinite($) THEN to_char($ AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US AD') ELSE $::text END", mysql: "DATE_FORMAT($, '%Y-%m-%d %H:%i:%s.%f AD')" },
    },
    {
      // RFC 4122 version-4 UUIDs: MariaDB's UUID type refuses other variants (PostgreSQL takes any 128 bits).
      name: 'uid', pg: 'uuid', my: 'uuid',
      gen: (r) => nullable(r, () => {
        const h = (n: number) => Array.from({ length: n }, () => int(r, 0, 15).toString(16)).join('');
        return `${h(8)}-${h(4)}-4${h(3)}-${pick(r, ['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
      }),
    },
    {
      name: 'doc', pg: 'jsonb', my: 'json',
      gen: (r) => nullable(r, () => JSON.stringify({ k: text(r, 8), n: int(r, -1000, 1000), list: [true, null, text(r, 3)], nested: { 'ü ': r() < 0.5 } })),
      norm: jsonCanon,
    },
    { name: 'mood', pg: 'mood', my: `enum(${MOOD.map((m) => `'${m}'`).join(',')})`, gen: (r) => nullable(r, () => pick(r, MOOD)) },
    // PostgreSQL-only types: to MySQL as their PostgreSQL text.
    { name: 'span', pg: ['interval', 'interval'], my: [undefined!, 'varchar(100)'], gen: (r) => nullable(r, () => `${int(r, -20, 20)} mons ${int(r, -40, 40)} days ${int(r, -99, 99)}:${pad(int(r, 0, 59), 2)}:00.${pad(int(r, 0, 999999), 6)}`), },
    {
      name: 'nums', pg: ['integer[]', 'integer[]'], my: [undefined!, 'text'],
      gen: (r) => nullable(r, () => `{${Array.from({ length: int(r, 0, 5) }, () => (r() < 0.1 ? 'NULL' : String(int(r, -1e6, 1e6)))).join(',')}}`),
      norm: (t) => t.replaceAll('"', ''),
    },
    // MySQL-only types: to PostgreSQL as their nearest type.
    { name: 'yr', pg: [undefined!, 'smallint'], my: ['year', 'year'], gen: (r) => nullable(r, () => String(int(r, 1901, 2155))) },
    { name: 'tags', pg: [undefined!, 'text'], my: ["set('red','green','blue')", "set('red','green','blue')"], gen: (r) => nullable(r, () => ['red', 'green', 'blue'].filter(() => r() < 0.5).join(',')) },
  ];
}

function typeFor(col: Col, engine: EngineName, d: Direction): string | undefined {
  const t = engine === 'postgres' ? col.pg : col.my;
  if (t === undefined) return undefined;
  if (typeof t === 'string') return t;
  return engine === d.src ? t[0] : t[1];
}

/** The columns of the wide table for a direction: those with a type on both sides. */
export function wideColumns(d: Direction): Col[] {
  return columns().filter((c) => {
    const s = typeFor(c, d.src, d);
    const t = typeFor(c, d.dst, d);
    if (!s || !t) return false;
    // PostgreSQL-only columns travel only from PostgreSQL; MySQL-only ones only from MySQL.
    if (Array.isArray(c.pg) && c.pg[0] === undefined && d.src === 'postgres') return false;
    if (Array.isArray(c.my) && c.my[0] === undefined && d.src === 'mysql') return false;
    return true;
  });
}

export const WIDE = 'Order Items';
export const NAMED = 'select';
const SPECIAL = ['quo"te', 'ünï', 'back`tick'];

function ident(engine: EngineName, name: string): string {
  return engine === 'postgres' ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll('`', '``')}\``;
}

/** DDL of both tables on one side of the direction. */
export function workloadDdl(engine: EngineName, d: Direction): string[] {
  const q = (n: string) => ident(engine, n);
  const cols = wideColumns(d).map((c) => `${q(c.name)} ${typeFor(c, engine, d)}`);
  const key = engine === 'mysql' ? 'varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : 'varchar(40)';
  const out: string[] = [];
  if (engine === 'postgres') out.push(`CREATE TYPE mood AS ENUM (${MOOD.map((m) => `'${m}'`).join(', ')})`);
  out.push(`CREATE TABLE ${q(WIDE)} (${q('tenant id')} integer NOT NULL, id bigint NOT NULL, counter bigint NOT NULL, ${cols.join(', ')}, PRIMARY KEY (${q('tenant id')}, id))`);
  out.push(`CREATE TABLE ${q(NAMED)} (${q('ünï')} ${key} NOT NULL PRIMARY KEY, counter bigint NOT NULL, ${SPECIAL.filter((s) => s !== 'ünï').map((s) => `${q(s)} text`).join(', ')})`);
  return out;
}

/** The keys the workload has written so far (pass one to several runs over the same tables). */
export interface KeyState {
  wide: Map<string, [number, number]>;
  named: Set<string>;
  nextId: number;
  truncated: boolean;
}

export function newKeyState(): KeyState {
  return { wide: new Map(), named: new Set(), nextId: 1, truncated: false };
}

/**
 * Writes `ops` random row changes into the source (inserts 45%, updates 40%, deletes 15%, a key change
 * now and then, one TRUNCATE of the second table), in transactions of varying size. Returns the number of
 * changes written.
 */
export interface WorkloadOptions {
  /** Primary-key changes and a TRUNCATE (default true); ordering: key cannot order them across partitions. */
  keyChanges?: boolean;
}

export async function runWorkload(source: Endpoint, d: Direction, ops: number, seed: number, state: KeyState = newKeyState(), options: WorkloadOptions = {}): Promise<number> {
  const keyChanges = options.keyChanges ?? true;
  if (!keyChanges) state.truncated = true;
  const r = seeded(seed);
  const cols = wideColumns(d);
  let done = 0;
  while (done < ops) {
    const roll = r();
    const size = Math.min(ops - done, roll < 0.4 ? 1 : roll < 0.8 ? int(r, 2, 10) : roll < 0.995 ? int(r, 10, 300) : 2000);
    await source.query(source.engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
    let inTx = 0;
    while (inTx < size) {
      const left = size - inTx;
      const kind = r();
      const n = Math.min(left, int(r, 1, 200));
      if (!state.truncated && done + inTx > ops / 2) {
        state.truncated = true;
        await source.query(`${source.engine === 'postgres' ? 'TRUNCATE' : 'DELETE FROM'} ${ident(source.engine, NAMED)}`);
        inTx += Math.max(1, source.engine === 'postgres' ? 1 : state.named.size);
        state.named.clear();
        continue;
      }
      if (kind < 0.45 || state.wide.size < 50) inTx += await insertWide(source, d, cols, state, r, n);
      else if (kind < 0.55) inTx += await namedChange(source, state, r);
      else if (kind < 0.85) inTx += await updateWide(source, d, cols, state, r, n);
      else if (kind < 0.86) inTx += keyChanges ? await changeKey(source, state, r) : await updateWide(source, d, cols, state, r, 1);
      else inTx += await deleteWide(source, state, r, n);
    }
    await source.query('COMMIT');
    done += inTx;
  }
  return done;
}

function ph(engine: EngineName, i: number, cast?: string): string {
  return engine === 'postgres' ? `$${i}${cast ? `::${cast}` : ''}` : '?';
}

async function insertWide(source: Endpoint, d: Direction, cols: Col[], state: KeyState, r: Rand, n: number): Promise<number> {
  const e = source.engine;
  const names = ['tenant id', 'id', 'counter', ...cols.map((c) => c.name)];
  const types = ['integer', 'bigint', 'bigint', ...cols.map((c) => typeFor(c, e, d)!)];
  const params: Param[] = [];
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const tenant = int(r, 1, 5);
    const id = state.nextId++;
    state.wide.set(`${tenant}:${id}`, [tenant, id]);
    const values: Param[] = [String(tenant), String(id), '0', ...cols.map((c) => c.gen(r, d))];
    rows.push(`(${values.map((_, j) => ph(e, params.length + j + 1, e === 'postgres' ? types[j] : undefined)).join(', ')})`);
    params.push(...values);
  }
  await source.query(`INSERT INTO ${ident(e, WIDE)} (${names.map((x) => ident(e, x)).join(', ')}) VALUES ${rows.join(', ')}`, params);
  return n;
}

function someKeys(state: KeyState, r: Rand, n: number): Array<[number, number]> {
  const all = [...state.wide.values()];
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < n * 2 && out.size < n && all.length > 0; i++) {
    const k = all[Math.floor(r() * all.length)]!;
    out.set(`${k[0]}:${k[1]}`, k);
  }
  return [...out.values()];
}

async function updateWide(source: Endpoint, d: Direction, cols: Col[], state: KeyState, r: Rand, n: number): Promise<number> {
  const e = source.engine;
  const keys = someKeys(state, r, n);
  if (keys.length === 0) return 0;
  const chosen = cols.filter(() => r() < 0.2).slice(0, 4);
  if (chosen.length === 0) chosen.push(pick(r, cols));
  const q = (x: string) => ident(e, x);
  const params: Param[] = [];
  if (e === 'postgres') {
    const rows = keys.map(([t, id]) => {
      const values: Param[] = [String(t), String(id), ...chosen.map((c) => c.gen(r, d))];
      const start = params.length;
      params.push(...values);
      return `(${values.map((_, j) => `$${start + j + 1}`).join(', ')})`;
    });
    const sets = chosen.map((c, j) => `${q(c.name)} = v.c${j}::${typeFor(c, e, d)}`).join(', ');
    await source.query(
      `UPDATE ${q(WIDE)} AS w SET ${sets}, counter = w.counter + 1 FROM (VALUES ${rows.join(', ')}) AS v(t, id, ${chosen.map((_, j) => `c${j}`).join(', ')}) ` +
        `WHERE w.${q('tenant id')} = v.t::integer AND w.id = v.id::bigint`,
      params,
    );
  } else {
    const rows = keys.map(([t, id]) => {
      params.push(String(t), String(id), ...chosen.map((c) => c.gen(r, d)));
      return `SELECT ? AS t, ? AS id, ${chosen.map((_, j) => `? AS c${j}`).join(', ')}`;
    });
    const sets = chosen.map((c, j) => `w.${q(c.name)} = v.c${j}`).join(', ');
    await source.query(`UPDATE ${q(WIDE)} AS w JOIN (${rows.join(' UNION ALL ')}) AS v ON w.${q('tenant id')} = v.t AND w.id = v.id SET ${sets}, w.counter = w.counter + 1`, params);
  }
  return keys.length;
}

async function deleteWide(source: Endpoint, state: KeyState, r: Rand, n: number): Promise<number> {
  const e = source.engine;
  const keys = someKeys(state, r, n);
  if (keys.length === 0) return 0;
  for (const [t, id] of keys) state.wide.delete(`${t}:${id}`);
  const params = keys.flatMap(([t, id]) => [String(t), String(id)]);
  const where =
    e === 'postgres'
      ? `(${ident(e, 'tenant id')}, id) IN (${keys.map((_, i) => `($${2 * i + 1}::integer, $${2 * i + 2}::bigint)`).join(', ')})`
      : keys.map(() => `(${ident(e, 'tenant id')} = ? AND id = ?)`).join(' OR ');
  await source.query(`DELETE FROM ${ident(e, WIDE)} WHERE ${where}`, params);
  return keys.length;
}

async function changeKey(source: Endpoint, state: KeyState, r: Rand): Promise<number> {
  const e = source.engine;
  const [key] = someKeys(state, r, 1);
  if (!key) return 0;
  const id = state.nextId++;
  state.wide.delete(`${key[0]}:${key[1]}`);
  state.wide.set(`${key[0]}:${id}`, [key[0], id]);
  await source.query(`UPDATE ${ident(e, WIDE)} SET id = ${ph(e, 1)}, counter = counter + 1 WHERE ${ident(e, 'tenant id')} = ${ph(e, 2)} AND id = ${ph(e, 3)}`, [String(id), String(key[0]), String(key[1])]);
  return 1;
}

/** One change of the second table: insert, update (text columns with quotes and unicode), or delete. */
async function namedChange(source: Endpoint, state: KeyState, r: Rand): Promise<number> {
  const e = source.engine;
  const q = (x: string) => ident(e, x);
  const existing = [...state.named];
  const roll = r();
  if (existing.length === 0 || roll < 0.5) {
    const key = `k-${text(r, 10).replace(/\s/g, '_')}-${state.nextId++}`;
    state.named.add(key);
    await source.query(`INSERT INTO ${q(NAMED)} (${q('ünï')}, counter, ${q('quo"te')}, ${q('back`tick')}) VALUES (${ph(e, 1)}, 0, ${ph(e, 2)}, ${ph(e, 3)})`, [key, text(r, 30), text(r, 30)]);
  } else if (roll < 0.85) {
    const key = pick(r, existing);
    await source.query(`UPDATE ${q(NAMED)} SET counter = counter + 1, ${q('quo"te')} = ${ph(e, 1)} WHERE ${q('ünï')} = ${ph(e, 2)}`, [text(r, 30), key]);
  } else {
    const key = pick(r, existing);
    state.named.delete(key);
    await source.query(`DELETE FROM ${q(NAMED)} WHERE ${q('ünï')} = ${ph(e, 1)}`, [key]);
  }
  return 1;
}

/** Both tables of both sides as normalised rows, sorted by key. */
export async function readTables(endpoint: Endpoint, d: Direction): Promise<{ wide: string[]; named: string[] }> {
  const e = endpoint.engine;
  const q = (x: string) => ident(e, x);
  const cols = wideColumns(d);
  const exprs = cols.map((c) => {
    const template = c.sel?.[e];
    return `${template ? template.replaceAll('$', q(c.name)) : e === 'postgres' ? `${q(c.name)}::text` : q(c.name)} AS ${q(c.name)}`;
  });
  const wideRows = await endpoint.query(`SELECT ${q('tenant id')} AS t, id, counter, ${exprs.join(', ')} FROM ${q(WIDE)}`);
  const wide = wideRows
    .map((row) => ({ key: [Number(row.t), Number(row.id)] as const, text: rowText(row, cols, e) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1])
    .map((x) => x.text);
  const namedRows = await endpoint.query(`SELECT ${SPECIAL.map(q).join(', ')}, counter FROM ${q(NAMED)}`);
  const named = namedRows.map((row) => JSON.stringify([row['ünï'], row.counter, row['quo"te'], row['back`tick']])).sort();
  return { wide, named };
}

function rowText(row: TextRow, cols: Col[], engine: EngineName): string {
  const out: Array<string | null> = [String(row.t), String(row.id), String(row.counter)];
  for (const c of cols) {
    const v = row[c.name];
    out.push(v === null || v === undefined ? null : c.norm ? c.norm(String(v), engine) : String(v));
  }
  return JSON.stringify(out);
}

/** The first differences between two sorted row lists (for a readable failure). */
export function firstDifferences(a: string[], b: string[], limit = 5): string[] {
  const out: string[] = [];
  const setB = new Set(b);
  const setA = new Set(a);
  for (const row of a) if (!setB.has(row) && out.length < limit) out.push(`only in source: ${row.slice(0, 600)}`);
  for (const row of b) if (!setA.has(row) && out.length < 2 * limit) out.push(`only in target: ${row.slice(0, 600)}`);
  return out;
}

/** Writes a marker row into the second table in its own transaction and waits until the target has it. */
export async function markAndWait(source: Endpoint, target: Endpoint, timeoutMs: number, failure: () => unknown): Promise<void> {
  const key = `zz-marker-${Date.now()}`;
  const e = source.engine;
  await source.query(`INSERT INTO ${ident(e, NAMED)} (${ident(e, 'ünï')}, counter) VALUES (${ph(e, 1)}, 0)`, [key]);
  const deadline = Date.now() + timeoutMs;
  const t = target.engine;
  for (;;) {
    const rows = await target.query(`SELECT counter FROM ${ident(t, NAMED)} WHERE ${ident(t, 'ünï')} = ${ph(t, 1)}`, [key]).catch(() => []);
    if (rows.length > 0) return;
    const failed = failure();
    if (failed !== undefined) throw failed;
    if (Date.now() > deadline) throw new Error(`the marker row did not reach the target within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
