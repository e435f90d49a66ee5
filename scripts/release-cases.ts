/**
 * The representative runs of scripts/record-release-histories.ts: what happens
 * to each recorded path and grant cycle, step by step. Data only, so that adding
 * a case is adding an entry (test/histories/README.md).
 */
import type { FaultSpec } from '../dev/simulators/server.js';
import type { PathEventInput } from '../domain/path/path-events.js';
import type { OrientationDecision, PathInput } from '../domain/path/path.js';
import {
  completeMilestoneUpdate,
  denounceUpdate,
  recordFunderDecisionUpdate,
  recordPaymentUpdate,
  recordRepaymentOrderUpdate,
  resolvePartnerCallUpdate,
  submitReportUpdate,
} from '../workflows/grants/grant.js';

// ─── Paths ──────────────────────────────────────────────────────────────────

export type PathStep =
  | { wait: string }
  | { event: PathEventInput; signal?: boolean }
  | { orient: OrientationDecision }
  | { fault: FaultSpec };

/** A representative path: its input and what happens to it, step by step. */
export interface PathCase {
  input: Omit<PathInput, 'beneficiaryId' | 'rightsOpenedAt'>;
  steps: PathStep[];
  /** Recorded: the first run, which ends by continuing as new (its history limit is low). */
  continued?: boolean;
}

/** `day(n)`: the instant n days after the case starts (each case opens the right at its start). */
export type Day = (days: number, hours?: number) => string;

const orientation = { track: 'socio-professional', organisation: 'cd62', referent: 'ref-42' } as const;

export const pathCases: Record<string, (day: Day) => PathCase> = {
  // Every step, a partner's refused message, a sanction ended by remobilisation, the exit.
  full: (day): PathCase => ({
    input: { territory: 'audomarois', household: { size: 2, majore: false } },
    steps: [
      { wait: '4 days' },
      { event: { type: 'orientation.decided', data: orientation } },
      { event: { type: 'appointment.scheduled', data: { at: day(18, 1) } }, signal: true },
      { event: { type: 'activity.declared', data: { hours: 3 } }, signal: true },
      { wait: '15 days' },
      { event: { type: 'appointment.attended', data: {} }, signal: true },
      { event: { type: 'diagnostic.completed', data: { barriers: ['mobility'] } } },
      { wait: '5 days' },
      { event: { type: 'contract.signed', data: { weeklyHours: 15, intensive: true } } },
      { wait: '40 days' },
      { event: { type: 'breach.reported', data: { kind: 'obligations' } } },
      { wait: '12 days' },
      { event: { type: 'sanction.decided', data: { rate: 0.5, months: 2 } } },
      { wait: '20 days' },
      { event: { type: 'compliance.resumed', data: {} } },
      { event: { type: 'interview.held', data: {} } },
      { wait: '30 days' },
      { event: { type: 'rights.ended', data: { reason: 'job' } }, signal: true },
    ],
  }),
  // Every change recorded in the read model; the orientation through the `orient` Update; a
  // sanction proposed by a partner.
  'read-model': (): PathCase => ({
    input: { territory: 'montreuillois' },
    steps: [
      { wait: '2 days' },
      { orient: { ...orientation, decidedBy: 'agent-3' } },
      { wait: '20 days' },
      { event: { type: 'contract.signed', data: { weeklyHours: 15, intensive: false } } },
      {
        event: { type: 'sanction.proposed', data: { kind: 'obligations', rate: 0.3, months: 1 } },
        signal: true,
      },
      { wait: '20 days' },
      { event: { type: 'compliance.resumed', data: {} } },
      { wait: '1 day' },
      { event: { type: 'rights.ended', data: { reason: 'moved-out' } }, signal: true },
    ],
  }),
  // Acts arriving while the read model is being written, reminders switched off, deadlines passing.
  'acts-during-writes': (): PathCase => ({
    input: { territory: 'audomarois' },
    steps: [
      { event: { type: 'orientation.decided', data: orientation } },
      { event: { type: 'appointment.attended', data: {} }, signal: true },
      { event: { type: 'diagnostic.completed', data: { barriers: [] } } },
      { wait: '3 days' },
      { event: { type: 'reminders.switched', data: { on: false } } },
      { wait: '40 days' },
      { event: { type: 'rights.ended', data: { reason: 'job' } }, signal: true },
    ],
  }),
  // Calls to France Travail, the CAF and the appointments service; a refusal turned into a task
  // and sent again; a duplicate partner event.
  partners: (day): PathCase => ({
    input: { territory: 'audomarois', household: { size: 1, majore: false } },
    steps: [
      { wait: '3 days' },
      { event: { type: 'orientation.decided', data: orientation } },
      { wait: '1 hour' },
      { event: { type: 'appointment.scheduled', by: 'agent-7', data: { at: day(18, 1) } } },
      { wait: '15 days' },
      {
        event: { type: 'appointment.attended', id: 'RDV-EVT-1', by: 'rdv-insertion', data: {} },
        signal: true,
      },
      {
        event: { type: 'appointment.attended', id: 'RDV-EVT-1', by: 'rdv-insertion', data: {} },
        signal: true,
      },
      { event: { type: 'diagnostic.completed', data: { barriers: [] } } },
      { event: { type: 'contract.signed', data: { weeklyHours: 15, intensive: false } } },
      { wait: '10 days' },
      { event: { type: 'breach.reported', data: { kind: 'obligations' } } },
      { wait: '12 days' },
      {
        fault: {
          partner: 'caf',
          route: 'suspendAllocation',
          kind: 'status',
          status: 422,
          message: 'dossier inconnu',
        },
      },
      { event: { type: 'sanction.decided', data: { rate: 0.3, months: 1 } } },
      { wait: '4 days' },
      { event: { type: 'partner.resolved', data: { call: 'caf-suspension#1', action: 'retry' } } },
      { wait: '1 hour' },
      { event: { type: 'compliance.resumed', data: {} } },
      { wait: '2 days' },
      { event: { type: 'rights.ended', data: { reason: 'job' } }, signal: true },
    ],
  }),
  // A partner's refusal recorded in the read model, then the exit recorded as the path closes.
  'record-at-close': (): PathCase => ({
    input: { territory: 'lens-lievin' },
    steps: [
      {
        fault: {
          partner: 'france-travail',
          route: 'notifyOrientation',
          kind: 'status',
          status: 422,
          message: 'personne inconnue',
        },
      },
      { event: { type: 'orientation.decided', data: orientation } },
      { wait: '1 day' },
      { event: { type: 'rights.ended', data: { reason: 'moved-out' } }, signal: true },
    ],
  }),
  // A low history limit: the first run ends by continuing as new (the next run is closed afterwards).
  'continued-as-new': (): PathCase => ({
    input: { territory: 'lens-lievin', historyLimit: 40 },
    steps: [{ event: { type: 'orientation.decided', data: orientation } }, { wait: '120 days' }],
    continued: true,
  }),
};

// ─── Grant cycles ───────────────────────────────────────────────────────────

/** The grant cycles' clock starts here (the programmes' real dates). */
export const GRANT_START = '2025-10-20T09:00:00+02:00';

/** Each act's Update (workflows/grants/grant.ts). */
export const grantUpdates = {
  complete: completeMilestoneUpdate,
  payment: recordPaymentUpdate,
  report: submitReportUpdate,
  denounce: denounceUpdate,
  resolve: resolvePartnerCallUpdate,
  'repayment-order': recordRepaymentOrderUpdate,
  'funder-decision': recordFunderDecisionUpdate,
} as const;

export type GrantStep =
  | { at: string; act: keyof typeof grantUpdates; args: Record<string, unknown> }
  | { at: string; fault: FaultSpec };

/** A representative cycle: its programme and its acts, each at its instant (all run on one clock). */
export interface GrantCase {
  grantId: string;
  programme: string;
  steps: GrantStep[];
}

const CNSA_PIECES = ['deliberation', 'annexe-1', 'annexe-3', 'annexe-4', 'annexe-5'];

export const grantCases: Record<string, GrantCase> = {
  // Reminders across the end of summer time, no transmission by 15/12/2025 17:00: not admissible.
  'cnsa-not-admissible': {
    grantId: 'REC-CNSA',
    programme: 'cnsa-ami-2026',
    steps: [
      {
        at: '2025-11-20T10:00:00+01:00',
        act: 'complete',
        args: { milestone: 'application', pieces: ['annexe-1', 'annexe-2'] },
      },
      { at: '2025-11-24T15:00:00+01:00', act: 'complete', args: { milestone: 'committee-opinions' } },
      { at: '2025-12-08T16:00:00+01:00', act: 'complete', args: { milestone: 'vote' } },
    ],
  },
  // Admissible: the portal refuses the application (a task for the grants team), sent again; the
  // deliberation to the préfecture's contrôle de légalité; decision, payment, compte rendu financier.
  'cnsa-transmitted': {
    grantId: 'REC-CNSA-OK',
    programme: 'cnsa-ami-2026',
    steps: [
      {
        at: '2025-11-20T10:00:00+01:00',
        act: 'complete',
        args: { milestone: 'application', pieces: ['annexe-1', 'annexe-2'] },
      },
      { at: '2025-11-24T15:00:00+01:00', act: 'complete', args: { milestone: 'committee-opinions' } },
      { at: '2025-12-08T16:00:00+01:00', act: 'complete', args: { milestone: 'vote' } },
      {
        at: '2025-12-10T10:00:00+01:00',
        fault: { partner: 'cnsa', kind: 'status', status: 422, message: 'annexe 1 non signée' },
      },
      {
        at: '2025-12-10T10:00:00+01:00',
        act: 'complete',
        args: { milestone: 'transmission', pieces: CNSA_PIECES, by: 'agent-2' },
      },
      {
        at: '2025-12-11T10:00:00+01:00',
        act: 'resolve',
        args: { call: 'cnsa-application', action: 'retry', by: 'agent-2' },
      },
      {
        at: '2025-12-15T10:00:00+01:00',
        act: 'complete',
        args: { milestone: 'prefecture-transmission', reference: 'CD-2025-118' },
      },
      { at: '2026-02-02T10:00:00+01:00', act: 'funder-decision', args: { amount: 200_000 } },
      { at: '2026-03-02T10:00:00+01:00', act: 'payment', args: { kind: 'grant', amount: 200_000 } },
      { at: '2027-06-30T10:00:00+02:00', act: 'report', args: { kind: 'financial', spent: 200_000 } },
    ],
  },
  // Advance at signature; interim report below the advance; the State's ordre de reversement
  // (repayment due two months after it), repaid; final report.
  'cie-repayment': {
    grantId: 'REC-CIE',
    programme: 'etat-cie-2025-2027',
    steps: [
      { at: '2025-10-21T10:00:00+02:00', act: 'complete', args: { milestone: 'convention-signature' } },
      { at: '2025-10-30T10:00:00+01:00', act: 'payment', args: { kind: 'advance', amount: 3_074_514 } },
      { at: '2026-06-15T10:00:00+02:00', act: 'report', args: { kind: 'interim', spent: 2_500_000 } },
      { at: '2026-06-16T10:00:00+02:00', act: 'repayment-order', args: { reference: 'OR-2026-0042' } },
      { at: '2026-08-03T10:00:00+02:00', act: 'payment', args: { kind: 'repayment', amount: 574_514 } },
      {
        at: '2028-06-01T10:00:00+02:00',
        act: 'complete',
        args: { milestone: 'final-report', pieces: ['bilan-mise-en-oeuvre', 'bilan-financier'] },
      },
    ],
  },
  // Renewals caught up since 2023, acts backdated, denounced in December 2025: ends on 31/12/2025.
  'ft-denounced': {
    grantId: 'REC-FT',
    programme: 'ft-conseillers-autonomie-2023',
    steps: [
      {
        at: '2025-10-20T10:00:00+02:00',
        act: 'complete',
        args: { milestone: 'convention-signature', at: '2023-01-05T10:00:00+01:00' },
      },
      {
        at: '2025-10-20T10:00:00+02:00',
        act: 'complete',
        args: { milestone: 'funds-call', at: '2023-01-20T10:00:00+01:00', pieces: ['appel-de-fonds'] },
      },
      {
        at: '2025-10-20T10:00:00+02:00',
        act: 'payment',
        args: { kind: 'balance', amount: 198_000, at: '2023-02-01T10:00:00+01:00' },
      },
      { at: '2025-12-10T10:00:00+01:00', act: 'denounce', args: { by: 'dga' } },
    ],
  },
};
