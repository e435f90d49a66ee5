/**
 * Recurring duties of the path side as Temporal Schedules (created or updated
 * idempotently at start): the référents' digest, each working morning.
 */
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { referentDigest } from '../workflows/digest.js';

export const DIGEST_SCHEDULE_ID = 'jalons-digest-referents';

export async function ensureDigestSchedule(client: Client, taskQueue: string): Promise<void> {
  const spec = {
    // 08:30 Paris, Monday to Friday (public holidays: a digest with nothing new is harmless).
    calendars: [{ hour: 8, minute: 30, dayOfWeek: [{ start: 'MONDAY' as const, end: 'FRIDAY' as const }] }],
    timezone: 'Europe/Paris',
  };
  const action = { type: 'startWorkflow' as const, workflowType: referentDigest, taskQueue, args: [] as [] };
  try {
    await client.schedule.create({ scheduleId: DIGEST_SCHEDULE_ID, spec, action });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(DIGEST_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action }));
  }
}
