/**
 * Paths with known fates for the RGPD tests, built with the real path machine
 * (fictitious pseudonymous ids), and a way to write them in a read model as the
 * worker would: the snapshot, and the outbox rows of the messages it sent.
 */
import type { ReadModelDb } from '../../store/db.js';
import { recordPath } from '../../store/record.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';

/** Lets time run on a path up to `until`, as its workflow would. */
export function runUntil(s: PathState, until: Date): PathState {
  for (let a = timedActions(s)[0]; a && a.at <= until; a = timedActions(s)[0]) fireTimedAction(s, a, a.at);
  return s;
}

const act = (s: PathState, type: string, at: Date, data: Record<string, unknown>, by?: string) => {
  runUntil(s, at);
  return applyPathEvent(s, { type, at: at.toISOString(), data, ...(by ? { by } : {}) }, at);
};

const DAY = 86_400_000;

/**
 * A path opened at `opened`, oriented a week later (référent `referent`), its
 * contract missed; closed at `closedAt` if given, else left running until `until`.
 */
export function pathFixture(
  id: string,
  opened: Date,
  options: { referent: string; closedAt?: Date; until: Date; rejectedAt?: Date; sanctioned?: boolean },
): PathState {
  const s = newPathState({
    beneficiaryId: id,
    rightsOpenedAt: opened.toISOString(),
    territory: 'lens-lievin',
  });
  const oriented = new Date(opened.getTime() + 7 * DAY);
  act(
    s,
    'orientation.decided',
    oriented,
    { track: 'social', organisation: 'cd62', referent: options.referent },
    'agent-3',
  );
  act(s, 'appointment.attended', new Date(oriented.getTime() + 5 * DAY), {});
  if (options.sanctioned) {
    act(s, 'breach.reported', new Date(oriented.getTime() + 20 * DAY), { kind: 'contract-refusal' });
    act(s, 'sanction.decided', new Date(oriented.getTime() + 40 * DAY), { rate: 0.3, months: 1 }, 'agent-3');
  }
  if (options.rejectedAt)
    // A partner's message the path refused, kept with its French reason (as the workflow's signal handler does).
    s.rejected.push({
      at: options.rejectedAt.toISOString(),
      event: 'sanction.decided',
      error: 'Aucune procédure de sanction n’attend cette étape.',
    });
  if (options.closedAt) act(s, 'rights.ended', options.closedAt, { reason: 'job' }, 'caf');
  return runUntil(s, options.until);
}

export const revisionOf = (s: PathState): number => s.seq + s.handled.length + s.rejected.length;

/** Writes the path as its workflow would: the snapshot, then one outbox row per message it sent. */
export async function writePath(db: ReadModelDb, s: PathState): Promise<void> {
  const workflowId = pathWorkflowId(s.beneficiaryId);
  await recordPath(db, { workflowId, revision: revisionOf(s), state: s });
  for (const n of s.notifications)
    await db.query(
      `insert into outbox (key, template, recipients, message_id, status, created_at, sent_at)
       values ($1, $2, $3, $4, 'sent', $5, $5)`,
      [`${workflowId}/${n.id}`, n.template, ['chef-service@departement.example'], `<${n.id}@jalons>`, n.at],
    );
}

/** Rows per table and workflow (outbox: by the key's workflow part), to compare before and after. */
export async function rowsByWorkflow(db: ReadModelDb): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const table of ['paths', 'deadlines', 'notifications', 'sanctions', 'journal', 'outbox']) {
    const owner = table === 'outbox' ? `split_part(key, '/', 1)` : 'workflow_id';
    for (const r of await db.query<{ w: string; n: number }>(
      `select ${owner} as w, count(*)::int as n from ${table} group by 1`,
    ))
      (out[r.w] ??= {})[table] = r.n;
  }
  return out;
}

/** The tables with rows in a purge's counts (the others, zero, depend on the migrations present). */
export const nonZero = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
