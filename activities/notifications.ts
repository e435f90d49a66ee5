/**
 * Sending a notification: render the French template, resolve the recipients
 * from the directory, send through SMTP (nodemailer). A permanent SMTP refusal
 * (5xx) is not retried; everything else (connection refused, 4xx) is.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import { resolveRecipient, type Directory, type Recipient } from './directory.js';
import { render } from './templates.js';

export interface NotificationRequest {
  /** Stable per workflow and reminder: `<workflowId>/<reminder id>`. */
  key: string;
  template: string;
  to: Recipient;
  data: Record<string, string>;
}

export interface NotificationReceipt {
  messageId: string;
  recipients: string[];
}

export function createNotificationActivities(deps: { transport: Transporter; directory: Directory }) {
  return {
    async sendNotification(req: NotificationRequest): Promise<NotificationReceipt> {
      const { subject, text, html } = render(req.template, req.data);
      const recipients = resolveRecipient(deps.directory, req.to);
      const messageId = `<${createHash('sha256').update(req.key).digest('hex').slice(0, 32)}@jalons>`;
      try {
        await deps.transport.sendMail({
          from: deps.directory.from,
          to: recipients,
          subject,
          text,
          html,
          messageId,
          headers: { 'X-Jalons-Key': req.key, 'X-Jalons-Template': req.template },
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        if (code !== undefined && code >= 500) {
          throw ApplicationFailure.nonRetryable(
            `Refus définitif du serveur SMTP (${code}) : ${(err as Error).message}`,
            'PermanentDeliveryFailure',
          );
        }
        throw err;
      }
      return { messageId, recipients };
    },
  };
}
