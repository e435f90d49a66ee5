// Every workflow the worker runs: the bundle's entry point.
export { beneficiaryPath } from './path/path.js';
export { referentDigest } from './notifications/digest.js';
export { benchBaseline } from './bench/baseline.js';
export { grantCycle } from './grants/grant.js';
export { recurringDutyReminder } from './notifications/duty.js';
export { rgpdPurge, rgpdPersonRecord } from './retention/retention.js';
export { franceTravailWeeklyList } from './exchanges/weekly-list.js';
export { healthWatch, incidentAlert, healthStatus, healthRestart } from './health/watch.js';
export { readModelRebuild } from './health/rebuild.js';
export {
  catalogueSync,
  monjobSync,
  reportingCampaignReminder,
  indicatorReport,
  exchangesStatusReport,
} from './exchanges/exchanges.js';
