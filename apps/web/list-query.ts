/**
 * The query string every list reads (filters with their French names, pages,
 * the due dates' order, the searched case number), checked: a wrong value is
 * refused with one French sentence naming the parameter and its bound.
 */
import { ID_MAX } from '../../domain/ids.js';
import { z } from '../../domain/validation.js';

/** The largest page number accepted (50 rows a page: 5 million rows). */
const PAGE_MAX = 100_000;
/** The parameter's name comes first in the refusal (frenchIssues gives the path). */
const PAGE_BOUND = `nombre entier de 1 à ${new Intl.NumberFormat('fr-FR').format(PAGE_MAX)} attendu`;
const pageNumber = () =>
  z.coerce
    .number({ error: PAGE_BOUND })
    .int(PAGE_BOUND)
    .min(1, PAGE_BOUND)
    .max(PAGE_MAX, PAGE_BOUND)
    .default(1);
const text = () =>
  z
    .string({ error: 'une seule valeur attendue' })
    .max(ID_MAX, `${ID_MAX} caractères au plus`)
    .optional()
    .transform((v) => v || undefined);
const order = z
  .enum(['croissant', 'decroissant'], { error: '« croissant » ou « decroissant » attendu' })
  .default('croissant')
  .transform((o) => (o === 'decroissant' ? ('desc' as const) : ('asc' as const)));

/** The query string of every list: filters (French names), pages, order. Unknown parameters are ignored. */
export const listQuerySchema = z.object({
  territoire: text(),
  organisme: text(),
  referent: text(),
  etape: text(),
  page: pageNumber(),
  page_semaine: pageNumber(),
  ordre: order,
  q: text(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
