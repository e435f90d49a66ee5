/**
 * The « Santé » page (docs/health.md): the paths and grant cycles the health
 * watch found stopped or failing, why and since when, the counters per kind,
 * the watch's last run; an administrator restarts a stopped path from its
 * recorded state (a form, CSRF checked by the app's hook, in their name).
 * Reserved to accounts that see every case: it names cases of every perimeter.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { incidentKindLabels, type Incident } from '../../store/incidents.js';
import { formatParis } from '../../domain/calendar.js';
import { z } from '../../domain/validation.js';
import { scopeOf } from '../../store/accounts.js';
import { healthReport, restartPath, type HealthReport } from '../../services/health.js';
import { html, type Raw } from '../../domain/html.js';
import { ActionRefused } from '../../services/paths.js';
import { csrfField, pageUser, refuse } from './access.js';
import { page } from './layout.js';

const paris = (iso: string) => formatParis(new Date(iso), true);
const restartForm = z.object({ id: z.string().max(100), _csrf: z.string().optional() }).strict();

function incidentRow(i: Incident, csrf: Raw | null): Raw {
  const isPath = i.workflowType === 'beneficiaryPath';
  const id = isPath
    ? html`<a href="/parcours/${i.workflowId.slice('parcours-'.length)}">${i.workflowId}</a>`
    : html`${i.workflowId}`;
  const action =
    csrf && isPath
      ? html`<form class="inline" method="post" action="/sante/relancer">
          ${csrf}
          <input type="hidden" name="id" value="${i.workflowId}" />
          <button type="submit">Relancer depuis l’état enregistré</button>
        </form>`
      : html`—`;
  return html`<tr>
    <td>${id}</td>
    <td class="late">${incidentKindLabels[i.kind]}</td>
    <td>${i.reason}</td>
    <td>${paris(i.since)}</td>
    <td>${i.alertedAt ? `alerte envoyée le ${paris(i.alertedAt)}` : 'alerte en cours d’envoi'}</td>
    <td>${action}</td>
  </tr>`;
}

function healthBody(r: HealthReport, csrf: Raw | null, message?: { error?: string; done?: string }): Raw {
  return html`${message?.error ? html`<div class="alert" role="alert"><strong>Refusé :</strong> ${message.error}</div>` : ''}
    ${message?.done ? html`<div class="notice" role="status">${message.done}</div>` : ''}
    <p>
      ${
        r.watch.lastRunAt
          ? `Surveillance toutes les 2 minutes : dernier passage le ${paris(r.watch.lastRunAt)} (${r.watch.runs} passages).`
          : 'La surveillance n’est encore jamais passée.'
      }
    </p>
    <table>
      <caption>
        Compteurs d’incidents
      </caption>
      <thead>
        <tr>
          <th scope="col">Nature</th>
          <th scope="col">Ouverts</th>
          <th scope="col">Depuis le début</th>
        </tr>
      </thead>
      <tbody>
        ${r.counts.map(
          (c) =>
            html`<tr>
              <td>${incidentKindLabels[c.kind]}</td>
              <td class="${c.open ? 'late' : 'ok'}">${c.open}</td>
              <td>${c.total}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      r.open.length === 0
        ? html`<p class="ok">Aucun parcours ni cycle de subvention arrêté.</p>`
        : html`<table>
            <caption>
              Incidents ouverts (${r.open.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">Workflow</th>
                <th scope="col">Nature</th>
                <th scope="col">Raison</th>
                <th scope="col">Depuis le</th>
                <th scope="col">Alerte</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              ${r.open.map((i) => incidentRow(i, csrf))}
            </tbody>
          </table>`
    }`;
}

export interface HealthPagesOptions {
  client: Client;
  db: ReadModelDb;
}

export function healthPages(app: FastifyInstance, { client, db }: HealthPagesOptions): void {
  const show = async (
    req: FastifyRequest,
    reply: FastifyReply,
    message?: { error?: string; done?: string },
  ) => {
    const account = req.account!;
    if (!scopeOf(account).all)
      return refuse(
        req,
        reply,
        403,
        'La page « Santé » est réservée aux comptes qui voient tous les dossiers.',
      );
    const csrf = account.role === 'admin' ? csrfField(reply) : null;
    const body = healthBody(await healthReport(db), csrf, message);
    return reply
      .code(message?.error ? 422 : 200)
      .type('text/html; charset=utf-8')
      .send(page('Santé', '/sante', body, pageUser(req, reply)));
  };
  app.get<{ Querystring: { fait?: string } }>('/sante', async (req, reply) =>
    show(
      req,
      reply,
      req.query.fait ? { done: `Parcours ${req.query.fait.slice(0, 80)} relancé.` } : undefined,
    ),
  );
  app.post('/sante/relancer', { config: { role: 'admin' } }, async (req, reply) => {
    const form = restartForm.safeParse(req.body ?? {});
    if (!form.success)
      return refuse(req, reply, 400, 'Formulaire invalide : identifiant (100 caractères au plus) attendu.');
    try {
      const r = await restartPath(client, db, form.data.id, req.account!.login);
      return reply.redirect(`/sante?fait=${encodeURIComponent(r.workflowId)}`, 303);
    } catch (err) {
      if (!(err instanceof ActionRefused)) throw err;
      return show(req, reply, { error: err.message });
    }
  });
}
