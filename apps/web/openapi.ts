/**
 * The JSON API's description (OpenAPI 3.1), generated from the very zod
 * schemas its routes validate with (api.ts, domain/path/deadline-filter.ts,
 * domain/path/path-events.ts) by zod's own `z.toJSONSchema`: a bound changed
 * there changes the document, nothing is written twice. Served at
 * GET /api/openapi.json and read as a page at /api/documentation (api-docs.ts).
 * It holds no personal data: public, like the style sheet.
 */
import { z } from '../../domain/validation.js';
import { pseudonymousIdSchema } from '../../domain/ids.js';
import { pathSteps } from '../../domain/path/path.js';
import { pathEventSchema } from '../../domain/path/path-events.js';
import { roles } from '../../store/accounts.js';
import { actSchema, dueSchema, filterSchema } from './api.js';
import { problemSchema, problemTitles, type ProblemCode } from './problem.js';

type JsonSchema = Record<string, unknown>;

/** A schema as the client sends it (`io: 'input'`: defaults optional, before transforms), without `$schema`. */
export function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest as JsonSchema;
}

const isoInstant = z.string().meta({ description: 'Instant ISO 8601 (UTC).', format: 'date-time' });

/** What the API answers (api.ts builds these shapes; test/e2e/api-openapi.test.ts checks real answers against them). */
export const deadlineItemSchema = z
  .object({
    beneficiaryId: z.string().meta({ description: 'Identifiant pseudonyme de l’allocataire.' }),
    kind: z.string().meta({ description: 'Nature de l’échéance (first-appointment, contract…).' }),
    dueAt: isoInstant,
    step: z.enum(pathSteps),
    territory: z.string(),
    organisation: z.string().nullable(),
    referent: z.string().nullable(),
  })
  .strict();

export const accountSchema = z
  .object({
    login: z.string(),
    role: z.enum(roles),
    scope: z.object({
      all: z
        .boolean()
        .meta({ description: 'Vrai : tous les parcours (administrateur, compte départemental).' }),
      organisations: z.array(z.string()).optional(),
      territories: z.array(z.string()).optional(),
    }),
  })
  .strict();

/** A path's state (domain/path/path.ts PathState): its main fields; the others pass as they are. */
export const pathStateSchema = z
  .object({
    beneficiaryId: z.string(),
    policy: z.string(),
    territory: z.string(),
    step: z.enum(pathSteps),
    status: z.enum(['active', 'closed']),
    rightsOpenedAt: isoInstant,
    orientation: z
      .object({ track: z.string(), organisation: z.string(), referent: z.string(), decidedAt: isoInstant })
      .loose()
      .nullable(),
    deadlines: z.array(
      z
        .object({ kind: z.string(), dueAt: isoInstant, metAt: isoInstant.nullable(), breached: z.boolean() })
        .loose(),
    ),
    journal: z.array(z.object({ event: z.string(), at: isoInstant, by: z.string().nullable() }).loose()),
  })
  .loose();

/** French descriptions of the query parameters, by the schema's keys (a key without one fails the test). */
export const parameterDescriptions: Record<string, string> = {
  territoire: 'Code du territoire (`lens-lievin`).',
  organisation: 'Code de l’organisme référent (`org-a`).',
  referent: 'Code pseudonyme du référent.',
  etape: `Étape du parcours : ${pathSteps.join(', ')}.`,
  territory: 'Ancien nom de `territoire` (version 1.0), accepté pour une version encore.',
  step: 'Ancien nom de `etape` (version 1.0), accepté pour une version encore.',
  jours: 'Horizon en jours (1 à 92, 7 par défaut).',
};
const deprecatedParameters = new Set(['territory', 'step']);

function queryParameters(schema: z.ZodType): JsonSchema[] {
  const s = jsonSchema(schema) as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: s.required?.includes(name) ?? false,
    description: parameterDescriptions[name] ?? '',
    ...(deprecatedParameters.has(name) ? { deprecated: true } : {}),
    schema: property,
  }));
}

/**
 * The act's body: each event type's schema (the path's own, domain/path/path-events.ts),
 * restricted to the envelope's keys (api.ts actSchema: `by` is the token's account, never sent).
 */
function actBody(): JsonSchema {
  const allowed = new Set(Object.keys(actSchema.shape));
  const union = jsonSchema(pathEventSchema) as { oneOf: JsonSchema[] };
  return {
    oneOf: union.oneOf.map((variant) => {
      const v = variant as { properties: Record<string, unknown>; required?: string[] };
      return {
        ...v,
        properties: Object.fromEntries(Object.entries(v.properties).filter(([k]) => allowed.has(k))),
        required: (v.required ?? []).filter((k) => allowed.has(k)),
      };
    }),
  };
}

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Identifiant pseudonyme de l’allocataire.',
  schema: jsonSchema(pseudonymousIdSchema),
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });

/** One operation as the documentation lists it (Fastify's path syntax, `:id`). */
export interface ApiOperation {
  method: 'get' | 'post';
  path: string;
  summary: string;
  description: string;
  /** Null: public; otherwise the security scheme. */
  security: 'jetonPersonnel' | 'signatureRdvInsertion' | null;
  parameters?: JsonSchema[];
  body?: unknown;
  response: { status: number; description: string; schema: unknown; type?: string };
  errors: ProblemCode[];
}

const authErrors: ProblemCode[] = ['non-authentifie', 'acces-refuse', 'trop-de-tentatives'];

/** One path: read it, act on it. */
function pathOperations(): ApiOperation[] {
  return [
    {
      method: 'get',
      path: '/api/parcours/:id',
      summary: 'L’état d’un parcours',
      description:
        'L’état d’un parcours lu dans son workflow : étape, orientation, échéances, journal. Un parcours hors du périmètre répond comme un parcours inexistant.',
      security: 'jetonPersonnel',
      parameters: [idParameter],
      response: { status: 200, description: 'Le parcours.', schema: ref('Parcours') },
      errors: ['introuvable', ...authErrors, 'temporal-indisponible', 'temporal-en-echec'],
    },
    {
      method: 'post',
      path: '/api/parcours/:id/actes',
      summary: 'Enregistrer un acte',
      description:
        'Enregistre un acte au nom du compte du jeton (rôle agent au moins), validé par les règles du parcours (docs/rules.md). Un acte refusé ne change rien.',
      security: 'jetonPersonnel',
      parameters: [idParameter],
      body: ref('Acte'),
      response: { status: 200, description: 'Le nouvel état du parcours.', schema: ref('Parcours') },
      errors: [
        'parametre-invalide',
        'acte-invalide',
        'acte-refuse',
        'introuvable',
        'parcours-clos',
        'role-insuffisant',
        ...authErrors,
        'requete-trop-volumineuse',
        'temporal-indisponible',
      ],
    },
  ];
}

export function apiOperations(): ApiOperation[] {
  return [
    {
      method: 'get',
      path: '/api/moi',
      summary: 'Le compte du jeton',
      description: 'L’identifiant, le rôle et le périmètre du compte auquel appartient le jeton personnel.',
      security: 'jetonPersonnel',
      response: { status: 200, description: 'Le compte.', schema: ref('Compte') },
      errors: authErrors,
    },
    {
      method: 'get',
      path: '/api/retards',
      summary: 'Les échéances dépassées',
      description:
        'Les échéances en retard dans le périmètre du compte, filtrées par territoire, organisme, référent ou étape.',
      security: 'jetonPersonnel',
      parameters: queryParameters(filterSchema),
      response: {
        status: 200,
        description: 'Les retards.',
        schema: {
          type: 'object',
          properties: { retards: { type: 'array', items: ref('Echeance') } },
          required: ['retards'],
        },
      },
      errors: ['parametre-invalide', ...authErrors],
    },
    {
      method: 'get',
      path: '/api/echeances',
      summary: 'Les échéances à venir',
      description:
        'Les échéances des N prochains jours (7 par défaut) dans le périmètre du compte, mêmes filtres que les retards.',
      security: 'jetonPersonnel',
      parameters: queryParameters(dueSchema),
      response: {
        status: 200,
        description: 'Les échéances.',
        schema: {
          type: 'object',
          properties: { echeances: { type: 'array', items: ref('Echeance') } },
          required: ['echeances'],
        },
      },
      errors: ['parametre-invalide', ...authErrors],
    },
    ...pathOperations(),
  ];
}

export const documentationOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'Cette description',
    description: 'La description OpenAPI 3.1 de l’API, générée depuis ses schémas de validation. Publique.',
    security: null,
    response: { status: 200, description: 'Le document OpenAPI.', schema: { type: 'object' } },
    errors: [],
  },
  {
    method: 'get',
    path: '/api/documentation',
    summary: 'La documentation lisible',
    description:
      'Les opérations et les codes d’erreur, en une page HTML générée depuis ce document. Publique.',
    security: null,
    response: { status: 200, description: 'La page.', schema: { type: 'string' }, type: 'text/html' },
    errors: [],
  },
];

const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

function operationObject(op: ApiOperation): JsonSchema {
  const problem = { $ref: '#/components/responses/Probleme' };
  return {
    operationId: `${op.method}${openApiPath(op.path).replace(/[^A-Za-z]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: op.summary,
    description: op.description,
    security: op.security ? [{ [op.security]: [] }] : [],
    ...(op.parameters ? { parameters: op.parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: json(op.body) } } : {}),
    responses: {
      [op.response.status]: {
        description: op.response.description,
        content: { [op.response.type ?? 'application/json']: { schema: op.response.schema } },
      },
      ...(op.errors.length ? { '4XX': problem, '5XX': problem } : {}),
    },
    'x-codes-erreur': op.errors,
  };
}

/** The document; `extra` adds operations registered elsewhere (the partner webhook, when configured). */
export function openApiDocument(extra: ApiOperation[] = []): JsonSchema {
  const operations = [...apiOperations(), ...extra, ...documentationOperations];
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) (paths[openApiPath(op.path)] ??= {})[op.method] = operationObject(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'API de Jalons',
      version: '1.0.0',
      description:
        'Les actions à distance sur les parcours (scripts, mode distant de la ligne de commande) : mêmes rôles et même périmètre que les pages. Authentification par jeton personnel (« jalons compte jeton »). Les erreurs sont au format `application/problem+json` (RFC 9457) : un `code` stable et la phrase française dans `detail`.',
    },
    servers: [{ url: '/' }],
    security: [{ jetonPersonnel: [] }],
    paths,
    components: {
      securitySchemes: {
        jetonPersonnel: {
          type: 'http',
          scheme: 'bearer',
          description:
            'Jeton personnel d’un compte de Jalons (« jalons compte jeton ») : `Authorization: Bearer <jeton>`.',
        },
        signatureRdvInsertion: {
          type: 'apiKey',
          in: 'header',
          name: 'X-RDVI-Signature',
          description:
            'HMAC SHA-256 hexadécimal du corps brut avec le secret partagé (JALONS_RDVI_WEBHOOK_SECRET), calculé par RDV-Insertion.',
        },
      },
      schemas: {
        Compte: jsonSchema(accountSchema),
        Echeance: jsonSchema(deadlineItemSchema),
        Parcours: jsonSchema(pathStateSchema),
        Acte: actBody(),
        Probleme: jsonSchema(problemSchema),
      },
      responses: {
        Probleme: {
          description: `Erreur : ${Object.keys(problemTitles).join(', ')}.`,
          content: { 'application/problem+json': { schema: ref('Probleme') } },
        },
      },
    },
  };
}
