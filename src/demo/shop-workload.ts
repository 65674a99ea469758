import type pg from 'pg';

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman'];
const PRODUCTS = ['keyboard', 'monitor', 'lamp', 'chair', 'notebook', 'headphones', 'café crème ☕', 'cable'];

export interface WorkloadCounts {
  statements: number;
  changes: number;
}

/** One step of shop traffic: mostly new orders, some payments and shipments, the odd cancellation. */
export async function shopStep(client: pg.Client, random: () => number, counts: WorkloadCounts): Promise<string> {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const roll = random();
  if (roll < 0.15) {
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    await client.query('INSERT INTO shop.customers (name, email) VALUES ($1, $2)', [name, `${name.replace(' ', '.').toLowerCase()}.${Math.floor(random() * 1e9)}@example.com`]);
    counts.changes += 1;
    counts.statements += 1;
    return `new customer ${name}`;
  }
  if (roll < 0.65) {
    const customer = await client.query<{ id: string }>('SELECT id FROM shop.customers ORDER BY random() LIMIT 1');
    if (!customer.rows[0]) return shopStep(client, () => 0, counts);
    const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ sku: pick(PRODUCTS), qty: 1 + Math.floor(random() * 4) }));
    const total = (5 + random() * 500).toFixed(2);
    await client.query('INSERT INTO shop.orders (customer_id, total, items) VALUES ($1, $2, $3)', [customer.rows[0].id, total, JSON.stringify(items)]);
    counts.changes += 1;
    counts.statements += 1;
    return `order of ${items.length} item(s), total ${total}`;
  }
  if (roll < 0.95) {
    const next = roll < 0.8 ? ['new', 'paid'] : ['paid', 'shipped'];
    const result = await client.query(
      `UPDATE shop.orders SET status = $2 WHERE id = (SELECT id FROM shop.orders WHERE status = $1 ORDER BY id LIMIT 1)`,
      next,
    );
    counts.changes += result.rowCount ?? 0;
    counts.statements += 1;
    return `an order ${next[0]} → ${next[1]}`;
  }
  const result = await client.query(`DELETE FROM shop.orders WHERE id = (SELECT id FROM shop.orders WHERE status = 'new' ORDER BY random() LIMIT 1)`);
  counts.changes += result.rowCount ?? 0;
  counts.statements += 1;
  return 'an order cancelled (deleted)';
}

/** A small deterministic PRNG (mulberry32), so a demo run can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
