/**
 * Recurring duties of the path side as Temporal Schedules (created or updated
 * idempotently at start): the référents' digest, each working morning; the RGPD
 * retention purge, each night; the health watch, every 2 minutes (docs/health.md).
 */
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';
import { referentDigest } from '../workflows/notifications/digest.js';
import { rgpdPurge, type PurgeRequest } from '../workflows/retention/retention.js';
import { healthWatch } from '../workflows/health/watch.js';
// The exchanges with the insertion network (issue 9): weekly list, catalogue, MonJob62, reports.
export { ensureExchangeSchedules } from './exchanges-schedules.js';

export const DIGEST_SCHEDULE_ID = 'jalons-digest-referents';
export const RETENTION_SCHEDULE_ID = 'jalons-rgpd-purge';
export const HEALTH_SCHEDULE_ID = 'jalons-sante-surveillance';

async function upsertSchedule(
  client: Client,
  scheduleId: string,
  spec: ScheduleOptions['spec'],
  action: ScheduleOptions['action'],
): Promise<void> {
  try {
    await client.schedule.create({ scheduleId, spec, action });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
}

export async function ensureDigestSchedule(client: Client, taskQueue: string): Promise<void> {
  const spec = {
    // 08:30 Paris, Monday to Friday (public holidays: a digest with nothing new is harmless).
    calendars: [{ hour: 8, minute: 30, dayOfWeek: [{ start: 'MONDAY' as const, end: 'FRIDAY' as const }] }],
    timezone: 'Europe/Paris',
  };
  const action = { type: 'startWorkflow' as const, workflowType: referentDigest, taskQueue, args: [] as [] };
  await upsertSchedule(client, DIGEST_SCHEDULE_ID, spec, action);
}

/** 03:00 Paris every day, with the workers' own retention (JALONS_RETENTION_MONTHS). */
export async function ensureRetentionSchedule(client: Client, taskQueue: string): Promise<void> {
  const spec = { calendars: [{ hour: 3, minute: 0 }], timezone: 'Europe/Paris' };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: rgpdPurge,
    taskQueue,
    args: [{}] as [PurgeRequest],
  };
  await upsertSchedule(client, RETENTION_SCHEDULE_ID, spec, action);
}

/**
 * Every 2 minutes: a stopped path is found within minutes. A run still going when the next is due
 * (a long sweep) makes the Schedule skip that one (its default overlap policy), never pile up.
 */
export async function ensureHealthSchedule(client: Client, taskQueue: string): Promise<void> {
  const spec = { intervals: [{ every: '2 minutes' as const }] };
  const action = { type: 'startWorkflow' as const, workflowType: healthWatch, taskQueue, args: [] as [] };
  await upsertSchedule(client, HEALTH_SCHEDULE_ID, spec, action);
}
