import type pg from 'pg';
import { CATALOG, CUSTOMERS, orderLines, orderTotal, pick } from './catalog.js';

/** What one side of the demo wrote. */
export interface SideCounts {
  /** Transactions that changed at least one row. */
  transactions: number;
  /** Rows inserted, updated or deleted. */
  rows: number;
  /** Transactions run again after a deadlock or lock timeout. */
  retries: number;
}

export function newSideCounts(): SideCounts {
  return { transactions: 0, rows: 0, retries: 0 };
}

const RETRIES = 8;

/** Deadlocks and serialization failures (40xxx), lock timeouts (55P03): run the transaction again. */
function retryable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('40') || code === '55P03');
}

/**
 * The shop's traffic in PostgreSQL, over one connection: orders (which take stock), payments, price
 * changes, cancellations and the odd purge of a cancelled order.
 */
export class ShopWriter {
  constructor(
    private readonly client: pg.Client,
    private readonly random: () => number,
    readonly counts: SideCounts,
  ) {}

  /** Runs `work` (returning the rows it changed) as one transaction, again after a deadlock. */
  async tx(work: (client: pg.Client) => Promise<number>): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      await this.client.query('BEGIN');
      try {
        const rows = await work(this.client);
        await this.client.query('COMMIT');
        this.counts.rows += rows;
        if (rows > 0) this.counts.transactions++;
        return rows;
      } catch (error) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        if (!retryable(error) || attempt >= RETRIES) throw error;
        this.counts.retries++;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
      }
    }
  }

  /** One step of shop traffic; returns what it did, in words. */
  async step(): Promise<string> {
    const roll = this.random();
    if (roll < 0.45) return this.placeOrder();
    if (roll < 0.75) {
      const paid = await this.tx(
        async (c) =>
          (await c.query(`UPDATE shop.orders SET status = 'paid', updated_at = clock_timestamp() WHERE id = (SELECT id FROM shop.orders WHERE status = 'new' ORDER BY id LIMIT 1)`))
            .rowCount ?? 0,
      );
      return paid ? 'an order paid' : this.placeOrder();
    }
    if (roll < 0.88) {
      const product = pick(this.random, CATALOG);
      const factor = 0.9 + this.random() * 0.2;
      await this.tx(async (c) => (await c.query('UPDATE shop.products SET price = round(price * $2, 2), updated_at = clock_timestamp() WHERE sku = $1', [product.sku, factor])).rowCount ?? 0);
      return `price of ${product.sku} changed`;
    }
    if (roll < 0.96) {
      const rows = await this.tx(
        async (c) =>
          (await c.query(`UPDATE shop.orders SET status = 'cancelled', updated_at = clock_timestamp() WHERE id = (SELECT id FROM shop.orders WHERE status IN ('new', 'paid') ORDER BY random() LIMIT 1)`))
            .rowCount ?? 0,
      );
      return rows ? 'an order cancelled' : 'nothing to cancel';
    }
    const rows = await this.tx(async (c) => (await c.query(`DELETE FROM shop.orders WHERE id = (SELECT id FROM shop.orders WHERE status = 'cancelled' ORDER BY id LIMIT 1)`)).rowCount ?? 0);
    return rows ? 'a cancelled order purged (deleted)' : 'nothing to purge';
  }

  /** A new order: the order row, and its lines taken from stock (in SKU order), in one transaction. */
  async placeOrder(): Promise<string> {
    const lines = orderLines(this.random);
    const customer = 1 + Math.floor(this.random() * CUSTOMERS);
    await this.tx(async (c) => {
      await c.query('INSERT INTO shop.orders (customer_id, total, items) VALUES ($1, $2, $3)', [customer, orderTotal(lines), JSON.stringify(lines)]);
      let rows = 1;
      for (const l of lines) rows += (await c.query('UPDATE shop.products SET stock = stock - $2, updated_at = clock_timestamp() WHERE sku = $1', [l.sku, l.qty])).rowCount ?? 0;
      return rows;
    });
    return `order of ${lines.map((l) => `${l.qty}× ${l.sku}`).join(', ')}`;
  }

  async setPrice(sku: string, price: string): Promise<void> {
    await this.tx(async (c) => (await c.query('UPDATE shop.products SET price = $2, updated_at = clock_timestamp() WHERE sku = $1', [sku, price])).rowCount ?? 0);
  }

  async cancelOrder(id: number): Promise<void> {
    await this.tx(async (c) => (await c.query(`UPDATE shop.orders SET status = 'cancelled', updated_at = clock_timestamp() WHERE id = $1`, [id])).rowCount ?? 0);
  }

  /** A paid order the inventory has surely seen by now (paid 300 ms ago or earlier; the link's lag is far less), for a clash; undefined: none. */
  async settledPaidOrder(): Promise<number | undefined> {
    const result = await this.client.query<{ id: string }>(
      `SELECT id FROM shop.orders WHERE status = 'paid' AND updated_at < clock_timestamp() - interval '300 milliseconds' ORDER BY id DESC LIMIT 1`,
    );
    return result.rows[0] ? Number(result.rows[0].id) : undefined;
  }
}
