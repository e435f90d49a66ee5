/**
 * What a letter says about the case (docs/courriers.md): the facts of the event
 * that calls for it, worded in French, as the placeholders of the Département's
 * templates (`{{taux}}`, `{{date_fin}}`…). Read from the path's state when the
 * read model records the event (store/letters.ts), kept with the letter, so that
 * a letter printed weeks later says what was decided then. Pseudonymous: the
 * person is named by the Département's mail-merge, never by Jalons. Pure.
 */
import { formatParis } from '../calendar.js';
import type { Delay } from './deadlines.js';
import { trackLabels } from './labels.js';
import { letterRef, type LetterKind } from './letter-kinds.js';
import { letterOfEvent } from './letters.js';
import { nationalRulesAt } from './national-rules.js';
import type { PathState } from './path.js';
import { getPolicy } from '../policy.js';

/** One letter the read model keeps: which, its reference, the event and the facts it states. */
export interface LetterDraft {
  letter: LetterKind;
  ref: string;
  seq: number;
  eventAt: string;
  facts: Record<string, string>;
}

const percent = (rate: number): string => `${String(Math.round(rate * 1000) / 10).replace('.', ',')} %`;

/** « 10 jours », « 1 mois », « 6 semaines ». */
export function delayText(delay: Delay): string {
  if ('days' in delay) return `${delay.days} jour${delay.days > 1 ? 's' : ''}`;
  if ('weeks' in delay) return `${delay.weeks} semaine${delay.weeks > 1 ? 's' : ''}`;
  return `${delay.months} mois`;
}

const breachTexts: Record<string, string> = {
  'contract-refusal': 'le refus d’élaborer ou de signer votre contrat d’engagement',
  obligations: 'le non-respect des engagements de votre contrat d’engagement',
};

const monthsText = (min: number, max: number): string =>
  min === max ? `${min} mois` : `${min} à ${max} mois`;

/** The letters called for by the path's journal entries, with their facts (entries without a letter: none). */
export function letterDrafts(s: PathState): LetterDraft[] {
  const drafts: LetterDraft[] = [];
  for (const entry of s.journal) {
    const letter = letterOfEvent[entry.event];
    if (!letter) continue;
    const at = new Date(entry.at);
    const facts = factsOf(s, letter, at);
    if (!facts) continue;
    const ref = letterRef(s.beneficiaryId, letter, entry.seq);
    drafts.push({
      letter,
      ref,
      seq: entry.seq,
      eventAt: entry.at,
      facts: {
        reference: ref,
        dossier: s.beneficiaryId,
        territoire: s.territory,
        date_acte: formatParis(at),
        ...facts,
      },
    });
  }
  return drafts;
}

function factsOf(s: PathState, letter: LetterKind, at: Date): Record<string, string> | null {
  if (letter === 'sanction-notice') return noticeFacts(s, at);
  if (letter === 'sanction-decision') return decisionFacts(s, at);
  return orientationFacts(s, at);
}

/** The notice states the facts, the planned sanction within the scales, the 10 days (décret 2025-478). */
function noticeFacts(s: PathState, at: Date): Record<string, string> | null {
  const scales = nationalRulesAt(at).sanctions;
  if (!scales) return null;
  const procedure = s.procedure && s.procedure.reportedAt === at.toISOString() ? s.procedure : null;
  const later = s.sanctions.find((x) => new Date(x.decidedAt) >= at);
  const breach = procedure?.breach ?? later?.breach ?? 'obligations';
  const repetition = procedure?.repetition ?? later?.repetition ?? false;
  const capped = s.household.size > 1 || s.household.majore;
  const months = repetition ? scales.repetitionMonths : scales.firstFailureMonths;
  const rate = capped
    ? `de ${percent(scales.minRate)} à ${percent(scales.cappedRate)}`
    : `d’au moins ${percent(scales.minRate)}`;
  return {
    manquement: breachTexts[breach] ?? breach,
    sanction_envisagee: `une suspension ${rate} de votre allocation pendant ${monthsText(months.min, months.max)}${
      repetition ? ', ou sa suppression, le manquement étant répété' : ''
    }`,
    delai_observations: delayText(scales.observationsDelay),
    repetition: repetition ? 'oui' : 'non',
  };
}

function decisionFacts(s: PathState, at: Date): Record<string, string> | null {
  const sanction = s.sanctions.find((x) => x.decidedAt === at.toISOString());
  const scales = nationalRulesAt(at).sanctions;
  if (!sanction || !scales) return null;
  return {
    manquement: breachTexts[sanction.breach] ?? sanction.breach,
    nature: sanction.suppression ? 'la suppression' : 'la suspension',
    taux: percent(sanction.rate),
    duree: `${sanction.months} mois`,
    date_effet: formatParis(at),
    date_fin: formatParis(new Date(sanction.endsAt)),
    delai_recours: delayText(scales.recourseDelay),
  };
}

function orientationFacts(s: PathState, at: Date): Record<string, string> | null {
  const record = [s.orientation, ...s.reorientations].find((o) => o?.decidedAt === at.toISOString());
  if (!record) return null;
  const rules = nationalRulesAt(at);
  const policy = getPolicy(s.policy);
  return {
    parcours: trackLabels[record.track].toLowerCase(),
    organisme_code: record.organisation,
    referent: record.referent,
    delai_premier_rdv: delayText(policy.firstAppointment.target),
    delai_contrat: delayText(rules.contract.within),
    delai_recours: delayText(rules.sanctions?.recourseDelay ?? { months: 2 }),
    motif: record.reason ?? '',
  };
}
