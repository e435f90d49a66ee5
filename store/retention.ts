/**
 * RGPD retention in the read model: what it holds about paths closed long ago,
 * removed batch by batch (one transaction each), and everything it holds about
 * one person, for an export.
 *
 * "Closed" means an exit was recorded (`rights.ended`): status `closed` and
 * `state.exit.at` set; the closing date is that exit's date, the date of the act
 * (not the day it was entered). Every table about the path is covered, read from
 * the schema itself so that a table added later is not forgotten: each table
 * referencing `paths` (deadlines, notifications, sanctions, journal, and those
 * of later migrations), each table with a `beneficiary_id` column, the outbox
 * (keys `<workflow id>/<message id>`; a workflow id never holds a `/`), and
 * `paths` last.
 */
import type { PathState } from '../domain/path/path.js';
import type { Queryable, ReadModelDb } from './db.js';
import { outboxOf, type OutboxDelivery } from './outbox.js';

/** Rows per table (every table about paths, zero included). */
export type RetentionCounts = Record<string, number>;

export interface ExpiredPath {
  beneficiaryId: string;
  workflowId: string;
  /** The exit's date (ISO-8601 UTC). */
  closedAt: string;
}

export interface RetentionBatch {
  paths: ExpiredPath[];
  counts: RetentionCounts;
  /** The last workflow id of this batch: the next batch starts after it (null: nothing left). */
  last: string | null;
}

/** A table holding rows about paths, and how its rows are tied to them. */
interface PersonTable {
  /** Quoted as an identifier (from the catalog). */
  table: string;
  /** `from … where …` for `$1`: workflow ids, or beneficiary ids (`byPerson`), as text[]. */
  rows: string;
  byPerson?: boolean;
}

/** Every table about paths, children first, `paths` last. */
async function personTables(tx: Queryable): Promise<PersonTable[]> {
  const referencing = await tx.query<{ t: string; c: string }>(
    `select c.conrelid::regclass::text as t, quote_ident(a.attname) as c
     from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
     where c.contype = 'f' and c.confrelid = 'paths'::regclass and c.conrelid <> 'paths'::regclass
     order by 1`,
  );
  const byPerson = await tx.query<{ t: string }>(
    `select quote_ident(c.table_name) as t from information_schema.columns c
     join information_schema.tables t using (table_schema, table_name)
     where c.column_name = 'beneficiary_id' and c.table_schema = current_schema()
       and t.table_type = 'BASE TABLE' and c.table_name <> 'paths'
     order by 1`,
  );
  return [
    ...referencing.map(({ t, c }) => ({ table: t, rows: `from ${t} where ${c} = any($1::text[])` })),
    ...byPerson.map(({ t }) => ({
      table: t,
      rows: `from ${t} where beneficiary_id = any($1::text[])`,
      byPerson: true,
    })),
    // One scan with a hashed set: no LIKE (a `_` in an id would be a wildcard), the exact workflow part.
    { table: 'outbox', rows: `from outbox where split_part(key, '/', 1) in (select unnest($1::text[]))` },
    { table: 'paths', rows: 'from paths where workflow_id = any($1::text[])' },
  ];
}

/**
 * One batch: the closed paths whose exit is before `cutoff`, after `after` in
 * workflow-id order, at most `limit`; counted per table, and deleted unless
 * `dryRun`. The same transaction finds, counts and deletes: what is reported
 * is exactly what went.
 */
export async function purgeExpiredBatch(
  db: ReadModelDb,
  options: { cutoff: Date; dryRun: boolean; after?: string | null; limit?: number },
): Promise<RetentionBatch> {
  return db.transaction(async (tx) => {
    const tables = await personTables(tx);
    const paths = await expiredPaths(tx, options.cutoff, options.after ?? '', options.limit ?? 500);
    const counts: RetentionCounts = Object.fromEntries(tables.map((t) => [t.table, 0]));
    if (paths.length === 0) return { paths, counts, last: null };
    const workflows = paths.map((p) => p.workflowId);
    const people = paths.map((p) => p.beneficiaryId);
    for (const { table, rows, byPerson } of tables) {
      const sql = options.dryRun
        ? `select count(*)::int as n ${rows}`
        : `with gone as (delete ${rows} returning 1) select count(*)::int as n from gone`;
      const [row] = await tx.query<{ n: number }>(sql, [byPerson ? people : workflows]);
      counts[table] = row?.n ?? 0;
    }
    return { paths, counts, last: paths[paths.length - 1]!.workflowId };
  });
}

/** Rows of `table` whose `column` is before `cutoff`: counted, and deleted unless `dryRun`. */
async function purgeBefore(
  db: ReadModelDb,
  table: 'account_events' | 'access_requests',
  column: 'at' | 'last_seen_at',
  options: { cutoff: Date; dryRun: boolean },
): Promise<number> {
  const rows = options.dryRun
    ? `select count(*)::int as n from ${table} where ${column} < $1`
    : `with gone as (delete from ${table} where ${column} < $1 returning 1) select count(*)::int as n from gone`;
  const [row] = await db.query<{ n: number }>(rows, [options.cutoff.toISOString()]);
  return row?.n ?? 0;
}

/** The accounts' journal before `cutoff` (staff's logins and addresses): counted, and deleted unless `dryRun`. */
export const purgeAccountEvents = (db: ReadModelDb, options: { cutoff: Date; dryRun: boolean }) =>
  purgeBefore(db, 'account_events', 'at', options);

/**
 * Access requests (a provider's name, e-mail and SIRET of someone who asked for access) not seen again
 * since `cutoff`: counted, and deleted unless `dryRun`. The person asks again by signing in again.
 */
export const purgeAccessRequests = (db: ReadModelDb, options: { cutoff: Date; dryRun: boolean }) =>
  purgeBefore(db, 'access_requests', 'last_seen_at', options);

async function expiredPaths(
  tx: Queryable,
  cutoff: Date,
  after: string,
  limit: number,
): Promise<ExpiredPath[]> {
  const rows = await tx.query<{ workflow_id: string; beneficiary_id: string; closed_at: Date }>(
    `select workflow_id, beneficiary_id, (state->'exit'->>'at')::timestamptz as closed_at
     from paths
     where status = 'closed' and state->'exit'->>'at' is not null
       and (state->'exit'->>'at')::timestamptz < $1 and workflow_id > $2
     order by workflow_id limit ${Number(limit)}
     for update`,
    [cutoff.toISOString(), after],
  );
  return rows.map((r) => ({
    beneficiaryId: r.beneficiary_id,
    workflowId: r.workflow_id,
    closedAt: new Date(r.closed_at).toISOString(),
  }));
}

/** The delivery of one message, as the outbox knows it (no addresses: they are other people's). */
export type { OutboxDelivery };

/** What the read model holds about one person (null when it holds nothing). */
export interface ReadModelRecord {
  workflowId: string;
  /** The path's row: its revision and last snapshot of the state (null: no path row). */
  revision: number | null;
  updatedAt: string | null;
  state: PathState | null;
  outbox: OutboxDelivery[];
  /**
   * Rows of the other tables about the person, by table (those not derived from
   * the state, e.g. exchanges with partners); `deadlines`, `notifications`,
   * `sanctions` and `journal` are the state's own lists, not repeated here.
   */
  related: Record<string, Record<string, unknown>[]>;
}

/** Tables whose rows are the state's lists, written from it by record.ts. */
const derivedFromState = new Set(['deadlines', 'notifications', 'sanctions', 'journal', 'outbox', 'paths']);

/** Everything the read model holds about the person of the path `workflowId`. */
export async function readModelRecord(
  db: ReadModelDb,
  workflowId: string,
  beneficiaryId: string,
): Promise<ReadModelRecord | null> {
  return db.transaction(async (tx) => {
    const [path] = await tx.query<{ revision: number; updated_at: Date; state: PathState | string }>(
      'select revision, updated_at, state from paths where workflow_id = $1',
      [workflowId],
    );
    const related: ReadModelRecord['related'] = {};
    for (const { table, rows, byPerson } of await personTables(tx)) {
      if (derivedFromState.has(table)) continue;
      const found = await tx.query<Record<string, unknown>>(`select * ${rows}`, [
        [byPerson ? beneficiaryId : workflowId],
      ]);
      if (found.length) related[table] = found;
    }
    const outbox = await outboxOf(tx, workflowId);
    if (!path && outbox.length === 0 && Object.keys(related).length === 0) return null;
    return {
      workflowId,
      revision: path?.revision ?? null,
      updatedAt: path ? new Date(path.updated_at).toISOString() : null,
      state: !path
        ? null
        : typeof path.state === 'string'
          ? (JSON.parse(path.state) as PathState)
          : path.state,
      outbox,
      related,
    };
  });
}
