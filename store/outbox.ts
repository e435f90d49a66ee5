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

/** One outbox row of a workflow: the message, where it stands, and what it said. */
export interface OutboxDelivery {
  key: string;
  template: string;
  status: string;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
  /** What the message said (subject and text), when the outbox kept it (migration 11). */
  subject: string | null;
  body: string | null;
}

/** The outbox rows of one workflow, oldest first (`limit` for a page; none for an RGPD export). */
export async function outboxOf(db: Queryable, workflowId: string, limit?: number): Promise<OutboxDelivery[]> {
  const rows = await db.query<{
    key: string;
    template: string;
    status: string;
    error: string | null;
    created_at: Date | string;
    sent_at: Date | string | null;
    subject: string | null;
    body: string | null;
  }>(
    `select key, template, status, error, created_at, sent_at, subject, body from outbox
     where split_part(key, '/', 1) = $1 order by created_at, key${limit ? ` limit ${Number(limit)}` : ''}`,
    [workflowId],
  );
  return rows.map((o) => ({
    key: o.key,
    template: o.template,
    status: o.status,
    error: o.error,
    createdAt: new Date(o.created_at).toISOString(),
    sentAt: o.sent_at ? new Date(o.sent_at).toISOString() : null,
    subject: o.subject,
    body: o.body,
  }));
}

/** The messages of one workflow, by their id in it (the case page reads the first 2,000). */
export async function messagesOf(db: Queryable, workflowId: string): Promise<Map<string, SentMessage>> {
  const rows = await outboxOf(db, workflowId, 2_000);
  return new Map(
    rows.map((r) => {
      const id = r.key.slice(workflowId.length + 1);
      const status = r.status as SentMessage['status'];
      return [id, { id, subject: r.subject, body: r.body, status, sentAt: r.sentAt }];
    }),
  );
}
