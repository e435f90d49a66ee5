/** Started by a Schedule each working morning: the référents' digest. */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { notificationRetry } from '../shared/retry.js';
import { notificationQueue } from '../shared/queues.js';

const { digestReferents } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: notificationRetry,
});

export async function referentDigest(): Promise<{ referents: number; sent: number; failed?: number }> {
  const at = new Date(Date.now()).toISOString();
  const referents = await digestReferents({ at });
  const { sendReferentDigest } = wf.proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: notificationRetry,
    taskQueue: notificationQueue(wf.workflowInfo().taskQueue),
  });
  // All at once: the queue's rate limit spaces them out, for every worker together. A
  // référent's permanent refusal (unknown address) is the outbox's to show, not the others' loss.
  const results = await Promise.allSettled(referents.map((referent) => sendReferentDigest({ at, referent })));
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed) wf.log.warn('récapitulatifs non délivrés', { failed });
  const sent = results.filter((r) => r.status === 'fulfilled' && r.value.sent).length;
  return { referents: referents.length, sent, failed };
}
