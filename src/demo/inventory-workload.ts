import type mysql from 'mysql2/promise';
import { CATALOG, HOT_SKUS, pick } from './catalog.js';
import type { SideCounts } from './shop-workload.js';

const RETRIES = 8;
/** Deadlock, lock wait timeout. */
const RETRYABLE = new Set([1213, 1205]);

const NOW = 'UTC_TIMESTAMP(6)';

/**
 * The warehouse's traffic in MySQL/MariaDB, over one connection (autocommit: one statement, one
 * transaction): restocks, shipments of paid orders, stock counts, and new products arriving.
 */
export class InventoryWriter {
  /**
   * @param commitTimes MariaDB stamps binlog commits to the second: when given, each transaction's
   *   GTID (@@last_gtid) is noted with the time its commit returned, for the live line's lag.
   */
  constructor(
    private readonly sql: mysql.Connection,
    private readonly database: string,
    private readonly random: () => number,
    readonly counts: SideCounts,
    private readonly commitTimes?: Map<string, number>,
  ) {}

  #products = 0;

  /** Runs one statement (its own transaction), again after a deadlock; returns the rows it changed. */
  async run(statement: string, params: unknown[]): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const [result] = await this.sql.query<mysql.ResultSetHeader>(statement, params);
        const committedAt = Date.now();
        this.counts.rows += result.affectedRows;
        if (result.affectedRows > 0) {
          this.counts.transactions++;
          if (this.commitTimes) {
            const [rows] = await this.sql.query<mysql.RowDataPacket[]>('SELECT @@last_gtid AS g');
            if (rows[0]?.g) this.commitTimes.set(String(rows[0].g), committedAt);
          }
        }
        return result.affectedRows;
      } catch (error) {
        const errno = (error as { errno?: unknown }).errno;
        if (typeof errno !== 'number' || !RETRYABLE.has(errno) || attempt >= RETRIES) throw error;
        this.counts.retries++;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
      }
    }
  }

  #table(name: string): string {
    return `\`${this.database}\`.${name}`;
  }

  /** One step of warehouse traffic; returns what it did, in words. */
  async step(): Promise<string> {
    const roll = this.random();
    const sku = this.random() < 0.3 ? pick(this.random, HOT_SKUS) : pick(this.random, CATALOG).sku;
    if (roll < 0.35) {
      const qty = 10 + Math.floor(this.random() * 40);
      await this.run(`UPDATE ${this.#table('products')} SET stock = stock + ?, updated_at = ${NOW} WHERE sku = ?`, [qty, sku]);
      return `restocked ${qty}× ${sku}`;
    }
    if (roll < 0.65) {
      const rows = await this.run(`UPDATE ${this.#table('orders')} SET status = 'shipped', updated_at = ${NOW} WHERE status = 'paid' ORDER BY id LIMIT 1`, []);
      return rows ? 'an order shipped' : 'nothing to ship';
    }
    if (roll < 0.96) {
      const counted = 40 + Math.floor(this.random() * 120);
      await this.setStock(sku, counted);
      return `counted ${sku}: ${counted} in stock`;
    }
    const newSku = `INV-${String(++this.#products).padStart(4, '0')}`;
    const price = (5 + this.random() * 100).toFixed(2);
    await this.run(`INSERT INTO ${this.#table('products')} (sku, name, price, stock, updated_at) VALUES (?, ?, ?, ?, ${NOW})`, [newSku, `new arrival ${newSku}`, price, 24]);
    return `new product ${newSku} received`;
  }

  async setStock(sku: string, stock: number): Promise<void> {
    await this.run(`UPDATE ${this.#table('products')} SET stock = ?, updated_at = ${NOW} WHERE sku = ?`, [stock, sku]);
  }

  async shipOrder(id: number): Promise<void> {
    await this.run(`UPDATE ${this.#table('orders')} SET status = 'shipped', updated_at = ${NOW} WHERE id = ?`, [id]);
  }
}
