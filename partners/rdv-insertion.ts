/**
 * RDV-Insertion's published API, the part Jalons uses (docs/rdv-insertion.md): the
 * agent's sign-in on RDV-Solidarités (three headers, valid 24 h), the invitation of a
 * known user on a motif category of one organisation, its refusals (`errors`), and the
 * webhooks it posts back (`{ data, meta }`, signed with `X-RDVI-Signature`).
 * Described in gip-inclusion/rdv-insertion, swagger/v1/api.json; the trimmed copy the
 * contract tests validate against is test/contracts/rdv-insertion-openapi.json.
 * Only ids leave these schemas: the names, e-mails and phone numbers RDV-Insertion
 * sends back are dropped on parsing (zod strips unknown keys), never stored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { frenchIssues, z } from '../domain/validation.js';
import { organisationCodeSchema, pseudonymousIdSchema } from '../domain/ids.js';
import { wireInstantSchema } from './http.js';

// The path's convocation: what the `appointmentsConvoke` activity takes and returns. Released
// workflow histories (1.0) replay against these shapes: they must not change.

export const convokeSchema = z
  .object({
    beneficiaryId: pseudonymousIdSchema,
    referent: pseudonymousIdSchema,
    at: wireInstantSchema,
  })
  .strict();
export type ConvokeRequest = z.input<typeof convokeSchema>;

export const convocationSchema = z.object({ appointmentId: z.string().min(1) }).strict();
export type Convocation = z.infer<typeof convocationSchema>;

/** RDV-Solidarités' sign-in (the API's « Authentification »). */
export const SIGN_IN_PATH = '/api/v1/auth/sign_in';
/** The three headers every request carries. */
export const sessionHeaders = ['access-token', 'client', 'uid'] as const;
export type RdviSession = Record<(typeof sessionHeaders)[number], string>;

export const invitePath = (organisationId: number, userId: number): string =>
  `/api/v1/organisations/${organisationId}/users/${userId}/invite`;
/** `GET`: the organisation's users, 30 a page (`page`, from 1). */
export const usersPath = (organisationId: number): string => `/api/v1/organisations/${organisationId}/users`;
export const createAndInvitePath = (organisationId: number): string =>
  `/api/v1/organisations/${organisationId}/users/create_and_invite`;

/** The published motif categories Jalons convokes on (short names). */
export const motifCategorySchema = z
  .string()
  .regex(/^[a-z0-9_]{1,64}$/, 'catégorie de motif : nom court attendu (ex. rsa_accompagnement)');

export const signInRequestSchema = z.object({ email: z.email(), password: z.string().min(1) }).strict();

/** `POST …/users/{id}/invite`'s body. */
export const inviteRequestSchema = z
  .object({
    invitation: z
      .object({
        rdv_solidarites_lieu_id: z.number().int().optional(),
        motif_category: z.object({ name: z.string().optional(), short_name: z.string().optional() }),
      })
      .strict(),
  })
  .strict();
export type InviteRequest = z.infer<typeof inviteRequestSchema>;

const invitationSchema = z.object({
  id: z.number().int(),
  format: z.enum(['sms', 'postal', 'email']),
  motif_category: z.object({ short_name: z.string() }),
});

/** The answer of `invite` / `create_and_invite`: ids only, the person's identity is dropped. */
export const inviteResponseSchema = z.object({
  success: z.boolean(),
  user: z.object({ id: z.number().int() }),
  invitations: z.array(invitationSchema),
});
export type InviteResponse = z.infer<typeof inviteResponseSchema>;

/** A page of `GET …/users`: ids and the Département's internal id only. */
export const usersPageSchema = z.object({
  users: z.array(
    z.object({ id: z.number().int(), department_internal_id: z.string().nullable().optional() }),
  ),
  pagination: z.object({ next_page: z.number().int().nullable().optional() }),
});
export type UsersPage = z.infer<typeof usersPageSchema>;

/** A refusal: `errors` (strings, or objects with `error_details`), or `not_found`. */
export const errorBodySchema = z.union([
  z.object({
    errors: z.array(z.union([z.string(), z.object({ error_details: z.string() })])),
  }),
  z.object({ not_found: z.string() }),
]);

/** What a person reads of a refusal: RDV-Insertion's own sentences. */
export function errorMessageOf(body: unknown): string | null {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return null;
  if ('not_found' in parsed.data) return `introuvable : ${parsed.data.not_found}`;
  const lines = parsed.data.errors.map((e) => (typeof e === 'string' ? e : e.error_details));
  return lines.join(' ; ') || null;
}

// Webhooks (the API's « Webhooks (API de notifications) »).

export const SIGNATURE_HEADER = 'x-rdvi-signature';
export const participationStatuses = ['unknown', 'seen', 'excused', 'revoked', 'noshow'] as const;
export type ParticipationStatus = (typeof participationStatuses)[number];

/** Hex HMAC-SHA256 of the body with the shared secret, as RDV-Insertion signs it. */
export const signBody = (body: string, secret: string): string =>
  createHmac('sha256', secret).update(body, 'utf8').digest('hex');

/** True when `signature` is the body's signature under one of `secrets` (constant time for each). */
export function signatureMatches(body: string, signature: string, secrets: readonly string[]): boolean {
  const given = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signBody(body, secret), 'utf8');
    // Every secret is compared, so the time does not tell which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}

/** `meta.timestamp`: « 2023-11-13 19:53:07 +0100 » as published, or ISO-8601. */
export function webhookInstant(timestamp: string): Date | null {
  const ruby = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?([+-]\d{2}):?(\d{2})$/.exec(
    timestamp.trim(),
  );
  const iso = ruby ? `${ruby[1]}T${ruby[2]}${ruby[3]}:${ruby[4]}` : timestamp;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

const webhookUserSchema = z.object({
  id: z.number().int(),
  department_internal_id: z.string().nullable().optional(),
});

export const webhookParticipationSchema = z.object({
  id: z.number().int(),
  status: z.enum(participationStatuses),
  starts_at: z.string().optional(),
  user: webhookUserSchema.optional(),
});

export const webhookRdvSchema = z.object({
  id: z.number().int(),
  starts_at: z.string(),
  status: z.enum(participationStatuses),
  participations: z.array(webhookParticipationSchema).max(500),
});

export const webhookInvitationSchema = z.object({
  id: z.number().int(),
  format: z.string().optional(),
  user: webhookUserSchema.optional(),
});

export const webhookSchema = z.object({
  data: z.record(z.string(), z.unknown()),
  meta: z.object({
    model: z.string().min(1).max(64),
    event: z.enum(['created', 'updated', 'destroyed']),
    timestamp: z.string().min(1).max(64),
  }),
});
export type Webhook = z.infer<typeof webhookSchema>;

// Configuration: which RDV-Solidarités organisation and motif category each organisme référent invites on.

export const rdvInsertionOrganisationsSchema = z
  .object({
    organisations: z
      .array(
        z
          .object({
            /** The organisme référent's code in Jalons (config/directory.json). */
            code: organisationCodeSchema,
            rdvSolidaritesOrganisationId: z
              .number()
              .int()
              .positive('identifiant d’organisation positif attendu'),
            motifCategory: motifCategorySchema,
          })
          .strict(),
      )
      .min(1, 'au moins une organisation'),
  })
  .strict();
export type RdvInsertionOrganisations = z.infer<typeof rdvInsertionOrganisationsSchema>;

export interface RdvInsertionConfig {
  /** RDV-Insertion's base URL (https://www.rdv-insertion.fr). */
  url: string;
  /** RDV-Solidarités' base URL, where the agent signs in (https://www.rdv-solidarites.fr). */
  signInUrl: string;
  email: string;
  password: string;
  organisations: RdvInsertionOrganisations['organisations'];
  timeoutMs: number;
}

const envSchema = z.object({
  JALONS_RDVI_URL: z.url({ message: 'JALONS_RDVI_URL : URL attendue' }),
  JALONS_RDVS_URL: z.url({ message: 'JALONS_RDVS_URL : URL attendue' }),
  JALONS_RDVI_EMAIL: z.email({ message: 'JALONS_RDVI_EMAIL : adresse de l’agent attendue' }),
  JALONS_RDVI_PASSWORD: z.string().min(1, 'JALONS_RDVI_PASSWORD : mot de passe de l’agent requis'),
  JALONS_RDVI_ORGANISATIONS: z.string().min(1, 'JALONS_RDVI_ORGANISATIONS : chemin du fichier requis'),
  JALONS_PARTNER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

/**
 * RDV-Insertion's configuration from the environment, or `null` when `JALONS_RDVI_URL`
 * is not set (convocations then become a person's task). Throws in French
 * when a variable or the organisations' file is invalid.
 */
export function rdvInsertionConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RdvInsertionConfig | null {
  if (!env.JALONS_RDVI_URL) return null;
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(`Configuration RDV-Insertion invalide : ${frenchIssues(parsed.error)}`);
  const e = parsed.data;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(e.JALONS_RDVI_ORGANISATIONS, 'utf8'));
  } catch (err) {
    throw new Error(
      `Configuration RDV-Insertion invalide : ${e.JALONS_RDVI_ORGANISATIONS} illisible (${(err as Error).message}).`,
    );
  }
  const orgs = rdvInsertionOrganisationsSchema.safeParse(raw);
  if (!orgs.success)
    throw new Error(
      `Configuration RDV-Insertion invalide (${e.JALONS_RDVI_ORGANISATIONS}) : ${frenchIssues(orgs.error)}`,
    );
  return {
    url: e.JALONS_RDVI_URL,
    signInUrl: e.JALONS_RDVS_URL,
    email: e.JALONS_RDVI_EMAIL,
    password: e.JALONS_RDVI_PASSWORD,
    organisations: orgs.data.organisations,
    timeoutMs: e.JALONS_PARTNER_TIMEOUT_MS,
  };
}

/** The webhook's secrets: the current one, and the previous one while a rotation is under way. */
export function webhookSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.JALONS_RDVI_WEBHOOK_SECRET, env.JALONS_RDVI_WEBHOOK_SECRET_PREVIOUS].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}
