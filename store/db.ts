/**
 * The read model's database: PostgreSQL. On one machine it is embedded
 * (PGlite, a WASM build of PostgreSQL, in the data folder); in production a
 * PostgreSQL server (`JALONS_READMODEL_URL=postgres://…`). Same SQL for both.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate } from './migrations.js';
import type { Queryable, ReadModelDb } from './queryable.js';

export type { Queryable, ReadModelDb } from './queryable.js';

class Embedded implements ReadModelDb {
  readonly kind = 'embedded';
  constructor(private readonly db: PGlite) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <R>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows,
      }),
    );
  }
  async close(): Promise<void> {
    await this.db.close();
  }
}

class Server implements ReadModelDb {
  readonly kind = 'postgres';
  constructor(private readonly pool: pg.Pool) {
    // An idle connection lost when PostgreSQL stops must not take the process down: the next
    // query opens a new one, and the activity that needed it is retried (docs/architecture.md).
    pool.on('error', (err) => console.warn(`modèle de lecture : connexion perdue (${err.message})`));
  }
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work({
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await client.query(sql, params)).rows as R[],
      });
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback');
      throw err;
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Opens the read model and brings its schema up to date. `url`: a
 * `postgres://` URL, a folder for the embedded database, or `memory:`.
 */
export async function openReadModel(url: string): Promise<ReadModelDb> {
  const db: ReadModelDb = /^postgres(ql)?:\/\//.test(url)
    ? new Server(new pg.Pool({ connectionString: url, max: 10 }))
    : new Embedded(await PGlite.create(url === 'memory:' ? undefined : url));
  await migrate(db);
  return db;
}
