/** The demo's product catalog and the small deterministic helpers both workloads share. */

export interface Product {
  sku: string;
  name: string;
  price: string;
  stock: number;
}

const NAMES = [
  'mechanical keyboard',
  '27" monitor',
  'desk lamp',
  'office chair',
  'dotted notebook',
  'headphones',
  'café crème ☕ beans',
  'USB-C cable',
  'webcam',
  'standing desk',
  'mouse pad',
  'laptop sleeve',
  'fountain pen',
  'monitor arm',
  'desk plant 🌱',
  'noise machine',
  'cable ties',
  'footrest',
  'whiteboard',
  'tea sampler',
];

/** The catalog loaded into the shop at the start: SKU-001 … SKU-020, prices and stock derived from the index. */
export const CATALOG: readonly Product[] = NAMES.map((name, i) => ({
  sku: `SKU-${String(i + 1).padStart(3, '0')}`,
  name,
  price: (9.5 + ((i * 37) % 190) + 0.49).toFixed(2),
  stock: 80 + ((i * 13) % 70),
}));

/** Bestsellers: most orders include one, restocks and stock counts prefer them, and the deliberate clashes pick them. */
export const HOT_SKUS: readonly string[] = CATALOG.slice(0, 3).map((p) => p.sku);

export const FIRST_NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia'];
export const LAST_NAMES = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman'];

/** Customers live in the shop only (they are not replicated); orders refer to ids 1…CUSTOMERS. */
export const CUSTOMERS = 50;

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

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** 1 to 3 order lines over distinct SKUs, in SKU order (rows are locked in one order: fewer deadlocks), a bestseller in half of them. */
export function orderLines(random: () => number): Array<{ sku: string; qty: number }> {
  const skus = new Set<string>();
  if (random() < 0.5) skus.add(pick(random, HOT_SKUS));
  const n = 1 + Math.floor(random() * 3);
  while (skus.size < n) skus.add(pick(random, CATALOG).sku);
  return [...skus].sort().map((sku) => ({ sku, qty: 1 + Math.floor(random() * 3) }));
}

/** The order's total from the catalog's prices (the shop's price changes are not looked up: a demo, not a till). */
export function orderTotal(lines: ReadonlyArray<{ sku: string; qty: number }>): string {
  const cents = lines.reduce((sum, l) => sum + Math.round(Number(CATALOG.find((p) => p.sku === l.sku)?.price ?? '0') * 100) * l.qty, 0);
  return (cents / 100).toFixed(2);
}
