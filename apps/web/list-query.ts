/**
 * The query string every list reads (filters with their French names, pages,
 * the due dates' order, the searched case number), checked: a wrong value is
 * refused with one French sentence naming the parameter and its bound.
 */
import { ID_MAX } from '../../domain/ids.js';
import { z } from '../../domain/validation.js';

/** The largest page number accepted (50 rows a page: 5 million rows). */
const PAGE_MAX = 100_000;
const pageNumber = (name: string) =>
  z.coerce
    .number({ error: `${name} : nombre entier de 1 à ${PAGE_MAX} attendu` })
    .int(`${name} : nombre entier de 1 à ${PAGE_MAX} attendu`)
    .min(1, `${name} : nombre entier de 1 à ${PAGE_MAX} attendu`)
    .max(PAGE_MAX, `${name} : nombre entier de 1 à ${PAGE_MAX} attendu`)
    .default(1);
const text = (name: string) =>
  z
    .string({ error: `${name} : une seule valeur attendue` })
    .max(ID_MAX, `${name} : ${ID_MAX} caractères au plus`)
    .optional()
    .transform((v) => v || undefined);
const order = z
  .enum(['croissant', 'decroissant'], { error: 'ordre : « croissant » ou « decroissant » attendu' })
  .default('croissant')
  .transform((o) => (o === 'decroissant' ? ('desc' as const) : ('asc' as const)));

/** The query string of every list: filters (French names), pages, order. Unknown parameters are ignored. */
export const listQuerySchema = z.object({
  territoire: text('territoire'),
  organisme: text('organisme'),
  referent: text('référent'),
  etape: text('étape'),
  page: pageNumber('page'),
  page_semaine: pageNumber('page_semaine'),
  ordre: order,
  q: text('numéro de dossier'),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
