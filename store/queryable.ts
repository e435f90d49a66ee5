/**
 * What the read model's code needs of a database, apart from opening one
 * (./db.ts): the schema modules and the migrations depend on these types only,
 * so that opening the database (which runs the migrations) is not a cycle.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface ReadModelDb extends Queryable {
  readonly kind: 'embedded' | 'postgres';
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
