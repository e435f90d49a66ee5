/**
 * Running beside MonJob62 (the Département's path tool), both ways, idempotently:
 * - export: every event of the paths' journal, once, as `<workflow id>#<seq>`
 *   (MonJob62 ignores an id it already has; Jalons marks what was accepted);
 * - import: the référent assignments decided in MonJob62, from a cursor, each
 *   applied to the path as an orientation (or a réorientation) carrying the
 *   assignment's id — a second import of the same assignment changes nothing.
 */
import type { Client } from '@temporalio/client';
import { planHours } from '../../domain/path/activity-plan.js';
import { trackCodes } from '../../domain/exchanges/weekly-list.js';
import type { OrientationRecord, PathState, Track } from '../../domain/path/path.js';
import type { PathEventInput } from '../../domain/path/path-events.js';
import { ActionRefused, actOnPath, showPath } from '../../services/paths.js';
import { callPartner } from '../../partners/http.js';
import type { PartnerConfig } from '../partners/index.js';
import {
  assignmentSchema,
  MAX_EVENTS_PER_PUSH,
  monjobRoutes,
  type Assignment,
  type MonjobEvent,
} from '../../partners/monjob.js';
import type { Queryable, ReadModelDb } from '../../store/db.js';
import { readState, saveState } from '../../services/catalogue.js';
import { endpointOf, freshRead } from '../../partners/common.js';

/** Who MonJob62's acts are recorded as, in the path's audit trail. */
export const MONJOB_ACTOR = 'monjob62';
const CURSOR = 'monjob.assignments.cursor';
const MAX_BATCHES = 50;

interface JournalRow {
  workflow_id: string;
  seq: number;
  at: Date;
  event: string;
  step: string;
  beneficiary_id: string;
  orientation: OrientationRecord | null;
  reorientations: OrientationRecord[] | null;
  contract: PathState['contract'];
}

function details(r: JournalRow): MonjobEvent['details'] {
  const at = new Date(r.at).getTime();
  if (r.event === 'orientation.decided' || r.event === 'reorientation.decided') {
    const o = [r.orientation, ...(r.reorientations ?? [])].find((x) => x && Date.parse(x.decidedAt) === at);
    return o ? { parcours: trackCodes[o.track], organisme: o.organisation, referent: o.referent } : undefined;
  }
  if (r.event === 'contract.signed' && r.contract && Date.parse(r.contract.signedAt) === at)
    return {
      heures_hebdomadaires: r.contract.weeklyHours,
      intensif: r.contract.intensive,
      heures_planifiees: r.contract.plan ? planHours(r.contract.plan) : null,
    };
  return undefined;
}

/** Pushes the journal's events MonJob62 has not acknowledged yet, oldest first. */
export async function exportPathEvents(
  db: ReadModelDb,
  config: PartnerConfig,
): Promise<{ pushed: number; duplicates: number; batches: number }> {
  const endpoint = endpointOf(config, 'monjob');
  let pushed = 0;
  let duplicates = 0;
  let batches = 0;
  for (; batches < MAX_BATCHES; batches++) {
    const rows = await db.query<JournalRow>(
      `select j.workflow_id, j.seq, j.at, j.event, j.step, p.beneficiary_id, p.state->'orientation' as orientation,
         p.state->'reorientations' as reorientations, p.state->'contract' as contract
       from journal j join paths p using (workflow_id)
       left join monjob_exported x on x.workflow_id = j.workflow_id and x.seq = j.seq
       where x.seq is null order by j.at, j.workflow_id, j.seq limit ${MAX_EVENTS_PER_PUSH}`,
    );
    if (rows.length === 0) break;
    const events: MonjobEvent[] = rows.map((r) => {
      const d = details(r);
      return {
        eventId: `${r.workflow_id}#${r.seq}`,
        beneficiaryId: r.beneficiary_id,
        type: r.event,
        at: new Date(r.at).toISOString(),
        step: r.step,
        ...(d ? { details: d } : {}),
      };
    });
    // The default key is the batch's digest: a batch sent again after a crash is applied once.
    const answer = await callPartner(endpoint, monjobRoutes.pushEvents, { events });
    await db.query(
      `insert into monjob_exported (workflow_id, seq)
       select x.workflow_id, x.seq from jsonb_to_recordset($1::jsonb) as x(workflow_id text, seq integer)
       on conflict do nothing`,
      [JSON.stringify(rows.map((r) => ({ workflow_id: r.workflow_id, seq: r.seq })))],
    );
    pushed += answer.accepted;
    duplicates += answer.duplicates;
  }
  return { pushed, duplicates, batches };
}

export interface AssignmentRejection {
  /** Position in the batch MonJob62 served (1 = first), for an assignment without a readable id. */
  position: number;
  assignmentId: string | null;
  beneficiaryId: string | null;
  reason: string;
}

export interface AssignmentImportSummary {
  received: number;
  applied: number;
  unchanged: number;
  alreadyImported: number;
  rejected: AssignmentRejection[];
}

const tracks = Object.fromEntries(Object.entries(trackCodes).map(([k, v]) => [v, k])) as Record<
  string,
  Track
>;

/** What to do with one valid assignment, given the path as it is. */
function eventFor(a: Assignment, s: PathState): PathEventInput | 'unchanged' | { refusal: string } {
  const track = tracks[a.parcours]!;
  const data = { track, organisation: a.organisme, referent: a.referent };
  const common = { id: `monjob62:${a.assignmentId}`, at: a.decidedAt, by: MONJOB_ACTOR };
  if (!s.orientation) return { type: 'orientation.decided', ...common, data };
  const o = s.orientation;
  if (o.track === track && o.organisation === a.organisme && o.referent === a.referent) return 'unchanged';
  if (o.track === track && o.organisation === a.organisme)
    // The path has no « change of référent » act yet: a réorientation would restart the contract month.
    return {
      refusal: `changement de référent seul (${o.referent} → ${a.referent}) : le parcours n’a pas d’acte pour cela sans réorientation ; à reporter par l’équipe`,
    };
  return {
    type: 'reorientation.decided',
    ...common,
    data: { ...data, reason: 'réorientation décidée dans MonJob62' },
  };
}

async function record(
  db: Queryable,
  id: string,
  beneficiaryId: string,
  outcome: string,
  reason: string | null,
) {
  await db.query(
    `insert into monjob_assignments (assignment_id, beneficiary_id, outcome, reason) values ($1, $2, $3, $4)
     on conflict (assignment_id) do update set outcome = excluded.outcome, reason = excluded.reason, imported_at = now()`,
    [id, beneficiaryId, outcome, reason],
  );
}

/** Applies one assignment; returns its outcome (and records it). */
async function applyAssignment(
  db: Queryable,
  client: Client,
  a: Assignment,
): Promise<'applied' | 'unchanged' | 'already' | { refusal: string }> {
  const [done] = await db.query<{ outcome: string }>(
    `select outcome from monjob_assignments where assignment_id = $1 and outcome in ('applied', 'unchanged')`,
    [a.assignmentId],
  );
  if (done) return 'already';
  let outcome: 'applied' | 'unchanged' | { refusal: string };
  try {
    const state = await showPath(client, a.beneficiaryId);
    const event = eventFor(a, state);
    if (event === 'unchanged' || 'refusal' in event) outcome = event;
    else {
      await actOnPath(client, a.beneficiaryId, event);
      outcome = 'applied';
    }
  } catch (err) {
    if (!(err instanceof ActionRefused)) throw err;
    outcome = { refusal: err.message };
  }
  await record(
    db,
    a.assignmentId,
    a.beneficiaryId,
    typeof outcome === 'string' ? outcome : 'rejected',
    typeof outcome === 'string' ? null : outcome.refusal,
  );
  return outcome;
}

/** Pulls the assignments after the saved cursor and applies them; the cursor moves after each page. */
export async function importAssignments(
  db: ReadModelDb,
  config: PartnerConfig,
  client: Client,
): Promise<AssignmentImportSummary> {
  const endpoint = endpointOf(config, 'monjob');
  const summary: AssignmentImportSummary = {
    received: 0,
    applied: 0,
    unchanged: 0,
    alreadyImported: 0,
    rejected: [],
  };
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const after = await readState<string>(db, CURSOR);
    const page = await callPartner(endpoint, monjobRoutes.assignments, { after, limit: 200 }, freshRead());
    for (const raw of page.assignments) {
      summary.received++;
      const parsed = assignmentSchema.safeParse(raw);
      if (!parsed.success) {
        const r = raw as { assignmentId?: unknown; beneficiaryId?: unknown } | null;
        summary.rejected.push({
          position: summary.received,
          assignmentId: typeof r?.assignmentId === 'string' ? r.assignmentId : null,
          beneficiaryId: typeof r?.beneficiaryId === 'string' ? r.beneficiaryId : null,
          reason: parsed.error.issues.map((x) => `${x.path.join('.')} : ${x.message}`).join(' ; '),
        });
        continue;
      }
      const outcome = await applyAssignment(db, client, parsed.data);
      if (outcome === 'applied') summary.applied++;
      else if (outcome === 'unchanged') summary.unchanged++;
      else if (outcome === 'already') summary.alreadyImported++;
      else
        summary.rejected.push({
          position: summary.received,
          assignmentId: parsed.data.assignmentId,
          beneficiaryId: parsed.data.beneficiaryId,
          reason: outcome.refusal,
        });
    }
    if (page.cursor) await saveState(db, CURSOR, page.cursor);
    if (!page.hasMore) break;
  }
  return summary;
}

/** Forgets the cursor: the next import reads MonJob62's assignments from the start (nothing is applied twice). */
export async function resetAssignmentCursor(db: Queryable): Promise<void> {
  await db.query(`delete from exchange_state where name = $1`, [CURSOR]);
}
