/**
 * The offer catalogue (« référencement de l'offre d'insertion », in the spirit of
 * DORA / data·inclusion): services with themes, place, schedule and capacity, that
 * a référent puts in a contract's weekly activity plan. The wire format follows
 * data·inclusion's French field names. Lists are validated service by service:
 * one malformed service is set aside, it does not hide the others.
 */
import { offerThemeSchema } from '../domain/path/activity-plan.js';
import { civilDateSchema } from '../domain/calendar.js';
import { z } from '../domain/validation.js';
import { clientFor, route, type PartnerEndpoint } from './http.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'heure HH:mm attendue');

export const serviceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/, 'identifiant de service attendu');

/** One service of the catalogue. */
export const catalogueServiceSchema = z
  .object({
    id: serviceIdSchema,
    source: z.string().min(1),
    structure: z.string().min(1, 'structure requise'),
    nom: z.string().min(1, 'nom du service requis').max(200),
    presentation_resume: z.string().max(500),
    thematiques: z.array(offerThemeSchema).min(1, 'au moins une thématique'),
    commune: z.string().min(1),
    code_insee: z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'code INSEE attendu'),
    /** The Département's territory (`lens-lievin`…), for the référent's search. */
    territoire: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
    modes_accueil: z.array(z.enum(['en-presentiel', 'a-distance'])).min(1),
    /** Weekly sessions: day (1 = Monday … 7 = Sunday), start and end in Paris time. */
    horaires: z.array(z.object({ jour: z.number().int().min(1).max(7), debut: hhmm, fin: hhmm }).strict()),
    /** Hours per week a participant spends in it. */
    heures_hebdomadaires: z.number().gt(0).max(40),
    capacite: z.number().int().nonnegative(),
    places_disponibles: z.number().int().nonnegative(),
    date_maj: civilDateSchema,
  })
  .strict();
export type CatalogueService = z.infer<typeof catalogueServiceSchema>;

export const searchRequestSchema = z
  .object({
    territoire: z.string().min(1).optional(),
    thematique: offerThemeSchema.optional(),
    texte: z.string().min(1).max(100).optional(),
    page: z.number().int().min(1).default(1),
    par_page: z.number().int().min(1).max(100).default(50),
  })
  .strict();
export type SearchRequest = z.input<typeof searchRequestSchema>;

export const searchResponseSchema = z
  .object({
    services: z.array(z.unknown()),
    total: z.number().int().nonnegative(),
    page: z.number().int().min(1),
    pages: z.number().int().nonnegative(),
  })
  .strict();
export type SearchResponse = z.infer<typeof searchResponseSchema>;

export const lookupRequestSchema = z
  .object({ ids: z.array(serviceIdSchema).min(1).max(50, 'au plus 50 services par demande') })
  .strict();
export const lookupResponseSchema = z
  .object({ services: z.array(z.unknown()), missing: z.array(z.string()) })
  .strict();
export type LookupResponse = z.infer<typeof lookupResponseSchema>;

export const catalogueRoutes = {
  search: route('POST', '/services/search', searchRequestSchema, searchResponseSchema),
  lookup: route('POST', '/services/lookup', lookupRequestSchema, lookupResponseSchema),
};

export const catalogueClient = (endpoint: PartnerEndpoint) => clientFor(endpoint, catalogueRoutes);

/** Services of a list, valid ones kept, the others set aside with their French reason. */
export function validServices(items: unknown[]): {
  services: CatalogueService[];
  rejected: { id: string | null; reason: string }[];
} {
  const services: CatalogueService[] = [];
  const rejected: { id: string | null; reason: string }[] = [];
  for (const item of items) {
    const parsed = catalogueServiceSchema.safeParse(item);
    if (parsed.success) services.push(parsed.data);
    else {
      const id = (item as { id?: unknown } | null)?.id;
      rejected.push({
        id: typeof id === 'string' ? id : null,
        reason: parsed.error.issues.map((i) => `${i.path.join('.')} : ${i.message}`).join(' ; '),
      });
    }
  }
  return { services, rejected };
}
