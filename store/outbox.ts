/**
 * What each message said, as it left (issue 17 §3: the case page shows the
 * messages sent with their content). The notification activity keeps the
 * subject and the plain text in the outbox row it already writes
 * (activities/notifications/notifications.ts); the RGPD purge deletes the row
 * with the path (store/retention.ts, by the workflow id before the key's « / »).
 */
import type { Queryable } from './db.js';

/** A message's text is kept up to this length (a Jalons message is a few hundred characters). */
export const OUTBOX_BODY_MAX = 8_000;

export interface SentMessage {
  /** The message's id in its workflow (the outbox key after « <workflowId>/ »). */
  id: string;
  subject: string | null;
  body: string | null;
  status: 'sending' | 'sent' | 'failed';
  sentAt: string | null;
}

/** The messages of one workflow, by their id in it. */
export async function messagesOf(db: Queryable, workflowId: string): Promise<Map<string, SentMessage>> {
  const rows = await db.query<{
    key: string;
    subject: string | null;
    body: string | null;
    status: SentMessage['status'];
    sent_at: Date | string | null;
  }>(
    `select key, subject, body, status, sent_at from outbox where split_part(key, '/', 1) = $1
     order by created_at limit 2000`,
    [workflowId],
  );
  return new Map(
    rows.map((r) => {
      const id = r.key.slice(workflowId.length + 1);
      const sentAt = r.sent_at ? new Date(r.sent_at).toISOString() : null;
      return [id, { id, subject: r.subject, body: r.body, status: r.status, sentAt }];
    }),
  );
}
