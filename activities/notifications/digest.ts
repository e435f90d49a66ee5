/**
 * The référents' daily digest: for each référent, what falls due in the next
 * 7 days and what is late on their cases, from the read model; one email each,
 * sent through the outbox (a digest goes out once per référent and day). The
 * workflow lists the référents, then sends each digest as its own activity on
 * the notifications' rate-limited queue.
 */
import { dueSoon, lateItems, referentsWithItems, type DeadlineItem } from '../../store/queries.js';
import type { ReadModelDb } from '../../store/db.js';
import type { NotificationReceipt, NotificationRequest } from './notifications.js';
import { civilDateOf } from '../../domain/calendar.js';

const WEEK = 7;
const MAX_ITEMS = 10_000;

export function createDigestActivities(deps: {
  readModel: () => Promise<ReadModelDb>;
  send: (req: NotificationRequest) => Promise<NotificationReceipt>;
}) {
  /** One référent's digest, or nothing when nothing is due or late on their cases. */
  async function sendReferentDigest(input: { at: string; referent: string }): Promise<{ sent: boolean }> {
    const at = new Date(input.at);
    const db = await deps.readModel();
    const filter = { referent: input.referent };
    const due = await dueSoon(db, at, WEEK, filter, MAX_ITEMS);
    const late = await lateItems(db, filter, MAX_ITEMS);
    if (due.length === 0 && late.length === 0) return { sent: false };
    const day = civilDateOf(at);
    const line = (i: DeadlineItem) => `${i.beneficiary_id}|${i.kind}|${new Date(i.due_at).toISOString()}`;
    const receipt = await deps.send({
      key: `digest/${input.referent}/${day}`,
      template: 'digest.referent',
      to: { referent: input.referent },
      data: {
        referent: input.referent,
        day,
        due: due.map(line).join('\n'),
        late: late.map(line).join('\n'),
      },
    });
    return { sent: !receipt.alreadySent };
  }

  /** The référents with something due within the week or late (those with nothing get nothing). */
  async function digestReferents(input: { at: string }): Promise<string[]> {
    return referentsWithItems(await deps.readModel(), new Date(input.at), WEEK);
  }

  return {
    digestReferents,
    sendReferentDigest,
  };
}
