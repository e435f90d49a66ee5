/**
 * The référents' daily digest: for each référent, what falls due in the next
 * 7 days and what is late on their cases, from the read model; one email each,
 * sent through the outbox (a digest goes out once per référent and day).
 */
import { dueSoon, lateItems, type DeadlineItem } from './read-model/queries.js';
import type { ReadModelDb } from './read-model/db.js';
import type { NotificationReceipt, NotificationRequest } from './notifications.js';
import { civilDateOf } from '../domain/calendar.js';

export function createDigestActivities(deps: {
  readModel: () => Promise<ReadModelDb>;
  send: (req: NotificationRequest) => Promise<NotificationReceipt>;
}) {
  return {
    /** Returns how many référents were written to (those with nothing due get nothing). */
    async sendReferentDigests(input: { at: string }): Promise<{ referents: number; sent: number }> {
      const at = new Date(input.at);
      const db = await deps.readModel();
      const byReferent = new Map<string, { due: DeadlineItem[]; late: DeadlineItem[] }>();
      const entry = (r: string) => byReferent.get(r) ?? byReferent.set(r, { due: [], late: [] }).get(r)!;
      for (const item of await dueSoon(db, at, 7, {}, 10_000))
        if (item.referent) entry(item.referent).due.push(item);
      for (const item of await lateItems(db, {}, 10_000))
        if (item.referent) entry(item.referent).late.push(item);
      let sent = 0;
      const day = civilDateOf(at);
      for (const [referent, { due, late }] of byReferent) {
        const line = (i: DeadlineItem) => `${i.beneficiary_id}|${i.kind}|${new Date(i.due_at).toISOString()}`;
        const receipt = await deps.send({
          key: `digest/${referent}/${day}`,
          template: 'digest.referent',
          to: { referent },
          data: { referent, day, due: due.map(line).join('\n'), late: late.map(line).join('\n') },
        });
        if (!receipt.alreadySent) sent++;
      }
      return { referents: byReferent.size, sent };
    },
  };
}
