/** Started by a Schedule each working morning: the référents' digest. */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { notificationRetry } from './retry.js';

const { sendReferentDigests } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: notificationRetry,
});

export async function referentDigest(): Promise<{ referents: number; sent: number }> {
  return sendReferentDigests({ at: new Date(Date.now()).toISOString() });
}
