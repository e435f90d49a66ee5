/**
 * The journey of the letters the law requires (docs/courriers.md): `letter.sent`
 * records that a letter left (mail room batch or e-mail), `letter.received` its
 * receipt. The receipt of a notice of planned sanction is the instant the
 * person's 10 days run from (décret 2025-478, docs/rules.md §2): it replaces the
 * receipt the procedure assumed (./sanctions.ts noticeReceipt) and moves the
 * observations window. New event types: no running 1.0 path has them in its
 * history, so no patch is needed (docs/architecture.md). Pure.
 */
import { formatParis } from '../calendar.js';
import { nationalRulesAt } from './national-rules.js';
import { letterCodes, letterLabels, letterRef, type LetterKind, type LetterRecord } from './letter-kinds.js';
import type { PathState } from './path.js';
import { dropOpen, nextOpening, openDeadline, queueMessage, refuse } from './path-steps.js';
import type { Policy } from '../policy.js';
import { observationsDue } from './sanctions.js';

/** Letters a path keeps (the most recent ones): the read model keeps them all, with their PDF. */
export const LETTERS_KEPT = 100;

/** The event of the path that calls for each letter. */
export const letterOfEvent: Readonly<Record<string, LetterKind>> = {
  'breach.reported': 'sanction-notice',
  'sanction.decided': 'sanction-decision',
  'orientation.decided': 'orientation',
  'reorientation.decided': 'orientation',
};

/** The revision of the event a reference names, when it is this person's and this letter's. */
function revisionOf(s: PathState, letter: LetterKind, ref: string): number | null {
  const prefix = `${s.beneficiaryId}-${letterCodes[letter]}-`;
  if (!ref.startsWith(prefix)) return null;
  const seq = Number(ref.slice(prefix.length));
  return Number.isInteger(seq) && seq > 0 && seq <= s.seq && letterRef(s.beneficiaryId, letter, seq) === ref
    ? seq
    : null;
}

export function letterSent(
  s: PathState,
  e: { data: { letter: LetterKind; ref: string; channel: 'post' | 'email' } },
  at: Date,
  policy: Policy,
): void {
  const { letter, ref, channel } = e.data;
  if (revisionOf(s, letter, ref) === null)
    refuse(
      `La référence ${ref} n’est pas celle d’un courrier « ${letterLabels[letter]} » de ce dossier (attendu : ${letterRef(s.beneficiaryId, letter, 1).replace(/1$/, '<révision>')}).`,
    );
  const calling = s.journal.find((j) => j.seq === revisionOf(s, letter, ref));
  if (calling && at < new Date(calling.at))
    refuse(
      `Un courrier ne part pas avant l’acte qui l’appelle (${formatParis(new Date(calling.at), true)}).`,
    );
  const letters = (s.letters ??= []);
  const known = letters.find((l) => l.ref === ref);
  if (known)
    refuse(`Le courrier ${ref} est déjà enregistré comme envoyé le ${formatParis(new Date(known.sentAt))}.`);
  letters.push({ letter, ref, channel, sentAt: at.toISOString(), receivedAt: null });
  // By e-mail: to the mail room, the PDF attached (activities/notifications), through the path's
  // own outbox — once, in business hours, held through an outage like every message of the path.
  if (channel === 'email')
    queueMessage(s, {
      id: `courrier:${ref}`,
      at: nextOpening(at, policy),
      to: 'mail-room',
      template: 'letter.email',
      deadline: 'courrier',
      data: { ref, label: letterLabels[letter] },
    });
  if (letters.length > LETTERS_KEPT) letters.splice(0, letters.length - LETTERS_KEPT);
}

export function letterReceived(
  s: PathState,
  e: { data: { letter: LetterKind; ref: string } },
  at: Date,
): void {
  const { letter, ref } = e.data;
  const sent = (s.letters ?? []).find((l) => l.ref === ref && l.letter === letter);
  if (!sent)
    refuse(
      `Le courrier ${ref} n’est pas enregistré comme envoyé : enregistrez d’abord son envoi (letter.sent).`,
    );
  if (sent.receivedAt)
    refuse(
      `La réception du courrier ${ref} est déjà enregistrée (le ${formatParis(new Date(sent.receivedAt))}).`,
    );
  if (at < new Date(sent.sentAt))
    refuse(
      `La réception ne peut précéder l’envoi du courrier (${formatParis(new Date(sent.sentAt), true)}).`,
    );
  sent.receivedAt = at.toISOString();
  if (letter === 'sanction-notice') startObservationsAtReceipt(s, sent, at);
}

/**
 * The notice of the procedure under way was received: the 10 days run from `at`.
 * A notice of an earlier procedure, or observations already in, change nothing.
 */
function startObservationsAtReceipt(s: PathState, notice: LetterRecord, at: Date): void {
  const procedure = s.procedure;
  if (s.step !== 'sanction-procedure' || !procedure || procedure.proposal) return;
  if (new Date(notice.sentAt) < new Date(procedure.reportedAt)) return;
  if (procedure.observationsReceivedAt) return;
  const scales = nationalRulesAt(new Date(procedure.reportedAt)).sanctions;
  if (!scales) return;
  const due = observationsDue(at, scales);
  procedure.receivedAt = at.toISOString();
  if (due.toISOString() === procedure.observationsDue) return;
  procedure.observationsDue = due.toISOString();
  // A new window (a new id): its closing message goes at its own end, even if the old one went.
  dropOpen(s, at, ['observations']);
  openDeadline(s, 'observations', due);
}

/** The letters of a path still awaiting their receipt (the case page's form offers these). */
export const lettersAwaitingReceipt = (s: PathState): LetterRecord[] =>
  (s.letters ?? []).filter((l) => l.receivedAt === null);
