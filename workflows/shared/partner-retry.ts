/**
 * How workflows call partner activities. Deliberately free of runtime imports
 * other than `@temporalio/common`, so workflow code can use it in the sandbox.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/common';

/** Failure types a workflow must hand to a person rather than retry. */
export const partnerPermanentFailures = ['PartnerRejected', 'PartnerProtocolError', 'InvalidPartnerRequest'];

/**
 * 5xx, timeouts and refused connections (`PartnerUnavailable`) retried with
 * backoff (1 s, 2 s, 4 s … capped at 10 min); a refusal or a broken contract is not.
 * No attempt cap: bound an outage with `scheduleToCloseTimeout` (see below).
 */
export const partnerRetry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '10 minutes',
  nonRetryableErrorTypes: partnerPermanentFailures,
};

/**
 * Options for `proxyActivities`: an attempt may take a partner's whole timeout
 * (`JALONS_PARTNER_TIMEOUT_MS`); after 2 days of outage the activity fails with
 * a timeout, which the workflow also turns into a task for a person.
 */
export const partnerActivityOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '2 days',
  retry: partnerRetry,
};

/**
 * What a person must be told when a partner activity failed for good, or
 * `null` when the error is not a partner activity's failure. Workflows catch
 * the activity's failure, call this, and open a human task with the message:
 * a partner's refusal never stops a path silently.
 */
export function partnerFailureForHumans(
  err: unknown,
): { type: string; message: string; partner?: string; status?: number } | null {
  if (!(err instanceof ActivityFailure)) return null;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    const details = (cause.details?.[0] ?? {}) as { partner?: string; status?: number };
    return {
      type: cause.type ?? 'Error',
      message: cause.message,
      ...(details.partner ? { partner: details.partner } : {}),
      ...(typeof details.status === 'number' ? { status: details.status } : {}),
    };
  }
  return {
    type: cause?.name ?? 'ActivityFailure',
    message: `L’appel au partenaire a échoué : ${cause?.message ?? err.message}`,
  };
}
