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

export const exitReasonSchema = z.enum(['end-of-rights', 'moved-out', 'job', 'death', 'other'], {
  error: 'motif de sortie attendu : end-of-rights, moved-out, job, death ou other',
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
      /** Avis of the équipe pluridisciplinaire, required for a suppression. */
      epAvis: z.boolean().default(false),
    })
    .strict(),
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
