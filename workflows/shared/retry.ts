import type { RetryPolicy } from '@temporalio/common';

/** Transient failures (SMTP down, 4xx temporaires) retried with backoff; a permanent refusal is not. */
export const notificationRetry: RetryPolicy = {
  initialInterval: '5 seconds',
  backoffCoefficient: 2,
  maximumInterval: '10 minutes',
  nonRetryableErrorTypes: ['PermanentDeliveryFailure', 'UnknownRecipient', 'UnknownTemplate'],
};
