/**
 * The exchanges' Schedules (issue 9), created or brought up to date at start
 * under deterministic ids — running it twice changes nothing:
 * - the weekly list to France Travail, Monday 06:00 Paris (the week before);
 * - the offer catalogue's sync, each day at 05:00 Paris;
 * - MonJob62 both ways, every hour;
 * - a reminder before each reporting campaign (first working day of its months, 09:00).
 */
import {
  ScheduleAlreadyRunning,
  type Client,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import { reportingCampaigns } from '../domain/reporting.js';
import { catalogueSync, monjobSync, reportingCampaignReminder } from '../workflows/exchanges/exchanges.js';
import { franceTravailWeeklyList } from '../workflows/exchanges/weekly-list.js';
import { firstWorkingDayCalendars } from './grants.js';

export const WEEKLY_LIST_SCHEDULE_ID = 'jalons-ft-liste-hebdo';
export const CATALOGUE_SCHEDULE_ID = 'jalons-catalogue';
export const MONJOB_SCHEDULE_ID = 'jalons-monjob';
export const reportingScheduleId = (campaign: string) => `jalons-rapports-${campaign}`;

interface ExchangeSchedule {
  scheduleId: string;
  spec: ScheduleSpec;
  action: ScheduleOptionsAction;
}

export function exchangeSchedules(taskQueue: string): ExchangeSchedule[] {
  const timezone = 'Europe/Paris';
  return [
    {
      scheduleId: WEEKLY_LIST_SCHEDULE_ID,
      spec: { calendars: [{ dayOfWeek: 'MONDAY', hour: 6, comment: 'semaine précédente' }], timezone },
      action: {
        type: 'startWorkflow',
        workflowType: franceTravailWeeklyList,
        args: [{}],
        taskQueue,
        workflowId: 'ft-liste-hebdo',
      },
    },
    {
      scheduleId: CATALOGUE_SCHEDULE_ID,
      spec: { calendars: [{ hour: 5 }], timezone },
      action: {
        type: 'startWorkflow',
        workflowType: catalogueSync,
        args: [],
        taskQueue,
        workflowId: 'catalogue',
      },
    },
    {
      scheduleId: MONJOB_SCHEDULE_ID,
      spec: { intervals: [{ every: '1 hour' }] },
      action: {
        type: 'startWorkflow',
        workflowType: monjobSync,
        args: [],
        taskQueue,
        workflowId: 'monjob62',
      },
    },
    ...reportingCampaigns.map((c) => ({
      scheduleId: reportingScheduleId(c.id),
      spec: { calendars: firstWorkingDayCalendars(c.remindMonths), timezone },
      action: {
        type: 'startWorkflow' as const,
        workflowType: reportingCampaignReminder,
        args: [{ campaign: c.id }] as [{ campaign: string }],
        taskQueue,
        workflowId: `rapports-${c.id}`,
      },
    })),
  ];
}

export async function ensureExchangeSchedules(
  client: Client,
  taskQueue: string,
): Promise<{ scheduleId: string; created: boolean }[]> {
  const result: { scheduleId: string; created: boolean }[] = [];
  for (const { scheduleId, spec, action } of exchangeSchedules(taskQueue)) {
    try {
      await client.schedule.create({ scheduleId, spec, action });
      result.push({ scheduleId, created: true });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
      result.push({ scheduleId, created: false });
    }
  }
  return result;
}
