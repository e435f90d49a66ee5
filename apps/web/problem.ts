/**
 * The JSON API's errors as `application/problem+json` (RFC 9457): a stable
 * machine code a script can test (`code`), the French sentence a person reads
 * (`detail`). `erreur` repeats `detail` for one release: version 1.0's clients
 * (the CLI's remote mode before this one) read it. Each code is described on
 * /api/documentation (api-docs.ts), where `type` points.
 */
import { z } from '../../domain/validation.js';
import type { TemporalErrorKind } from '../../services/temporal-errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Every code the API answers with, and its short French title (RFC 9457 `title`). */
export const problemTitles = {
  'parametre-invalide': 'Paramètre invalide',
  'non-authentifie': 'Authentification requise',
  'role-insuffisant': 'Rôle insuffisant',
  'acces-refuse': 'Accès refusé',
  introuvable: 'Introuvable',
  'parcours-clos': 'Parcours clos',
  conflit: 'Conflit',
  'requete-trop-volumineuse': 'Requête trop volumineuse',
  'type-non-pris-en-charge': 'Type de contenu non pris en charge',
  'acte-invalide': 'Acte invalide',
  'acte-refuse': 'Acte refusé',
  'trop-de-tentatives': 'Trop de tentatives',
  'erreur-interne': 'Erreur interne',
  'temporal-en-echec': 'Échec du moteur de workflows',
  'temporal-indisponible': 'Moteur de workflows indisponible',
} as const;

export type ProblemCode = keyof typeof problemTitles;

/** What each code means, for the documentation page (one French sentence each). */
export const problemDescriptions: Record<ProblemCode, string> = {
  'parametre-invalide':
    'Un paramètre ou le corps de la requête ne respecte pas le schéma ; `detail` nomme le champ et sa borne.',
  'non-authentifie': 'Jeton personnel absent, inconnu, expiré ou révoqué.',
  'role-insuffisant':
    'Le rôle du compte ne permet pas cette opération (compte en lecture seule, réservé aux administrateurs).',
  'acces-refuse': 'Le compte ne peut pas utiliser l’API (accès en attente, compte retiré).',
  introuvable:
    'La ressource n’existe pas, ou pas dans le périmètre du compte (la même réponse dans les deux cas).',
  'parcours-clos': 'Le parcours est clos : aucun acte ne peut plus y être enregistré.',
  conflit: 'La ressource existe déjà.',
  'requete-trop-volumineuse': 'Le corps de la requête dépasse la taille admise.',
  'type-non-pris-en-charge': 'Le type de contenu n’est pas `application/json`.',
  'acte-invalide': 'L’acte ne respecte pas le schéma de son type (docs/bounds.md).',
  'acte-refuse': 'L’acte est refusé par les règles du parcours (docs/rules.md) ; rien n’a changé.',
  'trop-de-tentatives': 'Trop de requêtes depuis cette adresse : réessayer plus tard.',
  'erreur-interne': 'Erreur du serveur, journalisée de son côté.',
  'temporal-en-echec': 'Le moteur de workflows a répondu par une erreur inattendue.',
  'temporal-indisponible': 'Le moteur de workflows est injoignable ou trop lent : réessayer plus tard.',
};

/** The code of a status when the caller names none. */
const codeOfStatus: Record<number, ProblemCode> = {
  400: 'parametre-invalide',
  401: 'non-authentifie',
  403: 'acces-refuse',
  404: 'introuvable',
  409: 'conflit',
  413: 'requete-trop-volumineuse',
  415: 'type-non-pris-en-charge',
  422: 'acte-refuse',
  429: 'trop-de-tentatives',
  502: 'temporal-en-echec',
  503: 'temporal-indisponible',
};

/** Temporal's errors (services/temporal-errors.ts), by kind. */
export const temporalProblemCode: Record<TemporalErrorKind, ProblemCode> = {
  refused: 'acte-refuse',
  'not-found': 'introuvable',
  closed: 'parcours-clos',
  conflict: 'conflit',
  'too-large': 'requete-trop-volumineuse',
  unavailable: 'temporal-indisponible',
  failed: 'temporal-en-echec',
};

/** Where `type` points: the code's entry on the documentation page. */
export const problemType = (code: ProblemCode): string => `/api/documentation#probleme-${code}`;

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'Adresse de la description du code (relative au serveur).' }),
    title: z.string().meta({ description: 'Intitulé court du code, en français.' }),
    status: z.number().int().min(400).max(599).meta({ description: 'Le statut HTTP de la réponse.' }),
    detail: z.string().meta({ description: 'La phrase en français destinée à la personne.' }),
    code: z.enum(Object.keys(problemTitles) as [ProblemCode, ...ProblemCode[]]).meta({
      description: 'Code stable, à tester par les programmes.',
    }),
    erreur: z.string().meta({
      description: 'Copie de `detail` pour les clients de la version 1.0 ; retiré à la version suivante.',
      deprecated: true,
    }),
  })
  .meta({ title: 'Problème (RFC 9457)' });

export type Problem = z.infer<typeof problemSchema>;

export function problem(status: number, detail: string, code?: ProblemCode): Problem {
  const c = code ?? codeOfStatus[status] ?? (status >= 500 ? 'erreur-interne' : 'parametre-invalide');
  return { type: problemType(c), title: problemTitles[c], status, detail, code: c, erreur: detail };
}
