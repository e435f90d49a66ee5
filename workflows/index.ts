// Every workflow the worker runs: the bundle's entry point.
export { beneficiaryPath } from './path.js';
export { referentDigest } from './digest.js';
export { benchBaseline } from './baseline.js';
export { grantCycle } from './grant.js';
export { recurringDutyReminder } from './duty.js';
export { rgpdPurge, rgpdPersonRecord } from './retention.js';
export { franceTravailWeeklyList } from './weekly-list.js';
export { healthWatch, incidentAlert, healthStatus, healthRestart } from './watch.js';
export { readModelRebuild } from './rebuild.js';
export {
  catalogueSync,
  monjobSync,
  reportingCampaignReminder,
  indicatorReport,
  exchangesStatusReport,
} from './exchanges.js';
