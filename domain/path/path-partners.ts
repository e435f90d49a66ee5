/**
 * What a beneficiary's path tells the partner systems, decided from what an
 * event or a timer changed: an orientation registers the person with France
 * Travail, a signed contract goes to France Travail, a sanction suspends the
 * allocation at the CAF (and France Travail learns the Département's decision),
 * a sanction ended early restores it, a first appointment fixed by a person is
 * sent to the appointments service as a convocation. Pure: the workflow sends
 * what is queued here (`state.partnerCalls`) beside its loop.
 */
import { civilDateOf } from '../calendar.js';
import {
  failedPartnerCalls,
  partnerOperationLabels,
  queuePartnerCall,
  resolvePartnerCall,
  type PartnerCall,
} from '../partner-calls.js';
import type { PathState, QueuedMessage } from './path.js';
import { nextBusinessOpening } from '../holidays.js';
import { getPolicy } from '../policy.js';

/** Who the appointments service signs its callbacks as: its own convocations are not sent back to it. */
export const APPOINTMENTS_SERVICE = 'rdv-insertion';

/** What the partners were last told about, to see what an event changed. */
export interface PartnerFacts {
  orientations: number;
  contractSignedAt: string | null;
  sanctions: number;
  endedEarly: number;
  scheduledAt: string | null;
}

const endedEarly = (s: PathState) =>
  s.sanctions.filter((x) => x.endedBy !== null && x.endedBy !== 'term').length;

export function partnerFacts(s: PathState): PartnerFacts {
  return {
    orientations: s.orientation ? s.reorientations.length + 1 : 0,
    contractSignedAt: s.contract?.signedAt ?? null,
    sanctions: s.sanctions.length,
    endedEarly: endedEarly(s),
    scheduledAt: s.appointment.scheduledAt,
  };
}

/** Queues the calls owed for what changed since `before` (in place). */
export function queuePathPartnerCalls(s: PathState, before: PartnerFacts, at: Date): void {
  const calls = (s.partnerCalls ??= []);
  const now = partnerFacts(s);
  const id = s.beneficiaryId;
  if (s.orientation && now.orientations > before.orientations) {
    const o = s.orientation;
    queuePartnerCall(
      calls,
      {
        id: `france-travail-orientation#${now.orientations}`,
        operation: 'france-travail.orientation',
        request: {
          beneficiaryId: id,
          track: o.track,
          organisation: o.organisation,
          referent: o.referent,
          decidedAt: o.decidedAt,
        },
      },
      at,
    );
  }
  if (s.contract && now.contractSignedAt !== before.contractSignedAt) {
    queuePartnerCall(
      calls,
      {
        id: `france-travail-contract@${s.contract.signedAt}`,
        operation: 'france-travail.contract',
        request: {
          beneficiaryId: id,
          signedAt: s.contract.signedAt,
          weeklyHours: s.contract.weeklyHours,
          intensive: s.contract.intensive,
        },
      },
      at,
    );
  }
  queueSanctionCalls(s, before, now, at);
  const last = s.journal[s.journal.length - 1];
  const byService = last?.event === 'appointment.scheduled' && last.by === APPOINTMENTS_SERVICE;
  if (s.orientation && now.scheduledAt && now.scheduledAt !== before.scheduledAt && !byService)
    queuePartnerCall(
      calls,
      {
        id: `rdv-convocation@${now.scheduledAt}`,
        operation: 'rdv.convocation',
        request: { beneficiaryId: id, referent: s.orientation.referent, at: now.scheduledAt },
      },
      at,
    );
}

/** A sanction owes the CAF its suspension and France Travail its decision; one lifted early, its restoration. */
function queueSanctionCalls(s: PathState, before: PartnerFacts, now: PartnerFacts, at: Date): void {
  const calls = (s.partnerCalls ??= []);
  const id = s.beneficiaryId;
  s.sanctions.slice(before.sanctions).forEach((x, i) => {
    const n = before.sanctions + i + 1;
    const from = civilDateOf(new Date(x.decidedAt));
    const measure = { rate: x.rate, months: x.months };
    queuePartnerCall(
      calls,
      {
        id: `caf-suspension#${n}`,
        operation: 'caf.suspension',
        request: { beneficiaryId: id, ...measure, from },
      },
      at,
    );
    // France Travail pronounced it itself: it knows.
    if (x.decidedBy !== 'france-travail')
      queuePartnerCall(
        calls,
        {
          id: `france-travail-sanction#${n}`,
          operation: 'france-travail.sanction-decision',
          request: { beneficiaryId: id, decidedAt: x.decidedAt, ...measure, from },
        },
        at,
      );
  });
  if (now.endedEarly > before.endedEarly)
    s.sanctions.forEach((x, i) => {
      if (x.endedBy === null || x.endedBy === 'term' || !x.endedAt) return;
      queuePartnerCall(
        calls,
        {
          id: `caf-restoration#${i + 1}`,
          operation: 'caf.restoration',
          request: { beneficiaryId: id, from: civilDateOf(new Date(x.endedAt)) },
        },
        at,
      );
    });
}

/**
 * A partner refused a call for good: operations are told at the next business
 * opening (the message goes through the path's outbox, never twice).
 */
export function partnerFailureMessage(s: PathState, call: PartnerCall, at: Date): void {
  const policy = getPolicy(s.policy);
  const message: QueuedMessage = {
    id: `partner-failed:${call.id}#${call.attempt}`,
    at: nextBusinessOpening(at, policy.businessHours).toISOString(),
    to: 'head-of-service',
    template: 'partner.failed',
    deadline: 'partner',
    data: {
      operation: partnerOperationLabels[call.operation],
      call: call.id,
      error: call.error ?? '',
    },
  };
  if (!s.outbox.some((m) => m.id === message.id)) s.outbox.push(message);
}

/** A person's decision on a failed call; the French reason it is refused, or null. */
export function resolvePathPartnerCall(
  s: PathState,
  id: string,
  action: 'retry' | 'handled',
  at: Date,
  by: string | null,
): string | null {
  return resolvePartnerCall((s.partnerCalls ??= []), id, action, at, by);
}

export const partnerTasks = (s: PathState): PartnerCall[] => failedPartnerCalls(s.partnerCalls);
