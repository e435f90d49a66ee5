/**
 * The letters the law requires (docs/courriers.md): which ones, how each is
 * named on paper (its reference), and the data of the two events that record
 * their journey — `letter.sent` and `letter.received`. A leaf module: the path's
 * events (./path-events.ts) and state (./path.ts) import it.
 */
import { z } from '../validation.js';

/**
 * The three letters: notice of a planned sanction (décret 2025-478: facts, planned sanction,
 * 10 days, right to be heard and assisted), the decision (with its appeal routes, CASF L262-47,
 * R262-88) and the orientation notification (CASF L262-29). docs/rules.md §2.
 */
export const letterKindSchema = z.enum(['sanction-notice', 'sanction-decision', 'orientation'], {
  error: 'courrier attendu : sanction-notice (avis de sanction envisagée), sanction-decision ou orientation',
});
export type LetterKind = z.infer<typeof letterKindSchema>;

/** The short code of each letter in its reference (`<person>-<code>-<revision>`). */
export const letterCodes: Record<LetterKind, string> = {
  'sanction-notice': 'AS',
  'sanction-decision': 'DS',
  orientation: 'OR',
};

/** The French name of each letter (case page, CLI, batch). */
export const letterLabels: Record<LetterKind, string> = {
  'sanction-notice': 'Avis de sanction envisagée',
  'sanction-decision': 'Décision de sanction',
  orientation: 'Notification d’orientation',
};

export const letterChannelSchema = z.enum(['post', 'email'], {
  error: 'canal attendu : post (courrier postal) ou email (courriel)',
});
export type LetterChannel = z.infer<typeof letterChannelSchema>;

/** A reference is at most this long: a pseudonymous id (64), a code and a revision. */
export const LETTER_REF_MAX = 100;

/** A letter's reference, as printed on it: bounded, the charset of an identifier. */
export const letterRefSchema = z
  .string({ error: 'référence du courrier : texte attendu' })
  .max(LETTER_REF_MAX, {
    message: `référence du courrier : ${LETTER_REF_MAX} caractères au plus`,
    abort: true,
  })
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    'référence du courrier : lettres sans accent, chiffres, « - », « _ », « . »',
  );

/** The reference of the letter an event (its revision `seq`) of this person's path calls for. */
export const letterRef = (beneficiaryId: string, kind: LetterKind, seq: number): string =>
  `${beneficiaryId}-${letterCodes[kind]}-${seq}`;

export const letterEventData = {
  /** A letter left (printed and posted by the mail room, or sent by e-mail): `at` is when. */
  'letter.sent': z
    .object({ letter: letterKindSchema, ref: letterRefSchema, channel: letterChannelSchema })
    .strict(),
  /** The person received it (acknowledgement of receipt): `at` is the receipt instant. */
  'letter.received': z.object({ letter: letterKindSchema, ref: letterRefSchema }).strict(),
} as const;

/** A letter as the path knows it: sent, and received when the receipt is recorded. */
export interface LetterRecord {
  letter: LetterKind;
  ref: string;
  channel: LetterChannel;
  sentAt: string;
  receivedAt: string | null;
}
