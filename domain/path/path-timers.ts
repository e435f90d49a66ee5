/**
 * What the path does when time passes: reminders before each deadline, the
 * breach at its end, an escalation at the next business opening, the end of an
 * intensive accompaniment or of a suspension. Pure: the workflow sleeps until
 * the first of these, then fires it.
 */
import { nextBusinessOpening } from '../holidays.js';
import { followUpActions } from './follow-up.js';
import type { DeadlineRecord, PathState } from './path.js';
import { currentSanction, endProcedure, openDeadlines, type PathOptions } from './path-machine.js';
import { deadlineAfter } from './deadlines.js';
import { nextOpening, openDeadline, queueMessage } from './path-steps.js';
import { notConcernedRefusal } from './path-law.js';
import { nationalRulesAt } from './national-rules.js';
import { suspensionEnd } from './sanctions.js';
import { partnerFacts, queuePathPartnerCalls } from './path-partners.js';
import { getPolicy, type DeadlineFollowUp, type Policy, type Role } from '../policy.js';

export type TimedAction =
  | {
      id: string;
      at: Date;
      kind: 'message';
      to: string;
      template: string;
      deadline: string;
      ifOpen: boolean;
      data?: Record<string, string>;
    }
  | { id: string; at: Date; kind: 'breach'; deadline: string }
  | { id: string; at: Date; kind: 'intensive-end' }
  | { id: string; at: Date; kind: 'suspension-end' }
  | { id: string; at: Date; kind: 'proposal-lapse'; deadline: string }
  | { id: string; at: Date; kind: 'appeal-lapse'; deadline: string };

/** A message the workflow must send, already recorded in the state. */
export interface OutgoingMessage {
  key: string;
  recipient: { role: Role } | { referent: string };
  template: string;
  data: Record<string, string>;
}

interface FollowUpRule {
  followUp: DeadlineFollowUp;
  reminder: string;
  escalation: string;
}

function followUpRule(kind: string, policy: Policy): FollowUpRule | null {
  const of = (
    followUp: DeadlineFollowUp,
    subject: string,
    reminder = `reminder.${subject}`,
  ): FollowUpRule => ({
    followUp,
    reminder,
    escalation: `escalation.${subject}`,
  });
  switch (kind) {
    case 'orientation.local':
      return of(policy.orientation.targetFollowUp, 'orientation');
    case 'orientation.legal':
      return of(policy.orientation.legalFollowUp, 'orientation');
    case 'first-appointment':
      return of(policy.firstAppointment.followUp, 'first-appointment');
    case 'contract':
    case 'contract.stock':
      return of(policy.contract.followUp, 'contract');
    case 'interviews':
      return of(policy.intensive.interviewsFollowUp, 'interviews', 'warning.interviews');
    case 'social-review':
      return of(policy.socialReview.followUp, 'social-review');
    case 'removal':
      // The PCD follows France Travail's answer up, then may end the right (L262-37 III).
      return of(
        { remindDaysBefore: [7], remind: policy.sanctions.decide, escalate: 'head-of-service' },
        'removal',
      );
    default:
      return null;
  }
}

/** The référent's reminders follow their organisation's cadence, when the policy gives one. */
export function organisationFollowUp(
  followUp: DeadlineFollowUp,
  policy: Policy,
  organisation: string | undefined,
): DeadlineFollowUp {
  const cadence = organisation === undefined ? undefined : policy.reminderCadence[organisation];
  if (!cadence || followUp.remind !== 'referent') return followUp;
  return { ...followUp, remindDaysBefore: cadence };
}

function deadlineActions(d: DeadlineRecord, policy: Policy, organisation?: string): TimedAction[] {
  const dueAt = new Date(d.dueAt);
  const justAfter = new Date(dueAt.getTime() + 1);
  if (d.kind === 'observations') {
    // The person's window, not an obligation: when it closes, a decision may be taken.
    return [
      {
        id: `${d.id}:closed`,
        at: nextBusinessOpening(justAfter, policy.businessHours),
        kind: 'message',
        to: policy.sanctions.decide,
        template: 'decision.sanction',
        deadline: d.id,
        ifOpen: true,
      },
    ];
  }
  if (d.kind === 'france-travail-proposal') {
    // Unanswered, France Travail pronounces the suspension it proposed (L262-37 IV).
    return [{ id: `${d.id}:lapse`, at: justAfter, kind: 'proposal-lapse', deadline: d.id }];
  }
  if (d.kind === 'appeal') {
    // The PCD's silence for 2 months is an implicit rejection of the appeal (docs/rules.md §1).
    return [{ id: `${d.id}:lapse`, at: justAfter, kind: 'appeal-lapse', deadline: d.id }];
  }
  const rule = followUpRule(d.kind, policy);
  if (!rule) return [];
  const actions: TimedAction[] = [];
  if (!d.breached) actions.push({ id: `${d.id}:breach`, at: justAfter, kind: 'breach', deadline: d.id });
  const followUp = organisationFollowUp(rule.followUp, policy, organisation);
  for (const f of followUpActions({ kind: d.id, dueAt }, d.kind, followUp, policy.businessHours)) {
    const template = f.kind === 'reminder' ? rule.reminder : rule.escalation;
    actions.push({ id: f.id, at: f.at, kind: 'message', to: f.to, template, deadline: d.id, ifOpen: true });
    if (f.kind === 'escalation' && d.kind === 'orientation.legal') {
      // Past the legal limit, France Travail orients the person (CASF D262-65-2).
      const to = nationalRulesAt(dueAt).orientation.defaultOrganisationAfterLimit;
      actions.push({
        id: `${d.id}:transfer`,
        at: f.at,
        kind: 'message',
        to,
        template: 'transfer.orientation',
        deadline: d.id,
        ifOpen: true,
      });
    }
  }
  return actions;
}

/** The messages events decided (handled ones included: callers filter). */
export function outboxActions(s: PathState): Extract<TimedAction, { kind: 'message' }>[] {
  return s.outbox.map((m) => ({
    id: m.id,
    at: new Date(m.at),
    kind: 'message',
    to: m.to,
    template: m.template,
    deadline: m.deadline,
    ifOpen: false,
    ...(m.data ? { data: m.data } : {}),
  }));
}

/** Every timed action not yet handled, earliest first. */
export function timedActions(s: PathState, options: PathOptions = {}): TimedAction[] {
  if (s.status === 'closed') return [];
  const policy = getPolicy(s.policy);
  // A 1.0 path keeps the cadence it was reminded on (docs/architecture.md, patched()).
  const organisation = (options.law ?? true) ? s.orientation?.organisation : undefined;
  const actions: TimedAction[] = openDeadlines(s).flatMap((d) => deadlineActions(d, policy, organisation));
  actions.push(...outboxActions(s));
  const a = s.accompaniment;
  if (a?.intensity === 'intensive' && a.intensiveEndsAt)
    actions.push({
      id: `intensive-end@${a.startedAt}`,
      at: new Date(Date.parse(a.intensiveEndsAt) + 1),
      kind: 'intensive-end',
    });
  const running = currentSanction(s);
  if (running)
    actions.push({
      id: `sanction@${running.decidedAt}:term`,
      at: new Date(running.endsAt),
      kind: 'suspension-end',
    });
  const handled = new Set(s.handled);
  return actions
    .filter((x) => !handled.has(x.id))
    .sort((x, y) => x.at.getTime() - y.at.getTime() || x.id.localeCompare(y.id));
}

/**
 * Fires a due action, in place: marks it handled, records what changed and
 * returns the message to send, if any. `firedAt` is the action's own instant
 * when on time, else now. A reminder for a deadline already met or passed is
 * pointless and skipped.
 */
export function fireTimedAction(
  s: PathState,
  action: TimedAction,
  firedAt: Date,
  options: PathOptions = {},
): OutgoingMessage | null {
  const before = partnerFacts(s);
  const message = fire(s, action, firedAt, options.law ?? true);
  queuePathPartnerCalls(s, before, action.at);
  return message;
}

function fire(s: PathState, action: TimedAction, firedAt: Date, law: boolean): OutgoingMessage | null {
  s.handled.push(action.id);
  switch (action.kind) {
    case 'breach': {
      const d = s.deadlines.find((x) => x.id === action.deadline);
      if (d && d.metAt === null) d.breached = true;
      return null;
    }
    case 'intensive-end':
      return endIntensive(s, action.at);
    case 'suspension-end':
      return endSuspension(s, action.at, firedAt, law);
    case 'proposal-lapse':
      return franceTravailPronounces(s, action.at);
    case 'appeal-lapse':
      return implicitRejection(s, action.deadline, action.at);
    case 'message':
      return message(s, action, firedAt);
  }
}

function message(
  s: PathState,
  action: Extract<TimedAction, { kind: 'message' }>,
  firedAt: Date,
): OutgoingMessage | null {
  const d = s.deadlines.find((x) => x.id === action.deadline);
  if (action.ifOpen) {
    if (!d || d.metAt !== null) return null;
    const isReminder = action.id.includes(':reminder:');
    if (isReminder && firedAt.getTime() > Date.parse(d.dueAt)) return null;
    if (isReminder && s.remindersOff) return null;
  }
  const referent = s.orientation?.referent;
  const recipient: OutgoingMessage['recipient'] =
    action.to === 'referent' && referent ? { referent } : { role: action.to as Role };
  const to: string = 'referent' in recipient ? recipient.referent : recipient.role;
  s.notifications.push({
    id: action.id,
    at: firedAt.toISOString(),
    to,
    template: action.template,
    deadline: d?.kind ?? action.deadline,
  });
  return {
    key: action.id,
    recipient,
    template: action.template,
    data: {
      beneficiaryId: s.beneficiaryId,
      territory: s.territory,
      deadline: d?.kind ?? action.deadline,
      dueAt: d?.dueAt ?? firedAt.toISOString(),
      ...(d?.period ? { period: d.period } : {}),
      ...(referent ? { referent } : {}),
      ...action.data,
    },
  };
}

function franceTravailPronounces(s: PathState, at: Date): null {
  const procedure = s.procedure;
  if (s.step !== 'sanction-procedure' || !procedure?.proposal) return null;
  // Recorded as outside the droits et devoirs meanwhile (a new event, never in a 1.0 path): no sanction.
  if (notConcernedRefusal(s)) {
    endProcedure(s, at, 'sanction.proposal-void');
    return null;
  }
  s.sanctions.push({
    breach: procedure.breach,
    decidedBy: 'france-travail',
    decidedAt: at.toISOString(),
    rate: procedure.proposal.rate,
    months: procedure.proposal.months,
    suppression: false,
    repetition: procedure.repetition,
    endsAt: suspensionEnd(at, procedure.proposal.months).toISOString(),
    endedAt: null,
    endedBy: null,
    repayment: null,
  });
  s.step = 'suspension';
  s.history.push({
    at: at.toISOString(),
    step: 'suspension',
    event: 'sanction.pronounced-by-france-travail',
  });
  return null;
}

function endIntensive(s: PathState, at: Date): null {
  if (!s.accompaniment) return null;
  s.accompaniment.intensity = 'standard';
  if (s.step === 'intensive-accompaniment') {
    s.step = 'accompaniment';
    s.history.push({ at: at.toISOString(), step: 'accompaniment', event: 'intensive.ended' });
  } else if (s.procedure?.resumeStep === 'intensive-accompaniment') {
    s.procedure.resumeStep = 'accompaniment';
  }
  return null;
}

/** Silence on an appeal for 2 months: an implicit rejection, until an explicit answer comes. */
function implicitRejection(s: PathState, deadline: string, at: Date): null {
  const d = s.deadlines.find((x) => x.id === deadline);
  if (!d || d.metAt !== null) return null;
  d.breached = true;
  const sanction = s.sanctions.find((x) => x.appeal?.answerDue === d.dueAt && x.appeal.outcome === null);
  if (sanction?.appeal) sanction.appeal.outcome = 'implicit-rejection';
  s.history.push({ at: at.toISOString(), step: s.step, event: 'appeal.implicit-rejection' });
  return null;
}

function endSuspension(s: PathState, at: Date, firedAt: Date, law: boolean): OutgoingMessage | null {
  const running = currentSanction(s);
  if (!running) return null;
  running.endedAt = at.toISOString();
  running.endedBy = 'term';
  endProcedure(s, at, 'suspension.ended');
  const scales = nationalRulesAt(new Date(running.decidedAt)).sanctions;
  const total = running.suppression && running.rate >= 1;
  if (!scales || !total || running.months < scales.removalProposalAfterMonths) return null;
  // Total suppression for 4 months: the PCD proposes removal from the job-seekers' list (L262-37 III).
  if (law) {
    // In business hours, with a follow-up of France Travail's answer (docs/rules.md §1).
    const policy = getPolicy(s.policy);
    const proposedAt = nextOpening(at, policy);
    s.removal = { proposedAt, answeredAt: null, removed: null };
    const followUp = openDeadline(
      s,
      'removal',
      deadlineAfter(new Date(proposedAt), policy.sanctions.removalFollowUp),
    );
    queueMessage(s, {
      // Not `sanction@…`: that id leaves `handled` with the sanction, and the message would go again.
      id: `removal@${running.decidedAt}`,
      at: proposedAt,
      to: 'france-travail',
      template: 'proposal.removal',
      deadline: followUp.id,
    });
    return null;
  }
  return message(
    s,
    {
      id: `sanction@${running.decidedAt}:removal`,
      at,
      kind: 'message',
      to: 'france-travail',
      template: 'proposal.removal',
      deadline: 'sanction',
      ifOpen: false,
    },
    firedAt,
  );
}
