/**
 * Recording a path into the read model: one transaction per snapshot, keyed by
 * workflow id and revision, so a retried or late activity never goes back in
 * time nor writes twice.
 */
import type { PathState } from '../domain/path/path.js';
import { openDeadlines } from '../domain/path/path-machine.js';
import { applyStateChanges, type StateChanges } from '../domain/path/state-changes.js';
import type { Queryable, ReadModelDb } from './db.js';
import { withoutSpecialCategory } from './special-category.js';
import { recordLetters } from './letters.js';

export interface PathSnapshot {
  workflowId: string;
  /** Grows with every change of the path (events, fired timers, refusals). */
  revision: number;
  state: PathState;
}

/** What a path sends since 1.1: the changes since the revision the read model last got (`base`). */
export interface PathChanges {
  workflowId: string;
  revision: number;
  /** The revision these changes apply to; null: the whole state (the first write of a run). */
  base: number | null;
  changes: StateChanges;
}

/** The read model does not hold the revision the changes apply to: the path sends its whole state. */
export class ReadModelBaseMissing extends Error {
  constructor(workflowId: string, base: number, found: number | null) {
    super(
      `modèle de lecture : ${workflowId} est à la révision ${found ?? 'aucune'}, ` +
        `les changements partent de ${base} ; l’état entier est demandé`,
    );
    this.name = 'ReadModelBaseMissing';
  }
}

/** Records a snapshot; returns false when a newer one is already there. */
export async function recordPath(db: ReadModelDb, snapshot: PathSnapshot): Promise<boolean> {
  return db.transaction((tx) => writeSnapshot(tx, snapshot));
}

/**
 * Applies a path's changes to the revision stored; false when a newer one is already
 * there; ReadModelBaseMissing when the stored revision is not their base (a restored
 * backup, a rebuild that wrote a newer one, a lost write).
 */
export async function recordPathChanges(db: ReadModelDb, c: PathChanges): Promise<boolean> {
  const { workflowId, revision, base, changes } = c;
  if (base === null)
    return recordPath(db, {
      workflowId,
      revision,
      state: applyStateChanges({}, changes) as unknown as PathState,
    });
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ revision: number; state: Record<string, unknown> }>(
      'select revision, state from paths where workflow_id = $1 for update',
      [workflowId],
    );
    if (row && row.revision >= revision) return false;
    if (!row || row.revision !== base)
      throw new ReadModelBaseMissing(workflowId, base, row?.revision ?? null);
    const state = applyStateChanges(row.state, changes) as unknown as PathState;
    return writeSnapshot(tx, { workflowId, revision, state });
  });
}

async function writeSnapshot(
  tx: Queryable,
  { workflowId, revision, state: s }: PathSnapshot,
): Promise<boolean> {
  const open = openDeadlines(s);
  const next = open.map((d) => d.dueAt).sort()[0] ?? null;
  const firstOrientation = s.reorientations[0]?.decidedAt ?? s.orientation?.decidedAt ?? null;
  const written = await tx.query(
    `insert into paths (workflow_id, beneficiary_id, revision, policy, territory, step, status, track, organisation,
       referent, rights_opened_at, oriented_at, contract_signed_at, weekly_hours, intensive, reorientations,
       interviews, next_due_at, late, state, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20, now())
     on conflict (workflow_id) do update set revision = excluded.revision, step = excluded.step,
       status = excluded.status, track = excluded.track, organisation = excluded.organisation,
       referent = excluded.referent, oriented_at = excluded.oriented_at,
       contract_signed_at = coalesce(paths.contract_signed_at, excluded.contract_signed_at),
       weekly_hours = excluded.weekly_hours, intensive = excluded.intensive,
       reorientations = excluded.reorientations, interviews = excluded.interviews,
       next_due_at = excluded.next_due_at, late = excluded.late, state = excluded.state, updated_at = now()
     where paths.revision < excluded.revision
     returning workflow_id`,
    [
      workflowId,
      s.beneficiaryId,
      revision,
      s.policy,
      s.territory,
      s.step,
      s.status,
      s.orientation?.track ?? null,
      s.orientation?.organisation ?? null,
      s.orientation?.referent ?? null,
      s.rightsOpenedAt,
      firstOrientation,
      s.contract?.signedAt ?? null,
      s.contract?.weeklyHours ?? null,
      s.accompaniment?.intensity === 'intensive',
      s.reorientations.length,
      s.interviews.length,
      next,
      open.some((d) => d.breached),
      // Health and disability stay in Temporal, encrypted: store/special-category.ts.
      JSON.stringify(withoutSpecialCategory(s)),
    ],
  );
  if (written.length === 0) return false;
  await replaceChildren(tx, workflowId, s);
  return true;
}

/** One statement per table (a round trip costs more than rows, on PGlite especially). */
async function replaceChildren(tx: Queryable, id: string, s: PathState): Promise<void> {
  const deadlines = [...s.deadlines, ...s.dropped].map((d) => ({
    deadline_id: d.id,
    kind: d.kind,
    due_at: d.dueAt,
    met_at: d.metAt,
    breached: d.breached,
    cancelled_at: d.cancelledAt ?? (s.dropped.includes(d) ? d.dueAt : null),
  }));
  await tx.query('delete from deadlines where workflow_id = $1', [id]);
  await tx.query(
    `insert into deadlines (workflow_id, deadline_id, kind, due_at, met_at, breached, cancelled_at)
     select $1, x.deadline_id, x.kind, x.due_at, x.met_at, x.breached, x.cancelled_at
     from jsonb_to_recordset($2::jsonb) as x(deadline_id text, kind text, due_at timestamptz, met_at timestamptz,
       breached boolean, cancelled_at timestamptz)
     on conflict do nothing`,
    [id, JSON.stringify(deadlines)],
  );
  await tx.query(
    `insert into notifications (workflow_id, notification_id, sent_at, recipient, template, failed)
     select $1, x.id, x.at, x.to, x.template, x.failed
     from jsonb_to_recordset($2::jsonb) as x(id text, at timestamptz, "to" text, template text, failed text)
     on conflict (workflow_id, notification_id) do update set failed = excluded.failed`,
    [id, JSON.stringify(s.notifications.map((n) => ({ ...n, failed: n.failed ?? null })))],
  );
  await tx.query('delete from sanctions where workflow_id = $1', [id]);
  await tx.query(
    `insert into sanctions (workflow_id, decided_at, rate, months, decided_by, ended_at, ended_by)
     select $1, x."decidedAt", x.rate, x.months, coalesce(x."decidedBy", 'departement'), x."endedAt", x."endedBy"
     from jsonb_to_recordset($2::jsonb) as x("decidedAt" timestamptz, rate numeric, months integer,
       "decidedBy" text, "endedAt" timestamptz, "endedBy" text)
     on conflict do nothing`,
    [id, JSON.stringify(s.sanctions)],
  );
  const fresh = await tx.query<{ seq: number }>(
    `insert into journal (workflow_id, seq, at, event, actor, step)
     select $1, x.seq, x.at, x.event, x.by, x.step
     from jsonb_to_recordset($2::jsonb) as x(seq integer, at timestamptz, event text, by text, step text)
     on conflict do nothing returning seq`,
    [id, JSON.stringify(s.journal)],
  );
  // The letters the law requires, for the acts recorded now (store/letters.ts, docs/courriers.md).
  await recordLetters(tx, id, s, new Set(fresh.map((r) => r.seq)));
}
