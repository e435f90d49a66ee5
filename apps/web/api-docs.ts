/**
 * The API's description, served with the app: GET /api/openapi.json (the
 * OpenAPI 3.1 document of openapi.ts) and /api/documentation, a French page
 * listing its operations, parameters and error codes, rendered on the server
 * from the same document (no script, no CDN: the CSP forbids both). Public:
 * the document holds no personal data.
 */
import type { FastifyInstance } from 'fastify';
import { html, type Raw } from '../../domain/html.js';
import { attendanceCallbackSchema } from '../../partners/appointments.js';
import { page } from './layout.js';
import {
  apiOperations,
  documentationOperations,
  jsonSchema,
  openApiDocument,
  type ApiOperation,
} from './openapi.js';
import { ATTENDANCE_CALLBACK_PATH } from './partner-callbacks.js';
import { problemDescriptions, problemTitles, problemType, type ProblemCode } from './problem.js';

/** The partner's webhook, described only where it is registered (JALONS_PARTNER_TOKEN set). */
export const partnerCallbackOperation = (): ApiOperation => ({
  method: 'post',
  path: ATTENDANCE_CALLBACK_PATH,
  summary: 'Rappel de présence du service de rendez-vous',
  description:
    'Le service de rendez-vous signale qu’une personne est venue ou non ; un même `eventId` reçu deux fois est appliqué une fois. Réservé au partenaire.',
  security: 'jetonPartenaire',
  body: jsonSchema(attendanceCallbackSchema),
  response: {
    status: 202,
    description: 'Reçu.',
    schema: { type: 'object', properties: { recu: { type: 'string' } } },
  },
  errors: ['non-authentifie', 'parametre-invalide', 'introuvable', 'temporal-indisponible'],
});

const methodLabel = { get: 'GET', post: 'POST' } as const;

function parameterRows(op: ApiOperation): Raw | string {
  if (!op.parameters?.length) return '';
  return html`<table class="compact">
    <caption>
      Paramètres
    </caption>
    <thead>
      <tr>
        <th scope="col">Nom</th>
        <th scope="col">Où</th>
        <th scope="col">Description</th>
      </tr>
    </thead>
    <tbody>
      ${op.parameters.map(
        (p) =>
          html`<tr>
            <th scope="row"><code>${String(p.name)}</code>${p.required ? ' (obligatoire)' : ''}</th>
            <td>${p.in === 'path' ? 'chemin' : 'requête'}</td>
            <td>${String(p.description)}${p.deprecated ? ' Obsolète.' : ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function operationSection(op: ApiOperation): Raw {
  const errors = op.errors.map(
    (c, i) => html`${i ? ', ' : ''}<a href="${problemType(c)}"><code>${c}</code></a>`,
  );
  return html`<section>
    <h2><code>${methodLabel[op.method]} ${op.path}</code> — ${op.summary}</h2>
    <p>${op.description}</p>
    <p>
      Authentification :
      ${
        op.security === 'jetonPersonnel'
          ? 'jeton personnel (Authorization: Bearer).'
          : op.security === 'jetonPartenaire'
            ? 'jeton du partenaire (Authorization: Bearer).'
            : 'aucune (page publique).'
      }
    </p>
    ${parameterRows(op)} ${op.body ? html`<p>Corps : JSON, décrit dans le document OpenAPI.</p>` : ''}
    <p>Réponse : ${op.response.status} — ${op.response.description}</p>
    ${op.errors.length ? html`<p>Erreurs : ${errors}.</p>` : ''}
  </section>`;
}

function documentationPage(operations: ApiOperation[]): string {
  const codes = Object.keys(problemTitles) as ProblemCode[];
  const body = html`<p>
      L’API JSON de Jalons, pour les scripts et le mode distant de la ligne de commande. Sa description
      complète : <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1, générée depuis les schémas de
      validation).
    </p>
    <p>
      Chaque appel porte un jeton personnel (« jalons compte jeton ») :
      <code>Authorization: Bearer &lt;jeton&gt;</code>. Le jeton a le rôle et le périmètre de son compte.
    </p>
    ${operations.map(operationSection)}
    <section>
      <h2>Codes d’erreur</h2>
      <p>
        Les erreurs sont au format <code>application/problem+json</code> (RFC 9457) : <code>type</code>,
        <code>title</code>, <code>status</code>, <code>detail</code> (la phrase en français) et
        <code>code</code>, stable, à tester par les programmes.
      </p>
      <dl>
        ${codes.map(
          (c) =>
            html`<dt id="probleme-${c}"><code>${c}</code> — ${problemTitles[c]}</dt>
              <dd>${problemDescriptions[c]}</dd>`,
        )}
      </dl>
    </section>`;
  return page('Documentation de l’API', '', body, null);
}

export function apiDocsRoutes(app: FastifyInstance, o: { partnerCallback: boolean }): void {
  const extra = o.partnerCallback ? [partnerCallbackOperation()] : [];
  // Built once: the schemas do not change while the process runs.
  const document = openApiDocument(extra);
  const listing = documentationPage([...apiOperations(), ...extra, ...documentationOperations]);
  const opts = { config: { auth: 'none' as const } };
  app.get('/api/openapi.json', opts, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'max-age=3600').send(document),
  );
  app.get('/api/documentation', opts, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'max-age=3600').send(listing),
  );
}
