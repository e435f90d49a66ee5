/**
 * What happens to a beneficiary, as events: a person's act (sent as an Update)
 * or a partner's message (sent as a Signal). The same schemas serve the workflow,
 * the CLI, the web app and `jalons simulate` (docs/architecture.md lists the types).
 */
import { z } from '../validation.js';
import { instantSchema } from '../calendar.js';
import {
  agentIdSchema,
  eventIdSchema,
  organisationCodeSchema,
  partnerCallIdSchema,
  referentCodeSchema,
} from '../ids.js';
import { exemptionReasonSchema } from './national-rules.js';
import { trackSchema } from './path-track.js';
import { planSchema } from './activity-plan.js';
import { cleanText, freeTextSchema } from '../text.js';
import { letterEventData } from './letter-kinds.js';

/** Bounds of a path event (docs/bounds.md lists each with its reason). */
export const pathEventBounds = {
  /** A reason or a motive: a sentence or two, never a document. */
  reasonChars: 500,
  /** Months of a sanction: the scales stop at 4; a typo of 400 is refused here. */
  sanctionMonths: 24,
  /** The revision a person saw (`seen`): far beyond any path's number of events. */
  seenMax: 1_000_000_000,
  /** The avis of the équipe pluridisciplinaire, or the answer to an appeal: a page at most. */
  avisChars: 3000,
  /** Instants: a year of four digits, between these two. */
  firstInstant: '2000-01-01T00:00:00Z',
  lastInstant: '2100-01-01T00:00:00Z',
} as const;

/** An instant in the years a path can live in: « 20260-01-05 » or the year 1 is refused. */
export const pathInstantSchema = instantSchema.refine(
  (d) =>
    d.getTime() >= Date.parse(pathEventBounds.firstInstant) &&
    d.getTime() < Date.parse(pathEventBounds.lastInstant),
  'date entre 2000 et 2099 attendue',
);

/** Barriers (freins) recorded at the diagnostic, after the national orientation criteria. */
export const barrierSchema = z.enum(
  [
    'health',
    'disability',
    'housing',
    'family',
    'mobility',
    'childcare',
    'caregiver',
    'qualification',
    'language',
    'digital',
    'finances',
    'other',
  ],
  {
    error:
      'frein inconnu (health, disability, housing, family, mobility, childcare, caregiver, qualification, language, digital, finances, other)',
  },
);

export const exitReasonSchema = z.enum(
  ['end-of-rights', 'moved-out', 'job', 'death', 'pcd-decision', 'other'],
  {
    error:
      'motif de sortie attendu : end-of-rights, moved-out, job, death, pcd-decision (fin du droit décidée par le président du conseil départemental) ou other',
  },
);

/** What the PCD answers to an appeal (RAPO, docs/rules.md §1 « Recours »). */
export const appealOutcomeSchema = z.enum(['upheld', 'annulled', 'reduced'], {
  error: 'réponse au recours attendue : upheld (maintenue), annulled (annulée) ou reduced (réduite)',
});

/** Exemptions from France Travail's automatic registration (CT L5411-1). */
export const registrationExemptionSchema = z.enum(['retirement-age', 'invalidity'], {
  error:
    'dispense d’inscription attendue : retirement-age (âge du taux plein) ou invalidity (invalidité de 2e ou 3e catégorie)',
});

const orientationData = z
  .object({
    track: trackSchema,
    organisation: organisationCodeSchema,
    referent: referentCodeSchema,
  })
  .strict();

const empty = z.object({}).strict().default({});
const months = z
  .number()
  .int('nombre de mois entier attendu')
  .positive('au moins 1 mois')
  .max(pathEventBounds.sanctionMonths, `au plus ${pathEventBounds.sanctionMonths} mois`);
const hours = z
  .number()
  .nonnegative('nombre d’heures positif attendu')
  .max(80, 'au plus 80 heures par semaine');

/** The data of each event type. */
export const pathEventData = {
  'orientation.decided': orientationData,
  'reorientation.decided': orientationData.extend({
    reason: freeTextSchema('motif de réorientation', pathEventBounds.reasonChars),
  }),
  'appointment.scheduled': z.object({ at: pathInstantSchema }).strict(),
  'appointment.attended': empty,
  'appointment.missed': z.object({ excused: z.boolean() }).strict(),
  'diagnostic.completed': z
    .object({
      barriers: z
        .array(barrierSchema)
        .max(barrierSchema.options.length, `freins : ${barrierSchema.options.length} au plus`),
    })
    .strict(),
  'contract.signed': z
    .object({
      weeklyHours: hours,
      intensive: z.boolean(),
      /** Why fewer hours than the law's 15 (the person's situation). */
      reduction: freeTextSchema('motif de la réduction', pathEventBounds.reasonChars).optional(),
      /** Legal reason for a full exemption (0 h). */
      exemption: exemptionReasonSchema.optional(),
      /** The weekly activity plan (domain/path/activity-plan.ts): its hours count towards `weeklyHours`. */
      plan: planSchema
        .transform((items) => items.map((i) => ({ ...i, label: cleanText(i.label) })))
        .refine((items) => items.every((i) => i.label), 'intitulé de l’activité requis')
        .optional(),
    })
    .strict(),
  'interview.held': empty,
  'activity.declared': z.object({ hours }).strict(),
  'breach.reported': z
    .object({
      kind: z.enum(['contract-refusal', 'obligations'], {
        error: 'manquement attendu : contract-refusal (refus du contrat) ou obligations',
      }),
      /** Receipt of the notice by the person, when known (« date certaine »). */
      receivedAt: pathInstantSchema.optional(),
    })
    .strict(),
  /** France Travail proposes a sanction for a person it follows (L262-37 IV). */
  'sanction.proposed': z
    .object({
      kind: z.enum(['contract-refusal', 'obligations'], {
        error: 'manquement attendu : contract-refusal (refus du contrat) ou obligations',
      }),
      rate: z.number().gt(0, 'taux strictement positif attendu').max(1, 'taux au plus 1 (100 %)'),
      months,
    })
    .strict(),
  'observations.received': empty,
  'sanction.decided': z
    .object({
      rate: z.number().gt(0, 'taux strictement positif attendu').max(1, 'taux au plus 1 (100 %)'),
      months,
      suppression: z.boolean().default(false),
      /**
       * Avis of the équipe pluridisciplinaire (1.0): still accepted, but a path under the current
       * procedure needs the avis itself (`ep.avis`), see docs/rules.md §1.
       */
      epAvis: z.boolean().default(false),
    })
    .strict(),
  /** The person asks to be heard within the 10 days; `at` is the hearing's instant: the decision waits for it. */
  'hearing.requested': z.object({ at: pathInstantSchema }).strict(),
  /** The hearing took place, or the person did not come (`attended: false`): the decision may follow. */
  'hearing.held': z
    .object({ attended: z.boolean().default(true) })
    .strict()
    .default({ attended: true }),
  /** The person waived the rest of the 10 days in writing: a decision may come before their end. */
  'observations.waived': empty,
  /** Referral to the équipe pluridisciplinaire; `date` is its meeting (séance). */
  'ep.referred': z.object({ date: pathInstantSchema }).strict(),
  'ep.avis': z
    .object({
      favourable: z.boolean({ error: 'avis favorable (true) ou défavorable (false) attendu' }),
      text: freeTextSchema('texte de l’avis', pathEventBounds.avisChars),
    })
    .strict(),
  /** RAPO against the last decision, to the PCD, within 2 months (CASF L262-47, R262-88). */
  'appeal.filed': empty,
  'appeal.answered': z
    .object({
      outcome: appealOutcomeSchema,
      /** The reduced sanction (`reduced` only): never harsher than the decision. */
      rate: z.number().gt(0, 'taux strictement positif attendu').max(1, 'taux au plus 1 (100 %)').optional(),
      months: months.optional(),
      suppression: z.boolean().optional(),
      text: freeTextSchema('motifs de la réponse', pathEventBounds.avisChars).optional(),
    })
    .strict(),
  /** France Travail's answer to the proposal of removal from the job-seekers' list (L262-37 III). */
  'removal.answered': z.object({ removed: z.boolean() }).strict(),
  /** Whether the household is in the droits et devoirs (CASF L262-28), from `since`. */
  'duties.status': z
    .object({
      concerned: z.boolean({ error: 'soumis aux droits et devoirs : true ou false attendu' }),
      since: pathInstantSchema,
    })
    .strict(),
  /** The person was told of their rights and duties (first appointment). */
  'duties.informed': empty,
  /** France Travail registration (CT L5411-1): registered, or exempted for a legal reason. */
  'registration.status': z
    .object({
      registered: z.boolean(),
      exemption: registrationExemptionSchema.optional(),
    })
    .strict(),
  /** France Travail hands the person back to the Département for orientation, past the 6 weeks. */
  'orientation.returned': empty,
  'compliance.resumed': empty,
  /** The per-person switch: stops (or restarts) the reminders about this path; escalations still go. */
  'reminders.switched': z.object({ on: z.boolean() }).strict(),
  'review.completed': empty,
  'rights.ended': z.object({ reason: exitReasonSchema }).strict(),
  /** A person's answer to a partner's refusal: send again (`retry`) or closed by hand (`handled`). */
  'partner.resolved': z
    .object({
      call: partnerCallIdSchema,
      action: z.enum(['retry', 'handled'], {
        error: 'action attendue : retry (renvoyer) ou handled (traitée hors de Jalons)',
      }),
    })
    .strict(),
  /** The letters the law requires: sent, then received (docs/courriers.md). */
  ...letterEventData,
} as const;

export type PathEventType = keyof typeof pathEventData;
export const pathEventTypes = Object.keys(pathEventData) as PathEventType[];

/** Events a partner system sends (Signals); the others are a person's act (Updates). */
export const partnerEventTypes: readonly PathEventType[] = [
  'appointment.scheduled',
  'appointment.attended',
  'appointment.missed',
  'activity.declared',
  'sanction.proposed',
  'rights.ended',
  'removal.answered',
  'registration.status',
  'orientation.returned',
];

const envelope = <T extends PathEventType>(type: T) =>
  z
    .object({
      type: z.literal(type),
      /** The sender's id for this event: a second delivery of the same id is ignored (applied once). */
      id: eventIdSchema.optional(),
      /**
       * The revision (`seq`) the person saw when deciding: if the path changed since (another agent
       * acted), the act is refused and nothing changes — the person reloads and decides again.
       */
      seen: z
        .number()
        .int('révision (seen) : entier attendu')
        .nonnegative('révision (seen) : entier positif attendu')
        .max(pathEventBounds.seenMax, `révision (seen) : au plus ${pathEventBounds.seenMax}`)
        .optional(),
      /** Date of the act; defaults to now, never in the future. */
      at: pathInstantSchema.optional(),
      /** Who acted (pseudonymous agent id), for the audit. */
      by: agentIdSchema.optional(),
      data: pathEventData[type],
    })
    .strict();

export const pathEventSchema = z.discriminatedUnion(
  'type',
  pathEventTypes.map((t) => envelope(t)) as unknown as [
    ReturnType<typeof envelope<PathEventType>>,
    ...ReturnType<typeof envelope<PathEventType>>[],
  ],
  { error: `type d’événement inconnu (attendus : ${pathEventTypes.join(', ')})` },
);

type Parsed<T extends PathEventType> = {
  type: T;
  id?: string;
  seen?: number;
  at?: Date;
  by?: string;
  data: z.output<(typeof pathEventData)[T]>;
};
export type PathEvent = { [T in PathEventType]: Parsed<T> }[PathEventType];
/** As sent on the wire (instants as ISO strings). */
export type PathEventInput = {
  [T in PathEventType]: {
    type: T;
    id?: string;
    seen?: number;
    at?: string;
    by?: string;
    data?: z.input<(typeof pathEventData)[T]>;
  };
}[PathEventType];
