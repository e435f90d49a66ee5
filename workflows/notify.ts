/** Sending a message a workflow has recorded, shared by the path and the grant cycle. */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { NotificationReceipt, NotificationRequest } from '../activities/notifications.js';
import { notificationRetry } from './retry.js';
import { notificationQueue } from './queues.js';

const options = { startToCloseTimeout: '1 minute', retry: notificationRetry } as const;
/** Before this patch, messages were sent from the workflow's own task queue (no rate limit). */
export const NOTIFICATION_QUEUE_PATCH = 'notification-queue';
const sameQueue = wf.proxyActivities<Activities>(options);

function sendNotification(request: NotificationRequest): Promise<NotificationReceipt> {
  if (!wf.patched(NOTIFICATION_QUEUE_PATCH)) return sameQueue.sendNotification(request);
  const queued = wf.proxyActivities<Activities>({
    ...options,
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
}

/** Sends it; a permanent refusal is noted on its record (for operations), never retried forever. */
export async function sendRecorded(
  records: { id: string; failed?: string }[],
  m: RecordedMessage,
): Promise<void> {
  try {
    await sendNotification({
      key: `${wf.workflowInfo().workflowId}/${m.key}`,
      template: m.template,
      to: m.recipient,
      data: m.data,
    });
  } catch (err) {
    const record = records.find((n) => n.id === m.key);
    if (record)
      record.failed =
        err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    wf.log.warn('notification non délivrée', { key: m.key, template: m.template });
  }
}
