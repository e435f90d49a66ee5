/**
 * The beneficiary path as a state machine: each event (a person's act or a
 * partner's message) either moves the path or is refused with a French reason,
 * changing nothing. Pure and deterministic: the workflow runs it in its handlers
 * and validators, `jalons simulate` and the CLI use it to explain a refusal.
 */
import { addCalendarDays, civilDateOf, endOfCivilDay, formatParis } from '../calendar.js';
import { deadlineAfter } from './deadlines.js';
import { frenchIssues } from '../validation.js';
import { nationalRulesAt } from './national-rules.js';
import { pathInputSchema, type PathInput, type PathState } from './path.js';
import { pathEventSchema, type PathEvent } from './path-events.js';
import { planRefusal } from './activity-plan.js';
import { compactPathState, pathListBounds } from './path-compaction.js';
import { getPolicy, type Policy } from '../policy.js';
import { partnerFacts, queuePathPartnerCalls, resolvePathPartnerCall } from './path-partners.js';
import {
  PathRefusal,
  changedSince,
  checkBreach,
  checkChronology,
  currentDeadline,
  currentSanction,
  dropOpen,
  endProcedure,
  intensiveMonths,
  meet,
  moveTo,
  nextOpening,
  openDeadline,
  openDeadlines,
  queueMessage,
  refuse,
  requireProcedure,
  requireStep,
  startAccompaniment,
  startOrientation,
  weeklyHoursRefusal,
} from './path-steps.js';
import {
  isRepetition,
  noticeReceipt,
  observationsDue,
  remobilisationRepayment,
  sanctionRefusal,
  suspensionEnd,
} from './sanctions.js';
import {
  lateOrientationRefusal,
  lawDecisionRefusal,
  lawTransitions,
  notConcernedRefusal,
  pcdEndRefusal,
  type Handler,
  type LawContext,
  type PathOptions,
} from './path-law.js';
import { letterReceived, letterSent } from './letters.js';

export function newPathState(raw: PathInput): PathState {
  const input = pathInputSchema.parse(raw);
  const policy = getPolicy(input.policy);
  const openedAt = new Date(input.rightsOpenedAt);
  const rules = nationalRulesAt(openedAt);
  const state: PathState = {
    beneficiaryId: input.beneficiaryId,
    policy: policy.id,
    territory: input.territory,
    household: input.household,
    step: 'orientation',
    status: 'active',
    rightsOpenedAt: openedAt.toISOString(),
    orientation: null,
    reorientations: [],
    appointment: { scheduledAt: null, attendedAt: null, missed: [] },
    diagnostic: null,
    contract: null,
    accompaniment: null,
    interviews: [],
    activity: [],
    procedure: null,
    sanctions: [],
    deadlines: [],
    dropped: [],
    notifications: [],
    outbox: [],
    partnerCalls: [],
    handled: [],
    rejected: [],
    exit: null,
    history: [{ at: openedAt.toISOString(), step: 'orientation', event: 'rights.opened' }],
    journal: [],
    seq: 0,
  };
  openDeadline(state, 'orientation.local', deadlineAfter(openedAt, policy.orientation.target));
  openDeadline(state, 'orientation.legal', deadlineAfter(openedAt, rules.orientation.legalLimit));
  if (input.accompaniedSince && input.accompaniedSince <= rules.stock.accompaniedOn)
    openDeadline(state, 'contract.stock', endOfCivilDay(addCalendarDays(rules.stock.contractBefore, -1)));
  return state;
}

/** Parses an event, or refuses it with the French list of what is wrong. */
export function parsePathEvent(raw: unknown): PathEvent {
  const parsed = pathEventSchema.safeParse(raw);
  if (!parsed.success) refuse(`Événement invalide : ${frenchIssues(parsed.error)}`);
  return parsed.data as PathEvent;
}

/** The French reason the path would refuse this event now, or null if it would accept it. */
export function refusalOf(
  state: PathState,
  raw: unknown,
  now: Date,
  options: PathOptions = {},
): string | null {
  try {
    applyPathEvent(JSON.parse(JSON.stringify(state)) as PathState, raw, now, options);
    return null;
  } catch (err) {
    if (err instanceof PathRefusal) return err.message;
    throw err;
  }
}

/**
 * Applies an event to the state, in place; throws PathRefusal (state untouched) if refused.
 * `options.law` false replays a 1.0 path's events as 1.0 applied them (./path-law.ts).
 */
export function applyPathEvent(
  state: PathState,
  raw: unknown,
  now: Date,
  options: PathOptions = {},
): PathState {
  const event = parsePathEvent(raw);
  if (isDuplicate(state, event)) return state;
  if (event.seen !== undefined && event.seen !== state.seq) refuse(changedSince(state));
  const at = event.at ?? now;
  checkChronology(state, at, now, event.type);
  const policy = getPolicy(state.policy);
  const before = partnerFacts(state);
  const handler = transitions[event.type] as (
    s: PathState,
    e: PathEvent,
    at: Date,
    p: Policy,
    ctx: LawContext,
  ) => void;
  handler(state, event, at, policy, { law: options.law ?? true });
  state.seq += 1;
  state.journal.push({
    seq: state.seq,
    at: at.toISOString(),
    event: event.type,
    by: event.by ?? null,
    step: state.step,
    ...(event.id ? { ref: event.id } : {}),
    // The instant it was recorded, beside the instant it declares (docs/rules.md §1 « Pratique »).
    recordedAt: now.toISOString(),
  });
  queuePathPartnerCalls(state, before, at);
  compactPathState(state);
  return state;
}

/** The same event delivered again (same sender id): already applied, nothing to do. */
export function isDuplicate(state: PathState, event: { id?: string | undefined }): boolean {
  return event.id !== undefined && state.journal.some((j) => j.ref === event.id);
}

const transitions: { [T in PathEvent['type']]: Handler<T> } = {
  ...lawTransitions,
  'orientation.decided': (s, e, at, policy, ctx) => {
    if (s.step !== 'orientation')
      refuse('Ce parcours est déjà orienté : utilisez une réorientation (reorientation.decided).');
    const late = lateOrientationRefusal(s, e.data.organisation, at, ctx);
    if (late) refuse(late);
    s.orientation = { ...e.data, decidedAt: at.toISOString(), decidedBy: e.by ?? null };
    for (const d of openDeadlines(s).filter((d) => d.kind.startsWith('orientation.'))) meet(d, at);
    startOrientation(s, at, policy);
    moveTo(s, 'first-appointment', at, e.type);
  },

  'reorientation.decided': (s, e, at, policy) => {
    if (!s.orientation)
      refuse(
        'Ce parcours n’est pas encore orienté : enregistrez d’abord l’orientation (orientation.decided).',
      );
    if (s.reorientations.length >= pathListBounds.reorientations)
      refuse(
        `Ce parcours compte déjà ${pathListBounds.reorientations} réorientations, le nombre maximal : une situation pareille se traite hors de Jalons.`,
      );
    s.reorientations.push(s.orientation);
    s.orientation = { ...e.data, decidedAt: at.toISOString(), decidedBy: e.by ?? null };
    for (const d of openDeadlines(s).filter((d) => d.kind === 'social-review')) meet(d, at);
    dropOpen(s, at, ['first-appointment', 'contract', 'interviews', 'social-review']);
    s.appointment = { scheduledAt: null, attendedAt: null, missed: [] };
    s.diagnostic = null;
    s.contract = null;
    s.accompaniment = null;
    startOrientation(s, at, policy);
    if (s.procedure) s.procedure.resumeStep = 'first-appointment';
    else moveTo(s, 'first-appointment', at, e.type);
  },

  'appointment.scheduled': (s, e, at) => {
    requireStep(
      s,
      ['first-appointment'],
      'Un premier rendez-vous se fixe après l’orientation, avant le diagnostic.',
    );
    if (e.data.at < at) refuse('La date du rendez-vous est déjà passée.');
    s.appointment.scheduledAt = e.data.at.toISOString();
  },

  'appointment.attended': (s, e, at) => {
    requireStep(s, ['first-appointment'], 'Aucun premier rendez-vous n’est attendu à cette étape.');
    s.appointment.attendedAt = at.toISOString();
    for (const d of openDeadlines(s).filter((d) => d.kind === 'first-appointment')) meet(d, at);
    moveTo(s, 'diagnostic', at, e.type);
  },

  'appointment.missed': (s, e, at, policy) => {
    requireStep(s, ['first-appointment'], 'Aucun premier rendez-vous n’est attendu à cette étape.');
    s.appointment.missed.push({ at: at.toISOString(), excused: e.data.excused });
    s.appointment.scheduledAt = null;
    queueMessage(s, {
      // Unique in the path (the count of misses restarts at each réorientation): the event's revision.
      id: `appointment-missed#${s.seq + 1}`,
      at: nextOpening(at, policy),
      to: 'referent',
      template: 'convocation.new',
      deadline: currentDeadline(s, 'first-appointment')?.id ?? 'first-appointment',
    });
  },

  'diagnostic.completed': (s, e, at) => {
    requireStep(
      s,
      ['diagnostic'],
      s.step === 'first-appointment'
        ? 'Le diagnostic se fait au premier rendez-vous : enregistrez d’abord la présence (appointment.attended).'
        : 'Le diagnostic est déjà fait pour cette orientation.',
    );
    s.diagnostic = { completedAt: at.toISOString(), barriers: [...new Set(e.data.barriers)] };
    moveTo(s, 'contract', at, e.type);
  },

  'contract.signed': (s, e, at, policy) => {
    const rules = nationalRulesAt(at);
    const track = s.orientation?.track;
    if (!track) return refuse('Le contrat d’engagement suit l’orientation.');
    const hoursRefusal = weeklyHoursRefusal(e.data, rules.contract.minWeeklyHours, policy, track);
    if (hoursRefusal) refuse(hoursRefusal);
    const planRefused = e.data.plan ? planRefusal(e.data.plan, e.data.weeklyHours) : null;
    if (planRefused) refuse(planRefused);
    const revision = s.step === 'intensive-accompaniment' || s.step === 'accompaniment';
    if (!revision)
      requireStep(
        s,
        ['first-appointment', 'diagnostic', 'contract'],
        'Un contrat ne peut être signé pendant une procédure de sanction ou une suspension : enregistrez d’abord la remobilisation.',
      );
    const wasIntensive = s.contract?.intensive ?? false;
    s.contract = {
      signedAt: at.toISOString(),
      weeklyHours: e.data.weeklyHours,
      intensive: e.data.intensive,
      reduction: e.data.reduction ?? null,
      exemption: e.data.exemption ?? null,
      ...(e.data.plan ? { plan: e.data.plan } : {}),
    };
    // Signing the contract with the référent is also the first meeting, if none was recorded.
    const met = ['contract', 'contract.stock', 'first-appointment'];
    for (const d of openDeadlines(s).filter((d) => met.includes(d.kind))) meet(d, at);
    if (track === 'social') {
      dropOpen(s, at, ['social-review']);
      const hard = (s.diagnostic?.barriers ?? []).some((b) => rules.socialReview.difficulties.includes(b));
      openDeadline(
        s,
        'social-review',
        deadlineAfter(at, hard ? rules.socialReview.afterWithDifficulties : rules.socialReview.after),
      );
    }
    if (!revision || e.data.intensive !== wasIntensive) startAccompaniment(s, at, policy, e.data.intensive);
  },

  'interview.held': (s, _e, at, policy) => {
    if (!s.contract) refuse('Les entretiens de suivi commencent après la signature du contrat d’engagement.');
    s.interviews.push(at.toISOString());
    const month = civilDateOf(at).slice(0, 7);
    const held = s.interviews.filter((i) => civilDateOf(new Date(i)).slice(0, 7) === month).length;
    for (const d of openDeadlines(s).filter((d) => d.kind === 'interviews' && d.period === month))
      if (held >= policy.intensive.interviewsPerMonth) meet(d, at);
  },

  'activity.declared': (s, e, at) => {
    if (!s.contract) refuse('Les heures d’activité se déclarent au titre d’un contrat d’engagement signé.');
    s.activity.push({ at: at.toISOString(), hours: e.data.hours });
  },

  'breach.reported': (s, e, at, policy) => {
    const scales = nationalRulesAt(at).sanctions;
    if (!scales)
      return refuse(
        'Aucun barème de sanction n’est modélisé à cette date : le régime de suspension-remobilisation s’applique depuis le 01/06/2025.',
      );
    checkBreach(s, e.data.kind);
    const outside = notConcernedRefusal(s);
    if (outside) refuse(outside);
    const receivedAt = noticeReceipt(at, e.data.receivedAt, policy);
    if (receivedAt < at) refuse('La réception de la notification ne peut précéder son envoi.');
    const due = observationsDue(receivedAt, scales);
    const lastOrientation = new Date(s.orientation?.decidedAt ?? s.rightsOpenedAt);
    s.procedure = {
      breach: e.data.kind,
      reportedAt: at.toISOString(),
      receivedAt: receivedAt.toISOString(),
      observationsDue: due.toISOString(),
      observationsReceivedAt: null,
      repetition: isRepetition(at, s.sanctions, lastOrientation, policy),
      resumeStep: s.step,
    };
    const window = openDeadline(s, 'observations', due);
    queueMessage(s, {
      id: `${window.id}:notice`,
      at: nextOpening(at, policy),
      to: 'referent',
      template: 'notice.sanction',
      deadline: window.id,
    });
    moveTo(s, 'sanction-procedure', at, e.type);
  },

  'sanction.proposed': (s, e, at, policy) => {
    const scales = nationalRulesAt(at).sanctions;
    if (!scales) return refuse('Aucun barème de sanction n’est modélisé à cette date.');
    checkBreach(s, e.data.kind);
    const outside = notConcernedRefusal(s);
    if (outside) refuse(`Proposition de France Travail irrecevable : ${outside}`);
    const lastOrientation = new Date(s.orientation?.decidedAt ?? s.rightsOpenedAt);
    const repetition = isRepetition(at, s.sanctions, lastOrientation, policy);
    const invalid = sanctionRefusal(
      { rate: e.data.rate, months: e.data.months, suppression: false, epAvis: false },
      { scales, household: s.household, repetition },
    );
    if (invalid) refuse(`Proposition de France Travail irrecevable : ${invalid}`);
    const responseDue = deadlineAfter(at, policy.sanctions.franceTravailProposalDelay);
    s.procedure = {
      breach: e.data.kind,
      proposal: { rate: e.data.rate, months: e.data.months, responseDue: responseDue.toISOString() },
      reportedAt: at.toISOString(),
      receivedAt: at.toISOString(),
      // France Travail ran the observations step itself.
      observationsDue: at.toISOString(),
      observationsReceivedAt: null,
      repetition,
      resumeStep: s.step,
    };
    const window = openDeadline(s, 'france-travail-proposal', responseDue);
    queueMessage(s, {
      id: `${window.id}:notice`,
      at: nextOpening(at, policy),
      to: policy.sanctions.decide,
      template: 'proposal.sanction',
      deadline: window.id,
    });
    moveTo(s, 'sanction-procedure', at, e.type);
  },

  'observations.received': (s, _e, at, _policy, ctx) => {
    const procedure = requireProcedure(s, 'sanction-procedure');
    if (procedure.proposal)
      refuse(
        'France Travail a conduit la procédure contradictoire de sa proposition : pas d’observations ici.',
      );
    if (procedure.observationsReceivedAt) refuse('Les observations ont déjà été reçues.');
    if (at > new Date(procedure.observationsDue))
      refuse(
        `Le délai pour présenter des observations a expiré le ${formatParis(new Date(procedure.observationsDue))}.`,
      );
    procedure.observationsReceivedAt = at.toISOString();
    // Under the current procedure the 10 days run to their end all the same (hearing, more observations).
    if (!ctx.law) for (const d of openDeadlines(s).filter((d) => d.kind === 'observations')) meet(d, at);
  },

  'sanction.decided': (s, e, at, _policy, ctx) => {
    const procedure = requireProcedure(s, 'sanction-procedure');
    const scales = nationalRulesAt(at).sanctions;
    if (!scales) return refuse('Aucun barème de sanction n’est en vigueur à cette date.');
    const proposal = procedure.proposal;
    if (proposal && (e.data.rate > proposal.rate || e.data.months > proposal.months))
      refuse(
        'Une sanction plus sévère que la proposition de France Travail suppose la procédure d’observations : signalez le manquement (breach.reported).',
      );
    const lawRefusal = lawDecisionRefusal(s, procedure, at, ctx);
    if (lawRefusal) refuse(lawRefusal);
    if (
      !ctx.law &&
      !proposal &&
      !procedure.observationsReceivedAt &&
      at <= new Date(procedure.observationsDue)
    )
      refuse(
        `La personne a jusqu’au ${formatParis(new Date(procedure.observationsDue))} pour présenter ses observations : aucune décision avant (décret 2025-478).`,
      );
    // The avis recorded (ep.avis) is what counts now; 1.0's flag still counts for its paths.
    const epAvis = ctx.law ? Boolean(procedure.ep?.avis) : e.data.epAvis;
    const refusal = sanctionRefusal(
      { ...e.data, epAvis },
      {
        scales,
        household: s.household,
        repetition: procedure.repetition,
      },
    );
    if (refusal) refuse(refusal);
    for (const d of openDeadlines(s).filter((d) => d.kind === 'france-travail-proposal')) meet(d, at);
    s.sanctions.push({
      breach: procedure.breach,
      decidedBy: 'departement',
      decidedAt: at.toISOString(),
      rate: e.data.rate,
      months: e.data.months,
      suppression: e.data.suppression,
      repetition: procedure.repetition,
      endsAt: suspensionEnd(at, e.data.months).toISOString(),
      endedAt: null,
      endedBy: null,
      repayment: null,
      ...(ctx.law ? { epAvis: procedure.ep?.avis ?? null, appeal: null } : {}),
    });
    moveTo(s, 'suspension', at, e.type);
  },

  'compliance.resumed': (s, e, at, policy) => {
    requireStep(
      s,
      ['sanction-procedure', 'suspension'],
      'Aucune procédure de sanction ni suspension en cours.',
    );
    for (const d of openDeadlines(s).filter((d) => d.kind === 'france-travail-proposal')) meet(d, at);
    const running = currentSanction(s);
    if (s.step === 'suspension' && running) {
      running.endedAt = at.toISOString();
      running.endedBy = 'remobilisation';
      const repayment = remobilisationRepayment(
        { decidedAt: new Date(running.decidedAt), months: running.months },
        at,
        policy,
      );
      running.repayment = repayment && { from: repayment.from.toISOString(), to: repayment.to.toISOString() };
    }
    endProcedure(s, at, e.type);
  },

  'reminders.switched': (s, e) => {
    s.remindersOff = !e.data.on;
  },

  'review.completed': (s, _e, at) => {
    const open = openDeadlines(s).filter((d) => d.kind === 'social-review');
    if (open.length === 0) refuse('Aucun réexamen du parcours social n’est attendu.');
    for (const d of open) meet(d, at);
  },

  'partner.resolved': (s, e, at) => {
    const refusal = resolvePathPartnerCall(s, e.data.call, e.data.action, at, e.by ?? null);
    if (refusal) refuse(refusal);
  },

  'letter.sent': letterSent,
  'letter.received': letterReceived,

  'rights.ended': (s, e, at) => {
    const pcd = e.data.reason === 'pcd-decision' ? pcdEndRefusal(s) : null;
    if (pcd) refuse(pcd);
    const running = currentSanction(s);
    if (running) {
      running.endedAt = at.toISOString();
      running.endedBy = 'exit';
    }
    s.procedure = null;
    dropOpen(s, at);
    s.exit = { at: at.toISOString(), reason: e.data.reason };
    s.status = 'closed';
    moveTo(s, 'closed', at, e.type);
  },
};

export type { PathOptions };
export { PathRefusal, intensiveMonths, openDeadlines, currentSanction, endProcedure, moveTo };
