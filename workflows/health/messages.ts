/**
 * The health workflows as their clients start them (apps/cli/health.ts, the
 * web's Santé page): each workflow type and its signature, without importing
 * the workflows' code (./watch.ts) at run time.
 */
import type * as watch from './watch.js';

export type { HealthReport, Restarted } from '../../activities/health/incidents.js';

/** The names ./watch.ts exports its functions under (workflows/index.ts). */
export const healthStatusWorkflowType = 'healthStatus';
export const healthRestartWorkflowType = 'healthRestart';
export type HealthStatus = typeof watch.healthStatus;
export type HealthRestart = typeof watch.healthRestart;
