/**
 * MonJob62, the Département's own path tool: Jalons pushes the path events it
 * records (so MonJob62 shows the same timeline) and pulls the référent
 * assignments decided in MonJob62. Both directions carry stable ids and are
 * idempotent (docs/exchanges.md). Pseudonymous ids only.
 */
import { pseudonymousIdSchema } from '../domain/ids.js';
import { z } from '../domain/validation.js';
import { clientFor, route, wireInstantSchema, type PartnerEndpoint } from './http.js';

export const MAX_EVENTS_PER_PUSH = 500;

/** One path event as MonJob62 receives it. */
export const monjobEventSchema = z
  .object({
    /** `<workflow id>#<seq>`: the same event always has the same id. */
    eventId: z.string().regex(/^parcours-[A-Za-z0-9_.-]+#\d+$/, 'identifiant d’événement attendu'),
    beneficiaryId: pseudonymousIdSchema,
    type: z.string().min(1),
    at: wireInstantSchema,
    /** The path's step after the event. */
    step: z.string().min(1),
    /** What the event set, when it set an orientation or a contract. */
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();
export type MonjobEvent = z.infer<typeof monjobEventSchema>;

export const pushEventsRequestSchema = z
  .object({ events: z.array(monjobEventSchema).min(1).max(MAX_EVENTS_PER_PUSH) })
  .strict();
export const pushEventsResponseSchema = z
  .object({ accepted: z.number().int().nonnegative(), duplicates: z.number().int().nonnegative() })
  .strict();

/** One référent assignment decided in MonJob62 (validated one by one: a bad one is reported, not fatal). */
export const assignmentSchema = z
  .object({
    assignmentId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/, 'identifiant d’affectation attendu'),
    beneficiaryId: pseudonymousIdSchema,
    /** Track code, as in the weekly list: `emploi`, `socio-professionnel`, `social`. */
    parcours: z.enum(['emploi', 'socio-professionnel', 'social'], {
      error: 'parcours attendu : emploi, socio-professionnel ou social',
    }),
    organisme: z.string().min(1, 'organisme référent requis'),
    referent: pseudonymousIdSchema,
    decidedAt: wireInstantSchema,
  })
  .strict();
export type Assignment = z.infer<typeof assignmentSchema>;

export const assignmentsRequestSchema = z
  .object({ after: z.string().min(1).nullable(), limit: z.number().int().min(1).max(500) })
  .strict();
export const assignmentsResponseSchema = z
  .object({
    assignments: z.array(z.unknown()),
    /** Where the next page starts; what to send as `after` next time. */
    cursor: z.string().min(1).nullable(),
    hasMore: z.boolean(),
  })
  .strict();

export const monjobRoutes = {
  pushEvents: route('POST', '/path-events', pushEventsRequestSchema, pushEventsResponseSchema),
  assignments: route(
    'POST',
    '/referent-assignments/search',
    assignmentsRequestSchema,
    assignmentsResponseSchema,
  ),
};

export const monjobClient = (endpoint: PartnerEndpoint) => clientFor(endpoint, monjobRoutes);
