/**
 * What the « Santé » page, `jalons sante` and the workers share (docs/health.md):
 * the health report (open incidents, counters, the watch's last run) and the
 * restart of a stopped path from the state the read model recorded last.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Queryable } from '../store/db.js';
import {
  incidentCounts,
  openIncidents,
  openIncidentsOf,
  resolveIncidents,
  watchMark,
  type Incident,
  type IncidentCount,
  type WatchMark,
} from '../store/incidents.js';
import { pathWorkflowId, pseudonymousIdSchema } from '../domain/ids.js';
import type { PathInput, PathState } from '../domain/path/path.js';
import { pathWorkflowType, type BeneficiaryPath } from '../workflows/path/messages.js';
import { ActionRefused } from './paths.js';

export interface HealthReport {
  open: Incident[];
  counts: IncidentCount[];
  watch: WatchMark;
}

export async function healthReport(db: Queryable): Promise<HealthReport> {
  return { open: await openIncidents(db), counts: await incidentCounts(db), watch: await watchMark(db) };
}

/** `parcours-B-0042` or `B-0042`: the path's workflow id, or a French refusal. */
export function pathIdOf(raw: string): string {
  const id = raw.startsWith('parcours-') ? raw.slice('parcours-'.length) : raw;
  if (!pseudonymousIdSchema.safeParse(id).success)
    throw new ActionRefused(
      `Identifiant « ${raw.slice(0, 80)} » invalide : un parcours (parcours-<identifiant pseudonyme>) est attendu.`,
    );
  return pathWorkflowId(id);
}

export interface Restarted {
  workflowId: string;
  runId: string;
  /** The recorded revision the new run starts from. */
  revision: number;
  resolved: number;
}

/** Why the path may be restarted: its last run stopped, or its workflow task keeps failing. */
async function stoppedRun(client: Client, db: Queryable, workflowId: string) {
  let d;
  try {
    d = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new ActionRefused(`Aucun parcours ${workflowId} dans Temporal : rien à relancer.`);
    throw err;
  }
  const status = d.status.name;
  if (status === 'TERMINATED' || status === 'FAILED' || status === 'TIMED_OUT')
    return { taskQueue: d.taskQueue, running: false };
  const failing = (await openIncidentsOf(db, workflowId)).some(
    (i) => i.kind === 'task-failing' && i.runId === d.runId,
  );
  if (status === 'RUNNING' && failing) return { taskQueue: d.taskQueue, running: true };
  throw new ActionRefused(
    status === 'RUNNING'
      ? `Le parcours ${workflowId} tourne normalement : rien à relancer.`
      : `Le parcours ${workflowId} s’est terminé normalement : rien à relancer.`,
  );
}

/**
 * Starts a new run of the stopped path, same workflow id, carrying the state the
 * read model recorded last (the path's own journal gets the restart, in the
 * administrator's name); its open incidents are resolved. A run whose task keeps
 * failing is replaced (terminated by the start).
 */
export async function restartPath(
  client: Client,
  db: Queryable,
  rawId: string,
  by: string,
): Promise<Restarted> {
  const workflowId = pathIdOf(rawId);
  const run = await stoppedRun(client, db, workflowId);
  const [row] = await db.query<{ state: PathState; revision: number }>(
    'select state, revision from paths where workflow_id = $1',
    [workflowId],
  );
  if (!row)
    throw new ActionRefused(
      `Aucun état enregistré pour ${workflowId} dans le modèle de lecture : reconstruisez-le (jalons modele-lecture reconstruire) ou redémarrez le parcours.`,
    );
  const state = row.state;
  if (state.status === 'closed')
    throw new ActionRefused(
      `L’état enregistré de ${workflowId} est celui d’un parcours clos : rien à relancer.`,
    );
  // The restart is an act of the path's audit trail: the next revision, in the administrator's name.
  state.seq += 1;
  state.journal.push({
    seq: state.seq,
    at: new Date().toISOString(),
    event: 'path.restarted',
    by,
    step: state.step,
  });
  const input: PathInput = {
    beneficiaryId: state.beneficiaryId,
    policy: state.policy,
    rightsOpenedAt: state.rightsOpenedAt,
    territory: state.territory,
    household: state.household,
    carried: state,
  };
  const handle = await client.workflow.start<BeneficiaryPath>(pathWorkflowType, {
    workflowId,
    taskQueue: run.taskQueue,
    args: [input],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    workflowIdConflictPolicy: run.running ? 'TERMINATE_EXISTING' : 'FAIL',
  });
  const resolved = await resolveIncidents(
    db,
    workflowId,
    by,
    `relancé depuis l’état enregistré (révision ${row.revision})`,
  );
  return { workflowId, runId: handle.firstExecutionRunId, revision: row.revision, resolved };
}
