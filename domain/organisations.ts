/**
 * The organisations a path may be oriented to (organismes référents) and
 * their référents' pseudonymous ids, as the Département's directory lists them
 * (config/directory.json, `organisations`): the case page offers them in its
 * lists instead of a free text a typo would slip through.
 */
import { z } from './validation.js';
import { organisationCodeSchema, referentCodeSchema } from './ids.js';

/** Bounds of the directory's organisations (a département has a few dozen, each a few dozen référents). */
export const organisationBounds = { organisations: 500, referents: 2_000, nameChars: 200 } as const;

export const organisationSchema = z
  .object({
    code: organisationCodeSchema,
    name: z
      .string()
      .min(1, 'nom de l’organisme requis')
      .max(
        organisationBounds.nameChars,
        `nom de l’organisme : ${organisationBounds.nameChars} caractères au plus`,
      ),
    referents: z
      .array(referentCodeSchema)
      .max(organisationBounds.referents, `référents : ${organisationBounds.referents} au plus`),
  })
  .strict();
export type Organisation = z.infer<typeof organisationSchema>;

export const organisationsSchema = z
  .array(organisationSchema)
  .max(organisationBounds.organisations, `organismes : ${organisationBounds.organisations} au plus`)
  .refine((list) => new Set(list.map((o) => o.code)).size === list.length, 'organismes : code en double');
