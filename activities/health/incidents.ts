/**
 * The health watch's activities (workflows/health/watch.ts): find in Temporal's
 * visibility the paths and grant cycles that stopped or whose workflow task keeps
 * failing, and record each incident once in the read model (docs/health.md).
 *
 * Stopped runs: one visibility query on ExecutionStatus, closed since the last
 * watermark (with an overlap, visibility being eventually consistent: the
 * incident's key makes a second sight harmless).
 *
 * Failing workflow tasks: on a server that sets `TemporalReportedProblems`
 * (namespace capability `reportedProblemsSearchAttribute`), one query. Temporal
 * 1.29 (our dev server, CLI 1.5.1) does not: the attribute is unknown to its
 * visibility and nothing else there moves when a task fails. There, the watch
 * describes the running paths and cycles (a bounded sweep, the likeliest first:
 * paths that never showed their state, paths whose next deadline passed without
 * being marked late) and takes a pending workflow task at its 3rd attempt or
 * more as a task that keeps failing; the reason is the last WorkflowTaskFailed
 * event of its history.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import proto from '@temporalio/proto';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { ReadModelDb } from '../../store/db.js';
import {
  advanceWatchMark,
  markAlerted,
  openIncidents,
  recordIncident,
  resolveIncidents,
  unalertedIncidents,
  watchMark,
  type Incident,
  type IncidentKind,
  type NewIncident,
} from '../../store/incidents.js';
import { healthReport, restartPath, type HealthReport, type Restarted } from '../../services/health.js';

export type { HealthReport, Restarted };
import { ActionRefused } from '../../domain/refusal.js';
import { getAccount } from '../../store/accounts.js';

/** The workflow types the watch looks after. */
export const WATCHED_TYPES = ['beneficiaryPath', 'grantCycle'] as const;
const TYPES = `WorkflowType IN (${WATCHED_TYPES.map((t) => `"${t}"`).join(', ')})`;
/** Visibility is eventually consistent: each run looks this far before the last watermark. */
const OVERLAP_MS = 10 * 60_000;
/** A pending workflow task at this attempt has failed (or timed out) this many times less one, in a row. */
export const FAILING_ATTEMPT = 3;
/** Describes per run, at most (the fallback sweep on servers without TemporalReportedProblems). */
const SWEEP_MAX = Number(process.env.JALONS_HEALTH_SWEEP_MAX ?? 5_000);
const SWEEP_CONCURRENCY = 8;
/** A path whose next deadline is this far past without being marked late has a stuck clock. */
const STUCK_MS = 10 * 60_000;

const statusKinds: Record<string, IncidentKind> = {
  TERMINATED: 'terminated',
  FAILED: 'failed',
  TIMED_OUT: 'timed-out',
};

export interface WatchResult {
  at: string;
  /** Closed runs examined, running ones described. */
  closedSeen: number;
  described: number;
  reportedProblems: 'search-attribute' | 'describe-sweep';
  /** Incidents recorded by this run. */
  created: number;
  /** Task-failing incidents whose task succeeds again. */
  recovered: number;
  /** Open incidents not alerted yet (this run's and any a previous run left). */
  toAlert: AlertIncident[];
}

/** What an alert needs (no state, no personal data: pseudonymous ids only). */
export type AlertIncident = Pick<
  Incident,
  'id' | 'workflowId' | 'kind' | 'reason' | 'since' | 'workflowType'
>;

export function createIncidentActivities(deps: { readModel: () => Promise<ReadModelDb> }) {
  return {
    /** One watch run: stopped runs, failing tasks, recoveries; returns what is still to alert. */
    async watchWorkflows(input: { at: string }): Promise<WatchResult> {
      const db = await deps.readModel();
      const client = Context.current().client;
      const mark = await watchMark(db);
      const since = mark.closedUntil ? new Date(Date.parse(mark.closedUntil) - OVERLAP_MS) : null;
      let created = 0;
      const closed = await closedRuns(client, since);
      for (const found of closed) if ((await recordIncident(db, found)).created) created++;
      const failing = await failingTasks(client, new Date(input.at));
      for (const found of failing.incidents) if ((await recordIncident(db, found)).created) created++;
      const recovered = await resolveRecovered(client, db);
      await advanceWatchMark(db, input.at, new Date().toISOString());
      const toAlert = (await unalertedIncidents(db)).slice(0, 100).map(alertOf);
      return {
        at: input.at,
        closedSeen: closed.length,
        described: failing.described,
        reportedProblems: failing.mode,
        created,
        recovered,
        toAlert,
      };
    },
    async markIncidentAlerted(input: { id: number }): Promise<void> {
      await markAlerted(await deps.readModel(), input.id);
    },
    /** For `jalons sante`: the workers hold the read model (embedded, it has one process). */
    async healthReport(): Promise<HealthReport> {
      return healthReport(await deps.readModel());
    },
    /** For `jalons sante relancer`: a refusal is French and not retried. */
    async restartStoppedPath(input: { id: string; by: string }): Promise<Restarted> {
      try {
        const db = await deps.readModel();
        const account = await getAccount(db, input.by);
        if (account?.role !== 'admin' || account.disabled)
          throw new ActionRefused(`--par : « ${input.by} » n’est pas un compte administrateur actif.`);
        return await restartPath(Context.current().client, db, input.id, input.by);
      } catch (err) {
        if (err instanceof ActionRefused) throw ApplicationFailure.nonRetryable(err.message, 'ActionRefused');
        throw err;
      }
    },
  };
}

const alertOf = (i: Incident): AlertIncident => ({
  id: i.id,
  workflowId: i.workflowId,
  kind: i.kind,
  reason: i.reason,
  since: i.since,
  workflowType: i.workflowType,
});

async function list(client: Client, query: string, max = Infinity): Promise<WorkflowExecutionInfo[]> {
  const out: WorkflowExecutionInfo[] = [];
  for await (const w of client.workflow.list({ query })) {
    out.push(w);
    if (out.length >= max) break;
  }
  return out;
}

/** Terminated, failed and timed-out runs closed since `since` (all of them on the first run). */
async function closedRuns(client: Client, since: Date | null): Promise<NewIncident[]> {
  const window = since ? ` AND CloseTime >= "${since.toISOString()}"` : '';
  const runs = await list(
    client,
    `${TYPES} AND ExecutionStatus IN ("Terminated", "Failed", "TimedOut")${window}`,
  );
  const found: NewIncident[] = [];
  for (const w of runs) {
    const kind = statusKinds[w.status.name];
    if (!kind) continue;
    // A run already followed by another (restarted, or started again) is history, not an incident.
    const latest = await client.workflow.getHandle(w.workflowId).describe();
    if (latest.runId !== w.runId) continue;
    found.push({
      workflowId: w.workflowId,
      runId: w.runId,
      kind,
      workflowType: w.type,
      reason: await closeReason(client, w),
      since: (w.closeTime ?? new Date()).toISOString(),
    });
  }
  return found;
}

/** The termination reason, the failure's message (decoded: failures are encrypted), or the timeout. */
async function closeReason(client: Client, w: WorkflowExecutionInfo): Promise<string> {
  try {
    await client.workflow.getHandle(w.workflowId, w.runId, { followRuns: false }).result();
    return 'raison inconnue';
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) return `raison illisible : ${(err as Error).message}`;
    const cause = err.cause;
    if (w.status.name === 'TERMINATED')
      return cause?.message ? `arrêté : ${cause.message}` : 'arrêté sans raison donnée';
    if (w.status.name === 'TIMED_OUT') return 'délai d’exécution du workflow dépassé';
    return cause?.message ?? err.message;
  }
}

type Failing = { incidents: NewIncident[]; described: number; mode: WatchResult['reportedProblems'] };

async function failingTasks(client: Client, now: Date): Promise<Failing> {
  const ns = await client.workflowService.describeNamespace({ namespace: client.options.namespace });
  if (ns.namespaceInfo?.capabilities?.reportedProblemsSearchAttribute) {
    const runs = await list(
      client,
      `${TYPES} AND ExecutionStatus = "Running" AND TemporalReportedProblems IS NOT NULL`,
    );
    const incidents = await describeAll(client, runs);
    return { incidents, described: runs.length, mode: 'search-attribute' };
  }
  // The likeliest first: a path that never showed its state (its first task fails), a path whose
  // clock is stuck past a deadline; then every running path and cycle, up to the sweep's bound.
  const stuckBefore = new Date(now.getTime() - STUCK_MS).toISOString();
  const seen = new Set<string>();
  const candidates: WorkflowExecutionInfo[] = [];
  for (const query of [
    `WorkflowType = "beneficiaryPath" AND ExecutionStatus = "Running" AND JalonsStep IS NULL`,
    `WorkflowType = "beneficiaryPath" AND ExecutionStatus = "Running" AND JalonsLate = false AND JalonsNextDeadline < "${stuckBefore}"`,
    `${TYPES} AND ExecutionStatus = "Running"`,
  ]) {
    for (const w of await list(client, query, SWEEP_MAX - candidates.length)) {
      if (seen.has(w.runId)) continue;
      seen.add(w.runId);
      candidates.push(w);
    }
    if (candidates.length >= SWEEP_MAX) break;
  }
  return {
    incidents: await describeAll(client, candidates),
    described: candidates.length,
    mode: 'describe-sweep',
  };
}

/** Describes the runs a few at a time; those whose workflow task keeps failing become incidents. */
async function describeAll(client: Client, runs: WorkflowExecutionInfo[]): Promise<NewIncident[]> {
  const found: NewIncident[] = [];
  let next = 0;
  const lane = async () => {
    while (next < runs.length) {
      const w = runs[next++]!;
      const incident = await taskFailure(client, w.workflowId, w.runId, w.type).catch(() => null);
      if (incident) found.push(incident);
    }
  };
  await Promise.all(Array.from({ length: SWEEP_CONCURRENCY }, lane));
  return found;
}

/** The run's failing task as an incident, or null when its workflow task is fine. */
async function taskFailure(
  client: Client,
  workflowId: string,
  runId: string,
  type: string,
): Promise<NewIncident | null> {
  const d = await client.workflow.getHandle(workflowId, runId).describe();
  const pending = d.raw.pendingWorkflowTask;
  if (d.status.name !== 'RUNNING' || !pending || (pending.attempt ?? 0) < FAILING_ATTEMPT) return null;
  const since = pending.originalScheduledTime?.seconds
    ? new Date(Number(pending.originalScheduledTime.seconds) * 1000).toISOString()
    : new Date().toISOString();
  return {
    workflowId,
    runId,
    kind: 'task-failing',
    workflowType: type,
    reason: `${await lastTaskFailure(client, workflowId, runId)} (tentative ${pending.attempt})`,
    since,
  };
}

const causeLabels: Partial<Record<number, string>> = {
  [proto.temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR]:
    'non-déterminisme',
  [proto.temporal.api.enums.v1.WorkflowTaskFailedCause
    .WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE]: 'erreur dans le code du workflow',
};

/** The last WorkflowTaskFailed (or timed out) event's failure, decoded. */
async function lastTaskFailure(client: Client, workflowId: string, runId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.workflowTaskTimedOutEventAttributes) return 'la tâche de workflow dépasse son délai';
    const failed = e.workflowTaskFailedEventAttributes;
    if (!failed) continue;
    const error = await decodeOptionalFailureToOptionalError(
      client.options.loadedDataConverter,
      failed.failure,
    ).catch(() => undefined);
    const cause = causeLabels[failed.cause ?? 0];
    const message = error?.message ?? failed.failure?.message ?? 'échec sans message';
    return cause ? `${cause} : ${message}` : message;
  }
  return 'échec de la tâche de workflow';
}

/** Open task-failing incidents whose run recovered (or closed: another kind says it) are resolved. */
async function resolveRecovered(client: Client, db: ReadModelDb): Promise<number> {
  let n = 0;
  for (const i of await openIncidents(db)) {
    if (i.kind !== 'task-failing') continue;
    let still: NewIncident | null;
    try {
      still = await taskFailure(client, i.workflowId, i.runId, i.workflowType);
    } catch {
      continue; // Not known to be fine: it stays open.
    }
    if (still) continue;
    n += await resolveIncidents(db, i.workflowId, 'surveillance', 'la tâche de workflow réussit de nouveau', [
      'task-failing',
    ]);
  }
  return n;
}
