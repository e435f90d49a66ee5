/**
 * A letter sent by e-mail (docs/courriers.md): through the one door of every
 * e-mail (the notifications' rate-limited queue, the outbox: never twice), to
 * the Département's mail room, the letter's PDF attached. Its outbox key is
 * `<path workflow id>/courrier:<reference>`: the case page shows the message,
 * and the RGPD purge takes it with the path. One workflow per letter, id
 * `courrier-<reference>`: a second start is refused by Temporal, the caller
 * reads the first one's result. The caller then records `letter.sent`.
 */
import { sendNotification } from '../notifications/notify.js';

export interface LetterEmailInput {
  pathWorkflowId: string;
  beneficiaryId: string;
  ref: string;
  /** The letter's French name (domain/path/letter-kinds.ts letterLabels). */
  label: string;
}

export const letterEmailWorkflowId = (ref: string): string => `courrier-${ref}`;

export async function letterEmail(input: LetterEmailInput): Promise<{ sent: boolean; failed?: string }> {
  try {
    await sendNotification({
      key: `${input.pathWorkflowId}/courrier:${input.ref}`,
      template: 'letter.email',
      to: { role: 'mail-room' },
      data: { beneficiaryId: input.beneficiaryId, ref: input.ref, label: input.label },
      attachLetter: input.ref,
    });
    return { sent: true };
  } catch (err) {
    // A permanent refusal (SMTP 5xx, no mail-room address): said to the caller, who records nothing.
    const cause =
      err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    return { sent: false, failed: cause };
  }
}
