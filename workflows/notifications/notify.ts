/**
 * Sending a message a workflow has recorded, shared by every workflow: always
 * through the notifications' rate-limited task queue (docs/architecture.md).
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type {
  NotificationReceipt,
  NotificationRequest,
} from '../../activities/notifications/notifications.js';
import type { BusinessHours } from '../../domain/holidays.js';
import { notificationRetry } from '../shared/retry.js';
import { notificationQueue } from '../shared/queues.js';

/** The one door every e-mail of every workflow goes through. */
export function sendNotification(request: NotificationRequest): Promise<NotificationReceipt> {
  const queued = wf.proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: notificationRetry,
    taskQueue: notificationQueue(wf.workflowInfo().taskQueue),
  });
  return queued.sendNotification(request);
}

export interface RecordedMessage {
  /** The message's id in the workflow: the outbox key is `<workflowId>/<key>`. */
  key: string;
  template: string;
  recipient: NotificationRequest['to'];
  data: Record<string, string>;
  /**
   * When the message was meant to leave, and the Département's business hours:
   * a message held up by an outage leaves in business hours, marked late.
   */
  due?: { at: string; hours: BusinessHours };
}

/** Sends it; a permanent refusal is noted on its record (for operations), never retried forever. */
export async function sendRecorded(
  records: { id: string; failed?: string }[],
  m: RecordedMessage,
): Promise<void> {
  const request: NotificationRequest = {
    key: `${wf.workflowInfo().workflowId}/${m.key}`,
    template: m.template,
    to: m.recipient,
    data: m.data,
    ...(m.due ? { due: { at: m.due.at, opens: m.due.hours.opens, closes: m.due.hours.closes } } : {}),
  };
  try {
    // Held up past its instant and the office closed: asked again at the opening (durable timer).
    for (let r = await sendNotification(request); r.deferredUntil; r = await sendNotification(request))
      await wf.sleep(Math.max(0, Date.parse(r.deferredUntil) - Date.now()));
  } catch (err) {
    const record = records.find((n) => n.id === m.key);
    if (record)
      record.failed =
        err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    wf.log.warn('notification non délivrée', { key: m.key, template: m.template });
  }
}
