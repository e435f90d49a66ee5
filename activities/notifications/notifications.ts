/**
 * Sending a notification: render the French template (ending with a link to its
 * case or grant cycle in the web app: ./links.ts), resolve the recipients
 * from the directory, send through SMTP (nodemailer). A permanent SMTP refusal
 * (5xx) is not retried; everything else (connection refused, 4xx) is.
 */
import { messagesQueued, messagesRefused, messagesSent } from '../../observability/metrics.js';
import { createHash } from 'node:crypto';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ReadModelDb } from '../../store/db.js';
import { OUTBOX_BODY_MAX } from '../../store/outbox.js';
import { keepLetterPdf, letterByRef, letterPdf } from '../../store/letters.js';
import { letterLookFromEnv, renderLetters } from '../../services/letter-pdf.js';
import { field } from './template-parts.js';
import type { Transporter } from 'nodemailer';
import { resolveRecipient, type Directory, type Recipient } from './directory.js';
import { render } from './templates.js';
import { publicUrlFromEnv } from './links.js';
import { deliveryOf, lateNotice } from '../../domain/delivery.js';

export interface NotificationRequest {
  /** Stable per workflow and reminder: `<workflowId>/<reminder id>`. */
  key: string;
  template: string;
  to: Recipient;
  data: Record<string, string>;
  /**
   * When the workflow meant it to leave, with the business hours (Paris): held up by an outage,
   * it waits for the next opening and says it is late (domain/delivery.ts).
   */
  due?: { at: string; opens: string; closes: string };
}

export interface NotificationReceipt {
  messageId: string;
  recipients: string[];
  /** True when the outbox shows it already went out: nothing was sent this time. */
  alreadySent: boolean;
  /**
   * Set when nothing was sent because the message is late and the office is closed: the
   * workflow asks again at this instant (a durable timer, visible in its history).
   */
  deferredUntil?: string;
}

export function createNotificationActivities(deps: {
  transport: Transporter;
  directory: Directory;
  readModel: () => Promise<ReadModelDb>;
  /** The web app's address the messages link to; default: JALONS_PUBLIC_URL (./links.ts). */
  publicUrl?: string;
}) {
  const publicUrl = deps.publicUrl ?? publicUrlFromEnv(process.env);
  return {
    /**
     * Sends once per key: the outbox (read-model database) remembers what went
     * out, so a retried activity or a worker restarted after the send never
     * sends again. The window left is between the relay's acceptance and the
     * outbox update (milliseconds); the stable Message-ID lets a relay drop
     * such a duplicate.
     */
    async sendNotification(req: NotificationRequest): Promise<NotificationReceipt> {
      const recipients = resolveRecipient(deps.directory, req.to);
      const messageId = `<${createHash('sha256').update(req.key).digest('hex').slice(0, 32)}@jalons>`;
      const timing = lateness(req.due);
      if ('deferredUntil' in timing)
        return { messageId, recipients, alreadySent: false, deferredUntil: timing.deferredUntil };
      const { subject, text, html } = marked(render(req.template, req.data, { publicUrl }), timing.notice);
      const db = await deps.readModel();
      messagesQueued.inc({ template: req.template }); // metrics: observability/metrics.ts
      const [previous] = await db.query<{ status: string }>(
        `insert into outbox (key, template, recipients, message_id, status, subject, body)
         values ($1, $2, $3, $4, 'sending', $5, $6)
         on conflict (key) do update set status = case when outbox.status = 'sent' then 'sent' else 'sending' end,
           subject = coalesce(outbox.subject, excluded.subject), body = coalesce(outbox.body, excluded.body)
         returning status`,
        [req.key, req.template, recipients, messageId, subject, text.slice(0, OUTBOX_BODY_MAX)],
      );
      if (previous?.status === 'sent') {
        log.info('déjà envoyé, rien n’est renvoyé', { key: req.key });
        return { messageId, recipients, alreadySent: true };
      }
      // A letter to the mail room carries its PDF (docs/courriers.md).
      const attachments =
        req.template === 'letter.email' ? await letterAttachment(db, field(req.data, 'ref')) : [];
      try {
        await deps.transport.sendMail({
          from: deps.directory.from,
          to: recipients,
          subject,
          text,
          html,
          attachments,
          messageId,
          headers: { 'X-Jalons-Key': req.key, 'X-Jalons-Template': req.template },
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        if (code !== undefined && code >= 500) {
          messagesRefused.inc({ template: req.template });
          await db.query(`update outbox set status = 'failed', error = $2 where key = $1`, [
            req.key,
            `${code} ${(err as Error).message}`,
          ]);
          throw ApplicationFailure.nonRetryable(
            `Refus définitif du serveur SMTP (${code}) : ${(err as Error).message}`,
            'PermanentDeliveryFailure',
          );
        }
        throw err;
      }
      await db.query(`update outbox set status = 'sent', sent_at = now(), error = null where key = $1`, [
        req.key,
      ]);
      messagesSent.inc({ template: req.template });
      return { messageId, recipients, alreadySent: false };
    },
  };
}

/**
 * The letter's PDF as it was kept when it left (docs/courriers.md); not kept yet (recorded sent by
 * another way than `jalons courriers courriel`), rendered from its row and kept now. No row yet: the
 * read model is behind the path, the activity is retried.
 */
async function letterAttachment(db: ReadModelDb, ref: string) {
  let pdf = await letterPdf(db, ref);
  if (!pdf) {
    const letter = await letterByRef(db, ref);
    if (!letter) throw new Error(`Courrier ${ref} pas encore dans le modèle de lecture : nouvel essai.`);
    pdf = await renderLetters([letter], letterLookFromEnv(process.env), new Date());
    await keepLetterPdf(db, ref, pdf, null);
  }
  return [{ filename: `courrier-${ref}.pdf`, content: Buffer.from(pdf), contentType: 'application/pdf' }];
}

/**
 * A message whose instant is long past leaves in business hours only, and starts with a line
 * saying it is late (domain/delivery.ts).
 */
function lateness(due: NotificationRequest['due']): { deferredUntil: string } | { notice: string | null } {
  if (!due) return { notice: null };
  // The server's clock (this attempt's scheduling), not the worker's: the same in production, and
  // the time-skipping test server's own time in tests.
  const now = serverNow();
  const dueAt = new Date(due.at);
  const delivery = deliveryOf(dueAt, now, { opens: due.opens, closes: due.closes });
  if (!delivery.send) return { deferredUntil: delivery.waitUntil.toISOString() };
  return { notice: delivery.late ? lateNotice(dueAt, now) : null };
}

function marked(
  m: { subject: string; text: string; html: string },
  notice: string | null,
): { subject: string; text: string; html: string } {
  if (!notice) return m;
  return {
    subject: `[Retardé] ${m.subject}`,
    text: `${notice}\n\n${m.text}`,
    // The notice holds only dates and fixed words: nothing to escape.
    html: m.html.replace(/(<body[^>]*>)/, `$1<p><strong>${notice}</strong></p>`),
  };
}

function serverNow(): Date {
  try {
    return new Date(Context.current().info.currentAttemptScheduledTimestampMs);
  } catch {
    return new Date(); // called outside an activity (a script): the machine's clock
  }
}
