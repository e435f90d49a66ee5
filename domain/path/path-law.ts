/**
 * The path's procedure in depth (docs/rules.md §1): the 10 days in full (hearing,
 * written waiver), the équipe pluridisciplinaire, the appeal (RAPO), the removal
 * proposal's answer, who is concerned by the droits et devoirs, France Travail's
 * registration. Pure, like the machine (./path-machine.ts) that dispatches to it.
 *
 * `law` is true for a path under the current procedure; a path started by
 * version 1.0 replays its old events with `law` false (the workflow decides it
 * with `patched('path-law-procedure')`, docs/architecture.md « Changements
 * derrière patched() »), so that what 1.0 accepted is applied the same way.
 */
import { endOfCivilDay, formatParis } from '../calendar.js';
import { dueDate } from './deadlines.js';
import { nationalRulesAt } from './national-rules.js';
import type { PathEvent } from './path-events.js';
import type { PathState, SanctionProcedure, SanctionRecord } from './path.js';
import {
  currentSanction,
  endProcedure,
  meet,
  openDeadline,
  openDeadlines,
  refuse,
  requireStep,
} from './path-steps.js';
import { sanctionRefusal, suspensionEnd } from './sanctions.js';
import type { Policy } from '../policy.js';

/** How the workflow runs the machine (the default is the current procedure). */
export interface PathOptions {
  law?: boolean;
}
export interface LawContext {
  law: boolean;
}

export type Handler<T extends PathEvent['type']> = (
  state: PathState,
  event: Extract<PathEvent, { type: T }>,
  at: Date,
  policy: Policy,
  ctx: LawContext,
) => void;

const day = (iso: string): string => formatParis(new Date(iso));

/** The procedure whose 10 days the person has (not a France Travail proposal, which ran its own). */
function ownProcedure(s: PathState): SanctionProcedure {
  const p = s.step === 'sanction-procedure' ? s.procedure : null;
  if (!p) return refuse('Aucune procédure de sanction en cours : rien à enregistrer pour les 10 jours.');
  if (p.proposal)
    refuse(
      'France Travail a conduit la procédure contradictoire de sa proposition : ni audition ni renonciation ici.',
    );
  return p;
}

/** Why no sanction may follow for a person outside the droits et devoirs (CASF L262-28). */
export function notConcernedRefusal(s: PathState): string | null {
  if (!s.duties || s.duties.concerned) return null;
  return `La personne n’est pas soumise aux droits et devoirs depuis le ${day(s.duties.since)} (revenus d’activité d’au moins 500 € par mois, CASF L262-28) : aucune sanction possible.`;
}

/** What the current procedure adds to a decision's conditions (docs/rules.md §1 « Sanctions »). */
export function lawDecisionRefusal(
  s: PathState,
  p: SanctionProcedure,
  at: Date,
  ctx: LawContext,
): string | null {
  const outside = notConcernedRefusal(s);
  if (outside) return outside;
  if (p.hearing && !p.hearing.heldAt)
    return `La personne a demandé à être entendue le ${formatParis(new Date(p.hearing.at), true)} : aucune décision avant l’audition (hearing.held).`;
  if (!ctx.law || p.proposal) return null;
  if (!p.waivedAt && at <= new Date(p.observationsDue))
    return `La personne a jusqu’au ${day(p.observationsDue)} pour présenter ses observations ou demander à être entendue : aucune décision avant, sauf renonciation écrite (observations.waived) (décret 2025-478).`;
  // The EP's avis itself (ep.avis) is checked with the scales (sanctionRefusal).
  return null;
}

/** The sanction an appeal is about: the last one decided. */
function appealed(s: PathState): SanctionRecord {
  const last = s.sanctions[s.sanctions.length - 1];
  if (!last) return refuse('Aucune décision de sanction à contester.');
  return last;
}

function fileAppeal(s: PathState, at: Date): void {
  const sanction = appealed(s);
  if (sanction.decidedBy === 'france-travail')
    refuse(
      'Cette suspension a été prononcée par France Travail : le recours se forme auprès de France Travail.',
    );
  if (sanction.appeal)
    refuse(`Un recours est déjà formé contre cette décision (le ${day(sanction.appeal.filedAt)}).`);
  const scales = nationalRulesAt(new Date(sanction.decidedAt)).sanctions;
  if (!scales) return refuse('Aucun barème de sanction n’était en vigueur à la date de la décision.');
  const lastDay = endOfCivilDay(dueDate(new Date(sanction.decidedAt), scales.recourseDelay));
  if (at > lastDay)
    refuse(
      `Le recours administratif préalable se forme dans les 2 mois de la décision (CASF R262-88) : délai échu le ${formatParis(lastDay)}.`,
    );
  const answerDue = endOfCivilDay(dueDate(at, scales.appealAnswerDelay));
  sanction.appeal = {
    filedAt: at.toISOString(),
    answerDue: answerDue.toISOString(),
    answeredAt: null,
    outcome: null,
  };
  openDeadline(s, 'appeal', answerDue);
}

function answerAppeal(s: PathState, e: Extract<PathEvent, { type: 'appeal.answered' }>, at: Date): void {
  const sanction = appealed(s);
  const appeal = sanction.appeal;
  if (!appeal) return refuse('Aucun recours n’est formé contre la dernière décision.');
  if (appeal.answeredAt) refuse(`Ce recours a déjà reçu sa réponse le ${day(appeal.answeredAt)}.`);
  const { outcome, rate, months, suppression, text } = e.data;
  if (outcome !== 'reduced' && (rate !== undefined || months !== undefined || suppression !== undefined))
    refuse('Taux, durée ou suppression ne se donnent que pour une sanction réduite (outcome reduced).');
  if (outcome === 'reduced') reduce(s, sanction, { rate, months, suppression }, at);
  if (outcome === 'annulled') annul(s, sanction, at);
  appeal.answeredAt = at.toISOString();
  appeal.outcome = outcome;
  if (text) appeal.text = text;
  for (const d of openDeadlines(s).filter((d) => d.kind === 'appeal')) meet(d, at);
}

/** Annulled: the suspension ends now, and everything it withheld is owed back. */
function annul(s: PathState, sanction: SanctionRecord, at: Date): void {
  const running = currentSanction(s) === sanction;
  const to = sanction.endedAt ?? at.toISOString();
  sanction.repayment = { from: sanction.decidedAt, to };
  if (!running) return;
  sanction.endedAt = at.toISOString();
  sanction.endedBy = 'appeal';
  if (s.step === 'suspension') endProcedure(s, at, 'appeal.answered');
}

/** Reduced: never harsher than the decision, within the scales; a shorter one may end now. */
function reduce(
  s: PathState,
  sanction: SanctionRecord,
  d: { rate?: number | undefined; months?: number | undefined; suppression?: boolean | undefined },
  at: Date,
): void {
  const next = {
    rate: d.rate ?? sanction.rate,
    months: d.months ?? sanction.months,
    suppression: d.suppression ?? sanction.suppression,
  };
  if (
    next.rate > sanction.rate ||
    next.months > sanction.months ||
    (next.suppression && !sanction.suppression)
  )
    refuse(
      'Une sanction réduite ne peut être plus sévère que la décision contestée (taux, durée, suppression).',
    );
  if (
    next.rate === sanction.rate &&
    next.months === sanction.months &&
    next.suppression === sanction.suppression
  )
    refuse(
      'Une sanction réduite change le taux, la durée ou la suppression : sinon la décision est maintenue (upheld).',
    );
  const scales = nationalRulesAt(new Date(sanction.decidedAt)).sanctions;
  const invalid =
    scales &&
    sanctionRefusal(
      { ...next, epAvis: true },
      { scales, household: s.household, repetition: sanction.repetition },
    );
  if (invalid) refuse(`Sanction réduite irrecevable : ${invalid}`);
  const running = currentSanction(s) === sanction;
  if (sanction.appeal)
    sanction.appeal.before = {
      rate: sanction.rate,
      months: sanction.months,
      suppression: sanction.suppression,
    };
  Object.assign(sanction, next);
  sanction.endsAt = suspensionEnd(new Date(sanction.decidedAt), next.months).toISOString();
  // Already over, and longer than the reduced one: the months withheld past the new end are owed.
  if (!running && sanction.endedAt && sanction.endedAt > sanction.endsAt && !sanction.repayment)
    sanction.repayment = { from: sanction.endsAt, to: sanction.endedAt };
  if (running && new Date(sanction.endsAt) <= at) {
    sanction.endedAt = at.toISOString();
    sanction.endedBy = 'appeal';
    if (s.step === 'suspension') endProcedure(s, at, 'appeal.answered');
  }
}

/** The transitions of the events this file adds (./path-events.ts). */
export const lawTransitions: {
  [
    T in
      | 'hearing.requested'
      | 'hearing.held'
      | 'observations.waived'
      | 'ep.referred'
      | 'ep.avis'
      | 'appeal.filed'
      | 'appeal.answered'
      | 'removal.answered'
      | 'duties.status'
      | 'duties.informed'
      | 'registration.status'
      | 'orientation.returned'
  ]: Handler<T>;
} = {
  'hearing.requested': (s, e, at) => {
    const p = ownProcedure(s);
    if (p.hearing && !p.hearing.heldAt)
      refuse(`Une audition est déjà demandée pour le ${formatParis(new Date(p.hearing.at), true)}.`);
    if (at > new Date(p.observationsDue))
      refuse(`La demande d’être entendu se fait dans les 10 jours, échus le ${day(p.observationsDue)}.`);
    if (e.data.at < at) refuse('La date de l’audition est déjà passée.');
    p.hearing = { requestedAt: at.toISOString(), at: e.data.at.toISOString(), heldAt: null };
  },

  'hearing.held': (s, e, at) => {
    const p = ownProcedure(s);
    if (!p.hearing) return refuse('Aucune audition n’a été demandée (hearing.requested).');
    if (p.hearing.heldAt) refuse(`L’audition a déjà eu lieu le ${day(p.hearing.heldAt)}.`);
    p.hearing.heldAt = at.toISOString();
    p.hearing.attended = e.data.attended;
  },

  'observations.waived': (s, _e, at) => {
    const p = ownProcedure(s);
    if (p.waivedAt) refuse(`La personne a déjà renoncé par écrit au reste du délai (le ${day(p.waivedAt)}).`);
    if (at > new Date(p.observationsDue))
      refuse(
        `Le délai de 10 jours est déjà échu (le ${day(p.observationsDue)}) : la décision peut être prise.`,
      );
    p.waivedAt = at.toISOString();
    for (const d of openDeadlines(s).filter((d) => d.kind === 'observations')) meet(d, at);
  },

  'ep.referred': (s, e, at) => {
    const p = s.step === 'sanction-procedure' ? s.procedure : null;
    if (!p) return refuse('L’équipe pluridisciplinaire se saisit pendant une procédure de sanction.');
    if (p.ep) refuse(`L’équipe pluridisciplinaire est déjà saisie (séance du ${day(p.ep.meetingAt)}).`);
    if (e.data.date < at)
      refuse('La séance de l’équipe pluridisciplinaire (date) ne peut précéder sa saisine.');
    p.ep = { referredAt: at.toISOString(), meetingAt: e.data.date.toISOString(), avis: null };
  },

  'ep.avis': (s, e, at) => {
    const p = s.step === 'sanction-procedure' ? s.procedure : null;
    if (!p?.ep)
      return refuse(
        'L’équipe pluridisciplinaire n’est pas saisie : enregistrez d’abord sa saisine (ep.referred).',
      );
    if (p.ep.avis) refuse(`L’équipe pluridisciplinaire a déjà rendu son avis le ${day(p.ep.avis.at)}.`);
    if (at < new Date(p.ep.meetingAt))
      refuse(`L’avis est rendu en séance, le ${formatParis(new Date(p.ep.meetingAt), true)} : pas avant.`);
    p.ep.avis = { at: at.toISOString(), favourable: e.data.favourable, text: e.data.text };
  },

  'appeal.filed': (s, _e, at) => fileAppeal(s, at),
  'appeal.answered': (s, e, at) => answerAppeal(s, e, at),

  'removal.answered': (s, e, at) => {
    if (!s.removal) return refuse('Aucune proposition de radiation n’a été faite pour ce parcours.');
    if (s.removal.answeredAt) refuse(`France Travail a déjà répondu le ${day(s.removal.answeredAt)}.`);
    s.removal.answeredAt = at.toISOString();
    s.removal.removed = e.data.removed;
    for (const d of openDeadlines(s).filter((d) => d.kind === 'removal')) meet(d, at);
  },

  'duties.status': (s, e, at) => {
    if (e.data.since > at) refuse('Date de la situation (since) : pas dans le futur.');
    s.duties = {
      concerned: e.data.concerned,
      since: e.data.since.toISOString(),
      recordedAt: at.toISOString(),
    };
  },

  'duties.informed': (s, _e, at) => {
    requireStep(
      s,
      ['first-appointment', 'diagnostic', 'contract'],
      'L’information sur les droits et devoirs se fait au premier rendez-vous, après l’orientation et avant le contrat.',
    );
    s.dutiesInformedAt = at.toISOString();
  },

  'registration.status': (s, e, at) => {
    if (e.data.registered && e.data.exemption)
      refuse('Une dispense d’inscription (exemption) concerne une personne non inscrite : registered false.');
    s.registration = {
      registered: e.data.registered,
      exemption: e.data.exemption ?? null,
      at: at.toISOString(),
    };
  },

  'orientation.returned': (s, _e, at) => {
    requireStep(s, ['orientation'], 'France Travail ne rend la main que sur un parcours pas encore orienté.');
    s.orientationReturnedAt = at.toISOString();
  },
};

/**
 * Past the 6 weeks France Travail orients (CASF D262-65-2): once Jalons has told
 * it so (the `transfer.orientation` message, at the first business opening after
 * the limit), the Département's own orientation is refused unless France Travail
 * handed the person back; France Travail's own orientation is recorded.
 */
export function lateOrientationRefusal(
  s: PathState,
  organisation: string,
  at: Date,
  ctx: LawContext,
): string | null {
  if (!ctx.law || s.orientationReturnedAt) return null;
  const legal = s.deadlines.find((d) => d.kind === 'orientation.legal' && !d.cancelledAt);
  const rules = nationalRulesAt(at).orientation;
  if (!legal || !s.handled.includes(`${legal.id}:transfer`)) return null;
  if (organisation === rules.defaultOrganisationAfterLimit) return null;
  // A decision taken within the 6 weeks and recorded late is a fact: recorded (the act's own date).
  if (at.getTime() <= Date.parse(legal.dueAt)) return null;
  return `Le délai légal d’orientation de 6 semaines a expiré le ${day(legal.dueAt)} et France Travail a été chargé d’orienter la personne (CASF D262-65-2) : le Département n’oriente que si France Travail lui rend la main (orientation.returned).`;
}

/** The PCD ends the right (L262-37 III) only after a proposal of removal, without compliance since. */
export function pcdEndRefusal(s: PathState): string | null {
  if (s.removal) return null;
  return 'La fin du droit par décision du président du conseil départemental suit une suppression totale de 4 mois et la proposition de radiation à France Travail (CASF L262-37 III).';
}
