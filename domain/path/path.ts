/**
 * The beneficiary path (parcours RSA): its inputs and the state its workflow
 * exposes. Shared by workflows, CLI, simulation and web app. The events that move
 * it are in ./path-events.ts, the transitions in ./path-machine.ts.
 */
import { z } from '../validation.js';
import { civilDateSchema } from '../calendar.js';
import {
  agentIdSchema,
  organisationCodeSchema,
  policyIdSchema,
  pseudonymousIdSchema,
  referentCodeSchema,
  territoryCodeSchema,
} from '../ids.js';
import { pathInstantSchema } from './path-events.js';
import { trackSchema, type Track } from './path-track.js';
import type { PlanItem } from './activity-plan.js';
import type { PartnerCall } from '../partner-calls.js';
import type { LetterRecord } from './letter-kinds.js';

export { trackSchema, type Track };

export const householdSchema = z
  .object({
    size: z
      .number()
      .int('taille du foyer : entier positif attendu')
      .positive('taille du foyer : entier positif attendu')
      .max(99, 'taille du foyer : 99 personnes au plus'),
    majore: z.boolean(),
  })
  .strict();
export type Household = z.infer<typeof householdSchema>;

export const pathInputSchema = z
  .object({
    beneficiaryId: pseudonymousIdSchema,
    policy: policyIdSchema.default('pas-de-calais'),
    rightsOpenedAt: z.iso
      .datetime({
        offset: true,
        message: 'date d’ouverture du droit : instant ISO-8601 attendu',
      })
      .refine(
        (s) => pathInstantSchema.safeParse(s).success,
        'date d’ouverture du droit : entre 2000 et 2099 attendue',
      ),
    territory: territoryCodeSchema,
    household: householdSchema.default({ size: 1, majore: false }),
    /** Start of an accompaniment that predates Jalons (the « stock » of décret 2024-1244). */
    accompaniedSince: civilDateSchema.optional(),
    /** State carried over by continue-as-new (never set by a person). */
    carried: z.custom<PathState>((v) => typeof v === 'object' && v !== null).optional(),
    /** History length after which the workflow continues as new (tests lower it). */
    historyLimit: z.number().int().positive().max(51_200).optional(),
  })
  .strict();
export type PathInput = z.input<typeof pathInputSchema>;

/** The v1 `orient` Update's argument (still accepted; same as an `orientation.decided` event). */
export const orientationDecisionSchema = z
  .object({
    track: trackSchema,
    organisation: organisationCodeSchema,
    referent: referentCodeSchema,
    /** Date of the decision; defaults to now. */
    decidedAt: pathInstantSchema.optional(),
    decidedBy: agentIdSchema.optional(),
  })
  .strict();
export type OrientationDecision = z.input<typeof orientationDecisionSchema>;

export const pathSteps = [
  'orientation',
  'first-appointment',
  'diagnostic',
  'contract',
  'intensive-accompaniment',
  'accompaniment',
  'sanction-procedure',
  'suspension',
  'closed',
] as const;
export type PathStep = (typeof pathSteps)[number];

/** Every deadline a path opens (docs/rules.md): a new one gets its labels (./labels.ts) or nothing compiles. */
export const deadlineKinds = [
  'orientation.local',
  'orientation.legal',
  'first-appointment',
  'contract',
  'contract.stock',
  'interviews',
  'social-review',
  'observations',
  'france-travail-proposal',
  // The PCD's 2 months to answer an appeal (silence = implicit rejection, docs/rules.md §1).
  'appeal',
  // France Travail's answer to a proposal of removal, after 4 months of total suppression.
  'removal',
] as const;
export type DeadlineKind = (typeof deadlineKinds)[number];

export interface DeadlineRecord {
  /** Unique in the path: `<kind>#<n>` (a kind recurs after a réorientation). */
  id: string;
  kind: string;
  dueAt: string;
  metAt: string | null;
  breached: boolean;
  /** Calendar month a monthly deadline covers (`YYYY-MM`). */
  period?: string;
  /** No longer awaited since then (réorientation, exit). */
  cancelledAt?: string;
}

export interface NotificationRecord {
  id: string;
  at: string;
  /** A role, or the référent's pseudonymous id. */
  to: string;
  template: string;
  deadline: string;
  /** Set when the message could not be delivered (permanent refusal). */
  failed?: string;
}

/** A message to send at a given instant, decided by an event rather than a deadline. */
export interface QueuedMessage {
  id: string;
  at: string;
  /** A role (`referent` = the path's référent). */
  to: string;
  template: string;
  deadline: string;
  /** What the template needs beyond the path's own fields. */
  data?: Record<string, string>;
}

export interface OrientationRecord {
  track: Track;
  organisation: string;
  referent: string;
  decidedAt: string;
  decidedBy: string | null;
  reason?: string;
}

export interface SanctionRecord {
  breach: 'contract-refusal' | 'obligations';
  /** Who pronounced it: the PCD, or France Travail on its own proposal left unanswered. */
  decidedBy?: 'departement' | 'france-travail';
  decidedAt: string;
  rate: number;
  months: number;
  suppression: boolean;
  repetition: boolean;
  endsAt: string;
  endedAt: string | null;
  endedBy: 'term' | 'remobilisation' | 'reorientation' | 'exit' | 'appeal' | null;
  /** Suspended allocation to pay back after a remobilisation (policy) or an annulment. */
  repayment: { from: string; to: string } | null;
  /** The EP's avis the decision was taken on (paths under the current procedure). */
  epAvis?: EpAvis | null;
  /** The RAPO against this decision, if any (docs/rules.md §1 « Recours »). */
  appeal?: AppealRecord | null;
}

export interface EpAvis {
  at: string;
  favourable: boolean;
  text: string;
}

export interface AppealRecord {
  filedAt: string;
  /** The PCD's answer is due by then; silence past it is an implicit rejection. */
  answerDue: string;
  answeredAt: string | null;
  outcome: 'upheld' | 'annulled' | 'reduced' | 'implicit-rejection' | null;
  /** The decision before a reduction, for the audit. */
  before?: { rate: number; months: number; suppression: boolean };
  text?: string;
}

export interface SanctionProcedure {
  breach: 'contract-refusal' | 'obligations';
  /** A France Travail proposal (L262-37 IV): the PCD may decide himself before `responseDue`. */
  proposal?: { rate: number; months: number; responseDue: string } | null;
  reportedAt: string;
  receivedAt: string;
  observationsDue: string;
  observationsReceivedAt: string | null;
  repetition: boolean;
  /** Where the path goes back to when the procedure or suspension ends. */
  resumeStep: PathStep;
  /** The person asked to be heard: the decision waits until the hearing is held. */
  hearing?: { requestedAt: string; at: string; heldAt: string | null; attended?: boolean } | null;
  /** The person waived the rest of the 10 days in writing. */
  waivedAt?: string | null;
  /** Referral to the équipe pluridisciplinaire, its meeting and its avis. */
  ep?: { referredAt: string; meetingAt: string; avis: EpAvis | null } | null;
}

export interface PathState {
  beneficiaryId: string;
  policy: string;
  territory: string;
  household: Household;
  step: PathStep;
  status: 'active' | 'closed';
  rightsOpenedAt: string;
  orientation: OrientationRecord | null;
  reorientations: OrientationRecord[];
  appointment: {
    scheduledAt: string | null;
    attendedAt: string | null;
    missed: { at: string; excused: boolean }[];
  };
  diagnostic: { completedAt: string; barriers: string[] } | null;
  contract: {
    signedAt: string;
    weeklyHours: number;
    intensive: boolean;
    reduction: string | null;
    exemption: string | null;
    /** The weekly activity plan, when one was given (domain/path/activity-plan.ts). */
    plan?: PlanItem[];
  } | null;
  accompaniment: {
    intensity: 'intensive' | 'standard';
    startedAt: string;
    intensiveEndsAt: string | null;
  } | null;
  interviews: string[];
  activity: { at: string; hours: number }[];
  procedure: SanctionProcedure | null;
  sanctions: SanctionRecord[];
  deadlines: DeadlineRecord[];
  /** Deadlines that stopped mattering (réorientation, exit), kept for the audit. */
  dropped: DeadlineRecord[];
  notifications: NotificationRecord[];
  /** The per-person switch: no reminder about this path while off (escalations still go). */
  remindersOff?: boolean;
  /** Messages an event decided, sent at their instant by the workflow. */
  outbox: QueuedMessage[];
  /** What the partner systems are owed (absent in paths carried from before partners were called). */
  partnerCalls?: PartnerCall[];
  /** Ids of timed actions already handled (sent, skipped or applied): never twice. */
  handled: string[];
  /** Partner events (Signals) the path refused, with the French reason. */
  rejected: { at: string; event: string; error: string }[];
  exit: { at: string; reason: string } | null;
  /** Droits et devoirs (CASF L262-28): concerned or not, since a date (absent: not recorded). */
  duties?: { concerned: boolean; since: string; recordedAt: string } | null;
  /** When the person was told of their rights and duties (first appointment). */
  dutiesInformedAt?: string | null;
  /** France Travail registration (CT L5411-1), as last reported. */
  registration?: { registered: boolean; exemption: string | null; at: string } | null;
  /** France Travail handed the person back for orientation past the 6 weeks. */
  orientationReturnedAt?: string | null;
  /** The proposal of removal from the job-seekers' list after 4 months of total suppression. */
  removal?: { proposedAt: string; answeredAt: string | null; removed: boolean | null } | null;
  history: { at: string; step: PathStep; event?: string }[];
  /** Every event applied, with who recorded it: the audit trail. */
  journal: {
    seq: number;
    at: string;
    event: string;
    by: string | null;
    step: PathStep;
    /** The sender's event id, when it gave one: a second delivery is ignored. */
    ref?: string;
    /** When it was recorded, beside `at` (the instant the act declares): a backdated act shows. */
    recordedAt?: string;
  }[];
  /** Number of events applied; with the workflow id, an idempotency key. */
  seq: number;
  /** The letters sent to the person, with their receipt (docs/courriers.md; absent before issue 20). */
  letters?: LetterRecord[];
  /** Deadlines opened so far (their ids' numbers), kept when closed ones are compacted away. */
  deadlineCount?: number;
  /** Entries removed from each list by compaction (domain/path/path-compaction.ts), and `revision`. */
  compacted?: Record<string, number>;
}
