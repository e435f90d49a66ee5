/**
 * Every workflow the worker runs: the bundle's entry point. Each is loaded when a
 * workflow of its type first runs in a cached workflow's context, not before: a path
 * does not evaluate the grants', exchanges' or health code (issue 18: every cached
 * workflow evaluates its modules again — time at each replay, memory while cached).
 * The workflow type is the export's name. webpack keeps these imports in the bundle
 * (workers/workflow-bundle.ts: `dynamicImportMode: 'eager'`).
 */
import type * as Path from './path/path.js';
import type * as Digest from './notifications/digest.js';
import type * as Bench from './bench/baseline.js';
import type * as Grant from './grants/grant.js';
import type * as Duty from './notifications/duty.js';
import type * as Retention from './retention/retention.js';
import type * as WeeklyList from './exchanges/weekly-list.js';
import type * as Watch from './health/watch.js';
import type * as Rebuild from './health/rebuild.js';
import type * as Exchanges from './exchanges/exchanges.js';

type Workflow = (...args: never[]) => Promise<unknown>;

/** A workflow function that loads its module on its first call (a microtask: deterministic). */
function lazy<W extends Workflow>(load: () => Promise<W>): W {
  return (async (...args: Parameters<W>) => (await load())(...args)) as W;
}

export const beneficiaryPath = lazy<typeof Path.beneficiaryPath>(
  async () => (await import('./path/path.js')).beneficiaryPath,
);
export const referentDigest = lazy<typeof Digest.referentDigest>(
  async () => (await import('./notifications/digest.js')).referentDigest,
);
export const benchBaseline = lazy<typeof Bench.benchBaseline>(
  async () => (await import('./bench/baseline.js')).benchBaseline,
);
export const grantCycle = lazy<typeof Grant.grantCycle>(
  async () => (await import('./grants/grant.js')).grantCycle,
);
export const recurringDutyReminder = lazy<typeof Duty.recurringDutyReminder>(
  async () => (await import('./notifications/duty.js')).recurringDutyReminder,
);
export const rgpdPurge = lazy<typeof Retention.rgpdPurge>(
  async () => (await import('./retention/retention.js')).rgpdPurge,
);
export const rgpdPersonRecord = lazy<typeof Retention.rgpdPersonRecord>(
  async () => (await import('./retention/retention.js')).rgpdPersonRecord,
);
export const franceTravailWeeklyList = lazy<typeof WeeklyList.franceTravailWeeklyList>(
  async () => (await import('./exchanges/weekly-list.js')).franceTravailWeeklyList,
);
export const healthWatch = lazy<typeof Watch.healthWatch>(
  async () => (await import('./health/watch.js')).healthWatch,
);
export const incidentAlert = lazy<typeof Watch.incidentAlert>(
  async () => (await import('./health/watch.js')).incidentAlert,
);
export const healthStatus = lazy<typeof Watch.healthStatus>(
  async () => (await import('./health/watch.js')).healthStatus,
);
export const healthRestart = lazy<typeof Watch.healthRestart>(
  async () => (await import('./health/watch.js')).healthRestart,
);
export const readModelRebuild = lazy<typeof Rebuild.readModelRebuild>(
  async () => (await import('./health/rebuild.js')).readModelRebuild,
);
export const catalogueSync = lazy<typeof Exchanges.catalogueSync>(
  async () => (await import('./exchanges/exchanges.js')).catalogueSync,
);
export const monjobSync = lazy<typeof Exchanges.monjobSync>(
  async () => (await import('./exchanges/exchanges.js')).monjobSync,
);
export const reportingCampaignReminder = lazy<typeof Exchanges.reportingCampaignReminder>(
  async () => (await import('./exchanges/exchanges.js')).reportingCampaignReminder,
);
export const indicatorReport = lazy<typeof Exchanges.indicatorReport>(
  async () => (await import('./exchanges/exchanges.js')).indicatorReport,
);
export const exchangesStatusReport = lazy<typeof Exchanges.exchangesStatusReport>(
  async () => (await import('./exchanges/exchanges.js')).exchangesStatusReport,
);
