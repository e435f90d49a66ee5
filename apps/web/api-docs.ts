/**
 * The API's description, served with the app: GET /api/openapi.json (the
 * OpenAPI 3.1 document of openapi.ts) and /api/documentation, a French page
 * listing its operations, parameters and error codes, rendered on the server
 * from the same document (no script, no CDN: the CSP forbids both). Public:
 * the document holds no personal data.
 */
import type { FastifyInstance } from 'fastify';
import { html, type Raw } from '../../domain/html.js';
import { page } from './layout.js';
import {
  apiOperations,
  documentationOperations,
  jsonSchema,
  openApiDocument,
  type ApiOperation,
} from './openapi.js';
import { problemDescriptions, problemTitles, problemType, type ProblemCode } from './problem.js';
import { RDVI_WEBHOOK_PATH } from './rdv-insertion-webhook.js';
import { webhookSchema } from '../../partners/rdv-insertion.js';

/** RDV-Insertion's webhook, described only where it is registered (a secret is set; docs/rdv-insertion.md § 4). */
export const rdvInsertionWebhookOperation = (): ApiOperation => ({
  method: 'post',
  path: RDVI_WEBHOOK_PATH,
  summary: 'Webhooks de RDV-Insertion',
  description:
    'RDV-Insertion signale un rendez-vous (`Rdv` : pris, déplacé, honoré, manqué, excusé, annulé) ou une invitation (`Invitation`), au format publié `{ data, meta }`. Une même livraison reçue deux fois est appliquée une fois ; une livraison plus ancienne que la dernière appliquée ne change rien. Réservé à RDV-Insertion.',
  security: 'signatureRdvInsertion',
  body: jsonSchema(webhookSchema),
  response: {
    status: 200,
    description: 'Ce qui a été fait de chaque participation (ou de l’invitation).',
    schema: {
      type: 'object',
      properties: {
        recu: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              participation: { type: 'integer' },
              invitation: { type: 'integer' },
              resultat: { enum: ['applied', 'journaled', 'duplicate', 'stale', 'unknown'] },
            },
          },
        },
      },
    },
  },
  errors: ['non-authentifie', 'parametre-invalide', 'temporal-indisponible'],
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
          : op.security === 'signatureRdvInsertion'
            ? 'signature du corps par le secret partagé (en-tête X-RDVI-Signature).'
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

export function apiDocsRoutes(app: FastifyInstance, o: { rdvInsertionWebhook: boolean }): void {
  const extra = o.rdvInsertionWebhook ? [rdvInsertionWebhookOperation()] : [];
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
