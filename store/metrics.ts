/**
 * What the read model says to the metrics (observability/metrics.ts), read at each scrape:
 * paths with a late deadline by step and territory, stopped workflows by kind. Counts and codes
 * only: no person is named.
 */
import type { Queryable } from './queryable.js';
import { incidentCounts, type IncidentKind } from './incidents.js';

export interface LateCount {
  step: string;
  territory: string;
  paths: number;
}

/** Active paths with at least one deadline passed and not met (the « Retards » list, store/queries.ts). */
export async function latePathsByStepAndTerritory(db: Queryable): Promise<LateCount[]> {
  return db.query<LateCount>(
    `select p.step, p.territory, count(distinct p.workflow_id)::int as paths
     from deadlines d join paths p using (workflow_id)
     where d.met_at is null and d.cancelled_at is null and d.breached and p.status = 'active'
     group by p.step, p.territory order by p.step, p.territory`,
  );
}

/** Open incidents (workflows stopped or failing, docs/health.md) per kind, zero included. */
export async function stoppedWorkflows(db: Queryable): Promise<{ kind: IncidentKind; open: number }[]> {
  return (await incidentCounts(db)).map(({ kind, open }) => ({ kind, open }));
}
