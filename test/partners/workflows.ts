/**
 * Test workflows: call one partner activity with the production retry policy,
 * either letting its failure fail the workflow or turning a permanent failure
 * into a task for a person, as the path and grant workflows do.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { PartnerActivities } from '../../activities/partners/index.js';
import { partnerFailureForHumans, partnerRetry } from '../../workflows/shared/partner-retry.js';

export type PartnerOperation = keyof PartnerActivities;

const activities = proxyActivities<PartnerActivities>({
  startToCloseTimeout: '30 seconds',
  retry: partnerRetry,
});

const call = (operation: PartnerOperation, request: unknown): Promise<unknown> =>
  (activities[operation] as (req: unknown) => Promise<unknown>)(request);

export async function callPartner(operation: PartnerOperation, request: unknown): Promise<unknown> {
  return call(operation, request);
}

export type PartnerOutcome =
  | { outcome: 'done'; result: unknown }
  | { outcome: 'human-task'; type: string; message: string; partner?: string; status?: number };

export async function callPartnerOrHumanTask(
  operation: PartnerOperation,
  request: unknown,
): Promise<PartnerOutcome> {
  try {
    return { outcome: 'done', result: await call(operation, request) };
  } catch (err) {
    const failure = partnerFailureForHumans(err);
    if (!failure) throw err;
    return { outcome: 'human-task', ...failure };
  }
}
