/**
 * Recording a path into the read model: one transaction per snapshot, keyed by
 * workflow id and revision, so a retried or late activity never goes back in
 * time nor writes twice.
 */
import type { PathState } from '../../domain/path.js';
import { openDeadlines } from '../../domain/path-machine.js';
import type { Queryable, ReadModelDb } from './db.js';

export interface PathSnapshot {
  workflowId: string;
  /** Grows with every change of the path (events, fired timers, refusals). */
  revision: number;
  state: PathState;
}

/** Records a snapshot; returns false when a newer one is already there. */
export async function recordPath(
  db: ReadModelDb,
  { workflowId, revision, state: s }: PathSnapshot,
): Promise<boolean> {
  const open = openDeadlines(s);
  const next = open.map((d) => d.dueAt).sort()[0] ?? null;
  const firstOrientation = s.reorientations[0]?.decidedAt ?? s.orientation?.decidedAt ?? null;
  return db.transaction(async (tx) => {
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
        JSON.stringify(s),
      ],
    );
    if (written.length === 0) return false;
    await replaceChildren(tx, workflowId, s);
    return true;
  });
}

async function replaceChildren(tx: Queryable, id: string, s: PathState): Promise<void> {
  await tx.query('delete from deadlines where workflow_id = $1', [id]);
  for (const d of [...s.deadlines, ...s.dropped])
    await tx.query(
      `insert into deadlines (workflow_id, deadline_id, kind, due_at, met_at, breached, cancelled_at)
       values ($1,$2,$3,$4,$5,$6,$7) on conflict do nothing`,
      [
        id,
        d.id,
        d.kind,
        d.dueAt,
        d.metAt,
        d.breached,
        d.cancelledAt ?? (s.dropped.includes(d) ? d.dueAt : null),
      ],
    );
  for (const n of s.notifications)
    await tx.query(
      `insert into notifications (workflow_id, notification_id, sent_at, recipient, template, failed)
       values ($1,$2,$3,$4,$5,$6) on conflict (workflow_id, notification_id) do update set failed = excluded.failed`,
      [id, n.id, n.at, n.to, n.template, n.failed ?? null],
    );
  await tx.query('delete from sanctions where workflow_id = $1', [id]);
  for (const x of s.sanctions)
    await tx.query(
      `insert into sanctions (workflow_id, decided_at, rate, months, decided_by, ended_at, ended_by)
       values ($1,$2,$3,$4,$5,$6,$7) on conflict do nothing`,
      [id, x.decidedAt, x.rate, x.months, x.decidedBy ?? 'departement', x.endedAt, x.endedBy],
    );
  for (const j of s.journal)
    await tx.query(
      `insert into journal (workflow_id, seq, at, event, actor, step) values ($1,$2,$3,$4,$5,$6)
       on conflict do nothing`,
      [id, j.seq, j.at, j.event, j.by, j.step],
    );
}
