/**
 * The conventions' reports (`/rapports`): a convention and a period, the
 * indicators it asks for, read in the page, downloaded as CSV (Pilot'Actions, a
 * funder's template) or as a standalone French HTML page to print or send.
 * Département-wide figures: for accounts that see every case.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildReport, type Report } from '../../store/reporting.js';
import type { ReadModelDb } from '../../store/db.js';
import { civilDateOf, civilDateSchema } from '../../domain/calendar.js';
import {
  conventionIdSchema,
  conventions,
  reportPeriodSchema,
  type ConventionId,
  type ReportPeriod,
} from '../../domain/reporting.js';
import { frenchIssues, z } from '../../domain/validation.js';
import { scopeOf } from '../../store/accounts.js';
import { html, raw } from '../../domain/html.js';
import { pageUser, refuse } from './access.js';
import { page } from './layout.js';
import { region } from './view.js';

const querySchema = z.object({
  convention: z.string().optional(),
  du: z.string().optional(),
  au: z.string().optional(),
  format: z.enum(['csv', 'html']).optional().catch(undefined),
});

/** Last calendar year by default: what a yearly campaign reports on. */
function defaults(now: Date): ReportPeriod {
  const year = Number(civilDateOf(now).slice(0, 4)) - 1;
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

type Choice = { convention: ConventionId; period: ReportPeriod } | { error: string };

function choiceOf(
  req: FastifyRequest,
  now: Date,
): Choice & { raw: { convention: string; du: string; au: string } } {
  const q = querySchema.safeParse(req.query ?? {});
  const d = defaults(now);
  const raw = {
    convention: (q.success && q.data.convention) || 'etat-cie-2025-2027',
    du: (q.success && q.data.du) || d.from,
    au: (q.success && q.data.au) || d.to,
  };
  const convention = conventionIdSchema.safeParse(raw.convention);
  if (!convention.success) return { error: frenchIssues(convention.error), raw };
  for (const [label, v] of [
    ['Du', raw.du],
    ['Au', raw.au],
  ] as const) {
    const date = civilDateSchema.safeParse(v);
    if (!date.success) return { error: `${label} : ${frenchIssues(date.error)}`, raw };
  }
  const period = reportPeriodSchema.safeParse({ from: raw.du, to: raw.au });
  if (!period.success) return { error: 'Période invalide : la fin de la période précède son début.', raw };
  return { convention: convention.data, period: period.data, raw };
}

function reportTable(r: Report) {
  return region(
    't-rapport',
    html`<table>
      <caption id="t-rapport">
        ${r.title} — du ${r.period.from.split('-').reverse().join('/')} au
        ${r.period.to.split('-').reverse().join('/')}
      </caption>
      <thead>
        <tr>
          <th scope="col">Indicateur</th>
          <th scope="col">Valeur</th>
          <th scope="col">Source</th>
        </tr>
      </thead>
      <tbody>
        ${r.figures.map(
          (f) =>
            html`<tr>
              <td>${f.label}</td>
              <td><strong>${f.shown}</strong></td>
              <td class="hint">${f.source}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

export function reportPages(app: FastifyInstance, { db, now }: { db: ReadModelDb; now: () => Date }): void {
  const allowed = (req: FastifyRequest, reply: FastifyReply) => {
    if (scopeOf(req.account!).all) return true;
    void refuse(
      req,
      reply,
      403,
      'Les rapports des conventions sont réservés aux comptes qui voient tous les dossiers.',
    );
    return false;
  };

  app.get('/rapports', async (req, reply) => {
    if (!allowed(req, reply)) return reply;
    const choice = choiceOf(req, now());
    const report = 'error' in choice ? null : await buildReport(db, choice.convention, choice.period);
    const qs = new URLSearchParams(choice.raw).toString();
    const body = html`<form class="filters" method="get" action="/rapports" aria-label="Choisir le rapport">
        <div>
          <label for="r-convention">Convention</label
          ><select id="r-convention" name="convention">
            ${Object.entries(conventions).map(
              ([id, c]) =>
                html`<option value="${id}" ${raw(choice.raw.convention === id ? ' selected' : '')}>
                  ${c.title}
                </option>`,
            )}
          </select>
        </div>
        <div>
          <label for="r-du">Du (AAAA-MM-JJ)</label><input id="r-du" name="du" value="${choice.raw.du}" />
        </div>
        <div><label for="r-au">Au (inclus)</label><input id="r-au" name="au" value="${choice.raw.au}" /></div>
        <div><button type="submit">Calculer</button></div>
      </form>
      ${'error' in choice ? html`<div class="alert" role="alert"><strong>Refusé :</strong> ${choice.error}</div>` : ''}
      ${
        report
          ? html`<p>
                Pour : ${conventions[report.convention].recipient}.
                <a href="/rapports/telecharger?${qs}&amp;format=csv">Télécharger en CSV</a> ·
                <a href="/rapports/telecharger?${qs}&amp;format=html"
                  >Télécharger le rapport (HTML à imprimer)</a
                >
              </p>
              ${reportTable(report)}`
          : ''
      }`;
    return reply
      .code('error' in choice ? 422 : 200)
      .type('text/html; charset=utf-8')
      .send(page('Rapports des conventions', '/rapports', body, pageUser(req, reply)));
  });

  app.get('/rapports/telecharger', async (req, reply) => {
    if (!allowed(req, reply)) return reply;
    const choice = choiceOf(req, now());
    if ('error' in choice) return refuse(req, reply, 422, choice.error);
    const format = querySchema.safeParse(req.query).data?.format ?? 'csv';
    const r = await buildReport(db, choice.convention, choice.period);
    const name = `rapport-${r.convention}-${r.period.from}-${r.period.to}.${format}`;
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/html; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(format === 'csv' ? r.csv : r.html);
  });
}
