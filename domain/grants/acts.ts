/**
 * The acts people record on a grant cycle, as zod schemas: one per Update of
 * workflows/grants/grant.ts, the same for the CLI, the web forms and `jalons simulate`.
 * Every field is bounded (length, count, range) so that a workflow's state and
 * history stay small whatever is typed; a refusal names the field and its bound
 * in French (docs/grants.md, « Les actes »).
 */
import { z } from '../validation.js';
import { pseudonymousIdSchema } from '../ids.js';
import { freeTextSchema } from '../text.js';
import { euros } from './money.js';

// ─── Bounds ──────────────────────────────────────────────────────────────────

/** The largest amount an act may carry: above any grant of a Département (100 million euros). */
export const MAX_EUROS = 100_000_000;
export const MAX_PIECES = 20;
export const MAX_TEXT = 500;

const ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Who recorded the act: an account or agent identifier. */
export const agentSchema = z
  .string()
  .regex(
    ID,
    'identifiant d’agent attendu : lettres, chiffres, « . », « _ », « @ », « - », 64 caractères au plus',
  );

const isoInstant = z.iso.datetime({
  offset: true,
  message: 'instant ISO-8601 attendu, avec fuseau (ex. 2025-12-15T16:59:00+01:00)',
});

/** When the act happened (never in the future) and who records it. */
const actor = { at: isoInstant.optional(), by: agentSchema.optional() };

function eurosOk(n: number): boolean {
  try {
    return euros(n) >= 0;
  } catch {
    return false;
  }
}

/** Euros, at most 2 decimals, between 0 and 100 000 000 €. */
export const eurosSchema = z
  .number({ error: 'montant en euros attendu (un nombre)' })
  .refine(eurosOk, 'montant en euros attendu : un nombre positif avec au plus 2 décimales')
  .refine((n) => n <= MAX_EUROS, `montant limité à ${MAX_EUROS.toLocaleString('fr-FR')} €`);
const positiveEuros = eurosSchema.refine((n) => n > 0, 'le montant doit être supérieur à 0 €');

const pieceIds = z
  .array(z.string().regex(SLUG, 'identifiant de pièce attendu (minuscules, chiffres, tirets)').max(64))
  .max(MAX_PIECES, `${MAX_PIECES} pièces au plus`);

/** The act's number in the Département's register (e.g. `CD-2025-118`). */
const referenceSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$/,
    'numéro d’acte attendu (lettres, chiffres, « - », « _ », 30 caractères au plus)',
  );

/** Free text cleaned of control and bidi characters, bounded. */
const text = (what: string) => freeTextSchema(what, MAX_TEXT);

// ─── The acts ────────────────────────────────────────────────────────────────

export const paymentKinds = ['advance', 'balance', 'repayment', 'grant'] as const;
export type PaymentKind = (typeof paymentKinds)[number];

export const reportKinds = ['interim', 'mid-term', 'financial', 'final'] as const;
export type ReportKind = (typeof reportKinds)[number];

export const completeMilestoneSchema = z
  .object({
    // A string here: an unknown milestone is refused with the programme's own list (./machine.ts).
    milestone: z
      .string()
      .regex(SLUG, 'identifiant de jalon attendu (minuscules, chiffres, tirets)')
      .max(40, 'identifiant de jalon : 40 caractères au plus'),
    ...actor,
    pieces: pieceIds.optional(),
    /** With it, completing the préfecture transmission sends the deliberation to the contrôle de légalité. */
    reference: referenceSchema.optional(),
  })
  .strict();
export type CompleteMilestoneInput = z.input<typeof completeMilestoneSchema>;

export const funderDecisionSchema = z
  .object({
    amount: positiveEuros,
    /** The CNSA complementary envelope (≤ 100 000 €), after the compte rendu financier. */
    envelope: z.enum(['base', 'complementary']).default('base'),
    /** Co-funding of the platform's partners, required for the complementary envelope. */
    coFunding: eurosSchema.optional(),
    ...actor,
  })
  .strict();
export type FunderDecisionInput = z.input<typeof funderDecisionSchema>;

export const paymentSchema = z
  .object({ kind: z.enum(paymentKinds), amount: positiveEuros, ...actor })
  .strict();
export type PaymentInput = z.input<typeof paymentSchema>;

export const reportSchema = z
  .object({
    kind: z.enum(reportKinds),
    /** The funder's share actually used, in euros. */
    spent: eurosSchema.optional(),
    /** The Département's own share spent on the same actions (the State's co-funding rule). */
    departementSpent: eurosSchema.optional(),
    ...actor,
    pieces: pieceIds.optional(),
  })
  .strict();
export type ReportInput = z.input<typeof reportSchema>;

export const denounceSchema = z.object({ ...actor }).strict();
export type DenounceInput = z.input<typeof denounceSchema>;

/** A person's answer to a partner's refusal: send again (`retry`) or done by hand (`handled`). */
export const resolvePartnerCallSchema = z
  .object({
    call: z
      .string()
      .min(1, 'identifiant de la transmission requis')
      .max(96, 'identifiant de la transmission : 96 caractères au plus'),
    action: z.enum(['retry', 'handled'], {
      error: 'action attendue : retry (renvoyer) ou handled (traitée hors de Jalons)',
    }),
    ...actor,
  })
  .strict();
export type ResolvePartnerCallInput = z.input<typeof resolvePartnerCallSchema>;

/** The State issued its ordre de reversement: the two months of repayment run from `at`. */
export const repaymentOrderSchema = z
  .object({
    /** As the order writes it; by default what the ledger computed. */
    amount: positiveEuros.optional(),
    reference: referenceSchema.optional(),
    ...actor,
  })
  .strict();
export type RepaymentOrderInput = z.input<typeof repaymentOrderSchema>;

/** A mise en demeure (registered letter) received or sent: termination follows its delay unless complied with. */
export const formalNoticeSchema = z
  .object({
    action: z.enum(['served', 'complied'], {
      error: 'action attendue : served (mise en demeure reçue ou envoyée) ou complied (suivie d’effet)',
    }),
    /** Who is in default. */
    defaulting: z.enum(['departement', 'funder']).default('departement'),
    reason: text('motif').optional(),
    ...actor,
  })
  .strict();
export type FormalNoticeInput = z.input<typeof formalNoticeSchema>;

/** A party's request to end the convention (registered letter): effective after its notice. */
export const terminationRequestSchema = z
  .object({ from: z.enum(['departement', 'funder']), reason: text('motif').optional(), ...actor })
  .strict();
export type TerminationRequestInput = z.input<typeof terminationRequestSchema>;

/** An avenant signed: renews the convention (France Travail) or records its amounts. */
export const amendmentSchema = z
  .object({ reference: referenceSchema.optional(), ...actor, pieces: pieceIds.optional() })
  .strict();
export type AmendmentInput = z.input<typeof amendmentSchema>;

export type GrantAction =
  | ({ type: 'complete' } & CompleteMilestoneInput)
  | ({ type: 'funder-decision' } & FunderDecisionInput)
  | ({ type: 'payment' } & PaymentInput)
  | ({ type: 'report' } & ReportInput)
  | ({ type: 'denounce' } & DenounceInput)
  | ({ type: 'resolve-partner-call' } & ResolvePartnerCallInput)
  | ({ type: 'repayment-order' } & RepaymentOrderInput)
  | ({ type: 'formal-notice' } & FormalNoticeInput)
  | ({ type: 'termination-request' } & TerminationRequestInput)
  | ({ type: 'amendment' } & AmendmentInput);
export type GrantActType = GrantAction['type'];

/**
 * Every act: its Update's name (workflows/grants/grant.ts), its schema and its French
 * label. The web forms and the CLI derive from this map.
 */
export const grantActSchemas = {
  complete: { update: 'completeMilestone', schema: completeMilestoneSchema, label: 'Jalon fait' },
  'funder-decision': {
    update: 'recordFunderDecision',
    schema: funderDecisionSchema,
    label: 'Décision du financeur',
  },
  payment: { update: 'recordPayment', schema: paymentSchema, label: 'Versement reçu ou payé' },
  report: { update: 'submitReport', schema: reportSchema, label: 'Rapport transmis' },
  denounce: { update: 'denounce', schema: denounceSchema, label: 'Dénonciation de la convention' },
  'resolve-partner-call': {
    update: 'resolvePartnerCall',
    schema: resolvePartnerCallSchema,
    label: 'Réponse à une transmission refusée',
  },
  'repayment-order': {
    update: 'recordRepaymentOrder',
    schema: repaymentOrderSchema,
    label: 'Ordre de reversement émis',
  },
  'formal-notice': { update: 'serveFormalNotice', schema: formalNoticeSchema, label: 'Mise en demeure' },
  'termination-request': {
    update: 'requestTermination',
    schema: terminationRequestSchema,
    label: 'Demande de résiliation',
  },
  amendment: { update: 'signAmendment', schema: amendmentSchema, label: 'Avenant signé' },
} as const satisfies Record<GrantActType, { update: string; schema: z.ZodType; label: string }>;

/** The acts a cycle is started with (already done when it is taken into Jalons), each validated as it applies. */
export const MAX_START_ACTS = 50;

export const grantInputSchema = z
  .object({
    grantId: pseudonymousIdSchema,
    programme: z
      .string()
      .regex(SLUG, 'identifiant de programme attendu (minuscules, chiffres, tirets)')
      .max(64, 'identifiant de programme : 64 caractères au plus'),
    startedAt: isoInstant.optional(),
    /** Business hours of this Département's policy (reminders go out at opening). */
    hours: z
      .object({ opens: z.string().regex(/^\d{2}:\d{2}$/), closes: z.string().regex(/^\d{2}:\d{2}$/) })
      .strict()
      .optional(),
    acts: z
      .array(
        z.object({ type: z.enum(Object.keys(grantActSchemas) as [GrantActType, ...GrantActType[]]) }).loose(),
      )
      .max(MAX_START_ACTS, `${MAX_START_ACTS} actes au plus au démarrage`)
      .optional(),
  })
  .strict();
export type GrantInput = z.input<typeof grantInputSchema>;
