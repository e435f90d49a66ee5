/**
 * Started each Monday by a Schedule (services/exchanges-schedules.ts): the weekly
 * list of new RSA beneficiaries to France Travail (docs/exchanges.md). Earlier
 * weeks never deposited go first (an event goes in exactly one list); each list
 * is deposited, its receipt recorded, then France Travail's acknowledgement
 * awaited. A person is alerted when a week could not be sent, was sent late, was
 * rejected, or was not acknowledged within two days: never a silent stop.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { isoWeekSchema, previousIsoWeek } from '../../domain/exchanges/weekly-list.js';
import { frenchIssues } from '../../domain/validation.js';
import { partnerActivityOptions, partnerFailureForHumans } from '../shared/partner-retry.js';
import { sendNotification } from '../notifications/notify.js';

const local = wf.proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});
/** A deposit retried for a day at most: the alert still goes out the same week. */
const depositing = wf.proxyActivities<Activities>({
  ...partnerActivityOptions,
  scheduleToCloseTimeout: '1 day',
});
/** One status request; a failure only means « ask again later ». */
const polling = wf.proxyActivities<Activities>({
  ...partnerActivityOptions,
  scheduleToCloseTimeout: '30 minutes',
});

/** How long France Travail has to process a deposit before a person is told. */
export const ACKNOWLEDGEMENT_WINDOW_MS = 48 * 3_600_000;
const FIRST_POLL_MS = 10 * 60_000;
const MAX_POLL_MS = 4 * 3_600_000;

export interface WeeklyListInput {
  /** The ISO week to send (`2026-W23`); default: the week before the run. */
  week?: string;
}

export interface WeekOutcome {
  week: string;
  rows: number;
  depositId: string | null;
  outcome: 'accepted' | 'rejected' | 'not-acknowledged' | 'not-sent';
  message: string | null;
}

export interface WeeklyListResult {
  week: string;
  /** Earlier weeks that had not been sent and went with this run. */
  late: string[];
  weeks: WeekOutcome[];
}

async function alert(key: string, template: string, data: Record<string, string>): Promise<void> {
  await sendNotification({
    key: `${wf.workflowInfo().workflowId}/${key}`,
    template,
    to: { role: 'head-of-service' },
    data,
  });
}

/** Prepares and deposits one week; `null` depositId when it could not be sent. */
async function depositWeek(week: string): Promise<WeekOutcome & { pending: boolean }> {
  const list = await local.ftWeeklyListPrepare({ week });
  const base = { week, rows: list.rows, message: null };
  if (list.status === 'accepted')
    return { ...base, depositId: list.depositId, outcome: 'accepted', pending: false };
  if (list.status === 'deposited')
    return { ...base, depositId: list.depositId, outcome: 'not-acknowledged', pending: true };
  try {
    const receipt = await depositing.ftWeeklyListDeposit({ week });
    return { ...base, depositId: receipt.depositId, outcome: 'not-acknowledged', pending: true };
  } catch (err) {
    const failure = partnerFailureForHumans(err);
    if (!failure) throw err;
    await local.ftWeeklyListFailed({ week, message: failure.message });
    await alert(`ft-liste/${week}/non-transmise`, 'alert.ft-list-not-sent', {
      week,
      rows: String(list.rows),
      message: failure.message,
    });
    return { ...base, depositId: null, outcome: 'not-sent', message: failure.message, pending: false };
  }
}

/** Polls France Travail (10 min, 20 min… 4 h apart) until it processed the deposit or the window closes. */
async function awaitAcknowledgement(sent: WeekOutcome & { pending: boolean }): Promise<WeekOutcome> {
  const { pending: _pending, ...outcome } = sent;
  if (!sent.pending) return outcome;
  const until = Date.now() + ACKNOWLEDGEMENT_WINDOW_MS;
  for (let wait = FIRST_POLL_MS; Date.now() < until; wait = Math.min(wait * 2, MAX_POLL_MS)) {
    await wf.sleep(Math.min(wait, until - Date.now()));
    try {
      const ack = await polling.ftWeeklyListAcknowledgement({ week: sent.week });
      if (ack.status === 'accepted') return { ...outcome, outcome: 'accepted' };
      if (ack.status === 'rejected') {
        await alert(`ft-liste/${sent.week}/rejetee`, 'alert.ft-list-rejected', {
          week: sent.week,
          depositId: sent.depositId ?? '',
          message: ack.message ?? 'sans motif',
        });
        return { ...outcome, outcome: 'rejected', message: ack.message };
      }
    } catch (err) {
      // The exchange cannot tell for now: ask again at the next poll.
      if (!partnerFailureForHumans(err)) throw err;
    }
  }
  await alert(`ft-liste/${sent.week}/non-acquittee`, 'alert.ft-list-not-acknowledged', {
    week: sent.week,
    depositId: sent.depositId ?? '',
    hours: String(ACKNOWLEDGEMENT_WINDOW_MS / 3_600_000),
  });
  return outcome;
}

export async function franceTravailWeeklyList(input: WeeklyListInput = {}): Promise<WeeklyListResult> {
  const parsed = isoWeekSchema.safeParse(input.week ?? previousIsoWeek(new Date(Date.now())));
  if (!parsed.success)
    throw wf.ApplicationFailure.nonRetryable(
      `Semaine invalide : ${frenchIssues(parsed.error)}`,
      'InvalidInput',
    );
  const week = parsed.data;
  const late = (await local.ftWeeklyListOverdue({ week })).filter((w) => w < week);
  // One week after the other: an event listed in a deposited week is not listed again.
  const sent: (WeekOutcome & { pending: boolean })[] = [];
  for (const w of [...late, week]) sent.push(await depositWeek(w));
  if (late.length)
    await alert(`ft-liste/${week}/retard`, 'alert.ft-list-late', { weeks: late.join(', '), week });
  return { week, late, weeks: await Promise.all(sent.map(awaitAcknowledgement)) };
}
