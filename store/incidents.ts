/**
 * Incidents: a path or a grant cycle that stopped (terminated, failed, timed out)
 * or whose workflow task keeps failing, found by the health watch
 * (workflows/health/watch.ts, activities/health/incidents.ts) from Temporal's visibility.
 * One row per workflow run and kind: a second watch run finds the same incident
 * and changes nothing, so it is alerted once (docs/health.md).
 */
import type { Queryable } from './queryable.js';
import { cleanText, truncate } from '../domain/text.js';

export const incidentKinds = ['terminated', 'failed', 'timed-out', 'task-failing'] as const;
export type IncidentKind = (typeof incidentKinds)[number];

/** French labels of the kinds, for the page, the CLI and the alert. */
export const incidentKindLabels: Record<IncidentKind, string> = {
  terminated: 'arrêté (terminé de force)',
  failed: 'en échec',
  'timed-out': 'délai d’exécution dépassé',
  'task-failing': 'tâche de workflow en échec répété',
};

export const incidentsMigration = {
  version: 8,
  name: 'santé : incidents des parcours et des subventions, repère de la surveillance',
  sql: `
    create table incidents (
      id bigint generated always as identity primary key,
      workflow_id text not null,
      run_id text not null,
      kind text not null check (kind in ('terminated', 'failed', 'timed-out', 'task-failing')),
      workflow_type text not null,
      -- The termination reason, the failure's message, the last task failure: bounded French or server text.
      reason text not null,
      since timestamptz not null,
      detected_at timestamptz not null default now(),
      alerted_at timestamptz,
      resolved_at timestamptz,
      resolved_by text,
      resolution text,
      unique (workflow_id, run_id, kind)
    );
    create index incidents_open on incidents (since) where resolved_at is null;

    -- One row: the close time up to which closed workflows have been examined.
    create table health_watch (
      id integer primary key check (id = 1),
      closed_until timestamptz,
      runs integer not null default 0,
      last_run_at timestamptz
    );
  `,
};

/** A reason longer than this is cut (a stack trace has no place in an e-mail subject or a table). */
export const REASON_MAX = 500;

export interface NewIncident {
  workflowId: string;
  runId: string;
  kind: IncidentKind;
  workflowType: string;
  reason: string;
  since: string;
}

export interface Incident extends NewIncident {
  id: number;
  detectedAt: string;
  alertedAt: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}

interface IncidentRow {
  id: string | number;
  workflow_id: string;
  run_id: string;
  kind: IncidentKind;
  workflow_type: string;
  reason: string;
  since: Date | string;
  detected_at: Date | string;
  alerted_at: Date | string | null;
  resolved_at: Date | string | null;
  resolved_by: string | null;
  resolution: string | null;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

function fromRow(r: IncidentRow): Incident {
  return {
    id: Number(r.id),
    workflowId: r.workflow_id,
    runId: r.run_id,
    kind: r.kind,
    workflowType: r.workflow_type,
    reason: r.reason,
    since: iso(r.since)!,
    detectedAt: iso(r.detected_at)!,
    alertedAt: iso(r.alerted_at),
    resolvedAt: iso(r.resolved_at),
    resolvedBy: r.resolved_by,
    resolution: r.resolution,
  };
}

/** One line, no control or bidi-override characters (domain/text.ts), bounded. */
export function cleanReason(text: string): string {
  const flat = cleanText(text.slice(0, 10 * REASON_MAX)).replace(/\s+/g, ' ');
  return flat ? truncate(flat, REASON_MAX) : 'raison inconnue';
}

/** Records an incident once; returns it with `created` false when it was already known. */
export async function recordIncident(
  db: Queryable,
  i: NewIncident,
): Promise<{ incident: Incident; created: boolean }> {
  const inserted = await db.query<IncidentRow>(
    `insert into incidents (workflow_id, run_id, kind, workflow_type, reason, since)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (workflow_id, run_id, kind) do nothing
     returning *`,
    [i.workflowId, i.runId, i.kind, i.workflowType, cleanReason(i.reason), i.since],
  );
  if (inserted[0]) return { incident: fromRow(inserted[0]), created: true };
  const [known] = await db.query<IncidentRow>(
    'select * from incidents where workflow_id = $1 and run_id = $2 and kind = $3',
    [i.workflowId, i.runId, i.kind],
  );
  return { incident: fromRow(known!), created: false };
}

export async function openIncidents(db: Queryable): Promise<Incident[]> {
  const rows = await db.query<IncidentRow>(
    'select * from incidents where resolved_at is null order by since, id',
  );
  return rows.map(fromRow);
}

/** The open incidents of one workflow (the case page's banner). */
export async function openIncidentsOf(db: Queryable, workflowId: string): Promise<Incident[]> {
  const rows = await db.query<IncidentRow>(
    'select * from incidents where resolved_at is null and workflow_id = $1 order by since, id',
    [workflowId],
  );
  return rows.map(fromRow);
}

/** Open incidents not yet alerted (the watch starts one alert per incident; the alert's id is unique). */
export async function unalertedIncidents(db: Queryable): Promise<Incident[]> {
  const rows = await db.query<IncidentRow>(
    'select * from incidents where alerted_at is null and resolved_at is null order by id limit 500',
  );
  return rows.map(fromRow);
}

export async function markAlerted(db: Queryable, id: number): Promise<void> {
  await db.query('update incidents set alerted_at = coalesce(alerted_at, now()) where id = $1', [id]);
}

/** Resolves the open incidents of a workflow; returns how many were open. */
export async function resolveIncidents(
  db: Queryable,
  workflowId: string,
  by: string,
  resolution: string,
  kinds: readonly IncidentKind[] = incidentKinds,
): Promise<number> {
  const rows = await db.query(
    `update incidents set resolved_at = now(), resolved_by = $2, resolution = $3
     where workflow_id = $1 and resolved_at is null and kind = any($4::text[]) returning id`,
    [workflowId, by, resolution, [...kinds]],
  );
  return rows.length;
}

export interface IncidentCount {
  kind: IncidentKind;
  open: number;
  total: number;
}

/** Open and total incidents per kind (every kind listed, zero included). */
export async function incidentCounts(db: Queryable): Promise<IncidentCount[]> {
  const rows = await db.query<{ kind: IncidentKind; open: number; total: number }>(
    `select kind, count(*) filter (where resolved_at is null)::int as open, count(*)::int as total
     from incidents group by kind`,
  );
  return incidentKinds.map((kind) => {
    const r = rows.find((x) => x.kind === kind);
    return { kind, open: r?.open ?? 0, total: r?.total ?? 0 };
  });
}

export interface WatchMark {
  closedUntil: string | null;
  runs: number;
  lastRunAt: string | null;
}

export async function watchMark(db: Queryable): Promise<WatchMark> {
  const [r] = await db.query<{
    closed_until: Date | string | null;
    runs: number;
    last_run_at: Date | string | null;
  }>('select closed_until, runs, last_run_at from health_watch where id = 1');
  return {
    closedUntil: iso(r?.closed_until ?? null),
    runs: r?.runs ?? 0,
    lastRunAt: iso(r?.last_run_at ?? null),
  };
}

/** Moves the watermark forward (never back: two overlapping runs keep the later one). */
export async function advanceWatchMark(db: Queryable, closedUntil: string, at: string): Promise<void> {
  await db.query(
    `insert into health_watch (id, closed_until, runs, last_run_at) values (1, $1, 1, $2)
     on conflict (id) do update set closed_until = greatest(health_watch.closed_until, excluded.closed_until),
       runs = health_watch.runs + 1, last_run_at = excluded.last_run_at`,
    [closedUntil, at],
  );
}
