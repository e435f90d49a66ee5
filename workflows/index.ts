// Every workflow the worker runs: the bundle's entry point.
export { beneficiaryPath } from './path.js';
export { referentDigest } from './digest.js';
export { benchBaseline } from './baseline.js';
export { grantCycle } from './grant.js';
export { recurringDutyReminder } from './duty.js';
