/**
 * Grant cycles in the read model: one row per cycle, written by the grant
 * workflow at each change (idempotent on its revision), and the grant
 * indicators of docs/rules.md §4 computed from it: milestones met / late / missed,
 * amounts requested / granted / received / to repay.
 */
import { getProgramme } from '../domain/grants/index.js';
import type { GrantState } from '../domain/grants/cycle.js';
import type { Queryable, ReadModelDb } from './queryable.js';

export const grantsMigration = {
  version: 7,
  name: 'cycles de subvention',
  sql: `
    create table grants (
      grant_id text primary key,
      workflow_id text not null,
      programme text not null,
      funder text not null,
      title text not null,
      status text not null,
      revision integer not null,
      -- Euros, as the funder's documents give them.
      requested numeric,
      state jsonb not null,
      updated_at timestamptz not null default now()
    );
  `,
};

export interface GrantSnapshot {
  workflowId: string;
  /** Grows with every change of the cycle. */
  revision: number;
  state: GrantState;
}

/** Records a snapshot; returns false when a newer one is already there. */
export async function recordGrant(
  db: ReadModelDb,
  { workflowId, revision, state: s }: GrantSnapshot,
): Promise<boolean> {
  const p = getProgramme(s.programme);
  const cents = p.figures.commitment ?? p.figures.budget?.funder ?? null;
  const rows = await db.query(
    `insert into grants (grant_id, workflow_id, programme, funder, title, status, revision, requested, state, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     on conflict (grant_id) do update set status = excluded.status, revision = excluded.revision,
       state = excluded.state, updated_at = now()
     where grants.revision < excluded.revision
     returning grant_id`,
    [
      s.id,
      workflowId,
      s.programme,
      p.funder,
      s.title,
      s.status,
      revision,
      cents === null ? null : cents / 100,
      JSON.stringify(s),
    ],
  );
  return rows.length > 0;
}

export interface GrantIndicatorRow {
  grant_id: string;
  programme: string;
  funder: string;
  status: string;
  milestones_done: number;
  milestones_late: number;
  milestones_missed: number;
  milestones_pending: number;
  requested: number | null;
  granted: number | null;
  received: number;
  to_repay: number;
}

/** One row per cycle; amounts in euros. */
export async function grantIndicators(db: Queryable): Promise<GrantIndicatorRow[]> {
  return db.query<GrantIndicatorRow>(
    `select g.grant_id, g.programme, g.funder, g.status,
       (select count(*) from jsonb_array_elements(g.state->'milestones') m where (m->>'applies')::boolean and m->>'status' = 'done')::int as milestones_done,
       (select count(*) from jsonb_array_elements(g.state->'milestones') m where (m->>'applies')::boolean and m->>'status' = 'late')::int as milestones_late,
       (select count(*) from jsonb_array_elements(g.state->'milestones') m where (m->>'applies')::boolean and m->>'status' = 'missed')::int as milestones_missed,
       (select count(*) from jsonb_array_elements(g.state->'milestones') m where (m->>'applies')::boolean and m->>'status' = 'pending')::int as milestones_pending,
       g.requested::float as requested,
       -- A funder's decision; for a convention, its commitment once signed.
       coalesce((g.state->'decision'->>'amount')::numeric + coalesce((g.state->'decision'->>'complementary')::numeric, 0),
         case when exists (select 1 from jsonb_array_elements(g.state->'milestones') m
                           where m->>'id' = 'convention-signature' and m->>'doneAt' is not null)
              then g.requested end)::float as granted,
       coalesce((select sum((x->>'paid')::numeric) from jsonb_array_elements(g.state->'payments') x where x->>'kind' <> 'repayment'), 0)::float as received,
       (case when g.state->'settlement'->>'kind' = 'repayment-order'
          then (g.state->'settlement'->>'amount')::numeric
             - coalesce((select sum((x->>'paid')::numeric) from jsonb_array_elements(g.state->'payments') x where x->>'kind' = 'repayment'), 0)
          else 0 end)::float as to_repay
     from grants g order by g.programme, g.grant_id`,
  );
}
