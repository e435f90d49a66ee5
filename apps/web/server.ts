/**
 * The operations web app: what is late and due this week, one beneficiary's
 * timeline and the acts a person may record there (the same validated Updates
 * as the CLI), référents' portfolios, indicators (CSV export, a chart).
 * Lists read the read model; a path's page reads the workflow itself.
 * Every page needs a signed-in account and shows only its perimeter (access.ts,
 * cases.ts); the JSON API for remote actions is in api.ts.
 */
import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import {
  dueSoon,
  failedNotifications,
  failedPartnerCalls,
  filterChoices,
  indicators,
  lateItems,
  orientationDelays,
  workloads,
  type DeadlineItem,
  type FailedNotification,
  type FailedPartnerCall,
  type ItemFilter,
  type Scope,
} from '../../store/queries.js';
import { formatParis } from '../../domain/calendar.js';
import { pathEventTypes, type PathEventInput } from '../../domain/path/path-events.js';
import type { PathState } from '../../domain/path/path.js';
import { getPolicy } from '../../domain/policy.js';
import { deadlineLabels, stepLabels } from '../cli/format.js';
import { z } from '../../domain/validation.js';
import { html, raw, type Raw } from '../../domain/html.js';
import { ActionRefused } from '../../services/paths.js';
import { page, type PageUser } from './layout.js';
import { canAct, scopeOf, type Account } from '../../store/accounts.js';
import { csrfField, installAccess, pageUser, refuse, type AccessOptions } from './access.js';
import { apiRoutes } from './api.js';
import { accountRoutes } from './accounts-page.js';
import { actFor, pathFor, PathNotFound, stoppedBanner, WEB_BODY_LIMIT_BYTES } from './cases.js';
import { registerPartnerCallbacks } from './partner-callbacks.js';
import { grantRoutes } from './grants-routes.js';
import { grantIndicators, type GrantIndicatorRow } from '../../store/grants.js';
import {
  partnerOperationLabels,
  type PartnerCall,
  type PartnerOperation,
} from '../../domain/partner-calls.js';

export interface WebAppOptions extends Partial<Omit<AccessOptions, 'db'>> {
  client: Client;
  db: ReadModelDb;
  /** The token partners present on their webhooks (the attendance callback); none: no webhook. */
  partnerToken?: string;
  port: number;
  host?: string;
  /** The clock of "due this week" (tests). */
  now?: () => Date;
  /** Fastify's trustProxy: which reverse proxies' X-Forwarded-For to believe (the login limit counts per address). */
  trustProxy?: boolean | string;
}

/** What a page needs of the person viewing it. */
interface View {
  user: PageUser | undefined;
  scope: Scope;
  account: Account;
}

const eventLabels: Record<string, string> = {
  'orientation.decided': 'Décision d’orientation',
  'reorientation.decided': 'Réorientation',
  'appointment.scheduled': 'Rendez-vous fixé',
  'appointment.attended': 'Présence au premier rendez-vous',
  'appointment.missed': 'Absence au premier rendez-vous',
  'diagnostic.completed': 'Diagnostic réalisé',
  'contract.signed': 'Contrat d’engagement signé',
  'interview.held': 'Entretien de suivi',
  'activity.declared': 'Heures d’activité déclarées',
  'breach.reported': 'Manquement constaté',
  'sanction.proposed': 'Proposition de sanction (France Travail)',
  'observations.received': 'Observations reçues',
  'sanction.decided': 'Décision de sanction',
  'compliance.resumed': 'Reprise des engagements (remobilisation)',
  'review.completed': 'Réexamen du parcours social',
  'reminders.switched': 'Rappels activés ou coupés ({"on": false} pour couper)',
  'rights.ended': 'Sortie (fin de droit)',
  'partner.resolved':
    'Transmission refusée : renvoyer ou traitée ({"call": "…", "action": "retry" ou "handled"})',
};
const trackLabels = { employment: 'Emploi', 'socio-professional': 'Socio-professionnel', social: 'Social' };

const parisTime = (d: Date | string) => formatParis(new Date(d), true);
const filterKeys = ['territory', 'organisation', 'referent', 'step'] as const;
const filterLabels = {
  territory: 'Territoire',
  organisation: 'Organisme',
  referent: 'Référent',
  step: 'Étape',
};

function itemsTable(caption: string, items: DeadlineItem[], late: boolean): Raw {
  if (items.length === 0) return html`<p><strong>${caption}</strong> : aucun.</p>`;
  return html`<table>
    <caption>
      ${caption} (${items.length})
    </caption>
    <thead>
      <tr>
        <th scope="col">Dossier</th>
        <th scope="col">Échéance</th>
        <th scope="col">${late ? 'Dépassée depuis le' : 'Pour le'}</th>
        <th scope="col">Étape</th>
        <th scope="col">Territoire</th>
        <th scope="col">Organisme</th>
        <th scope="col">Référent</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (i) => html`<tr><td><a href="/parcours/${i.beneficiary_id}">${i.beneficiary_id}</a></td>
<td>${deadlineLabels[i.kind] ?? i.kind}</td><td${raw(late ? ' class="late"' : '')}>${parisTime(i.due_at)}</td>
<td>${stepLabels[i.step] ?? i.step}</td><td>${i.territory}</td><td>${i.organisation ?? '—'}</td><td>${i.referent ?? '—'}</td></tr>`,
      )}
    </tbody>
  </table>`;
}

function failedTable(rows: FailedNotification[]): Raw {
  if (rows.length === 0) return html``;
  return html`<table>
    <caption>
      Messages non délivrés (${rows.length}) : à traiter autrement
    </caption>
    <thead>
      <tr>
        <th scope="col">Dossier</th>
        <th scope="col">Date</th>
        <th scope="col">Destinataire</th>
        <th scope="col">Message</th>
        <th scope="col">Refus</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <td><a href="/parcours/${r.beneficiary_id}">${r.beneficiary_id}</a></td>
            <td>${parisTime(r.sent_at)}</td>
            <td>${r.recipient}</td>
            <td>${r.template}</td>
            <td class="late">${r.failed}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function partnerTasksTable(rows: FailedPartnerCall[]): Raw {
  if (rows.length === 0) return html``;
  return html`<table>
    <caption>
      Transmissions refusées par un partenaire (${rows.length}) : à renvoyer ou à traiter
    </caption>
    <thead>
      <tr>
        <th scope="col">Dossier</th>
        <th scope="col">Date</th>
        <th scope="col">Transmission</th>
        <th scope="col">Motif du partenaire</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <td><a href="/parcours/${r.beneficiary_id}">${r.beneficiary_id}</a></td>
            <td>${parisTime(r.failed_at)}</td>
            <td>${partnerOperationLabels[r.operation as PartnerOperation] ?? r.operation} (${r.call})</td>
            <td class="late">${r.error}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function partnerCallsTable(s: PathState): Raw {
  const calls = s.partnerCalls ?? [];
  if (calls.length === 0) return html``;
  const status = (c: PartnerCall) =>
    c.status === 'done'
      ? html`transmise${c.receipt ? ` (reçu ${c.receipt})` : ''}${c.resolution?.action === 'handled' ? ' — traitée hors de Jalons' : ''}`
      : c.status === 'pending'
        ? html`en cours`
        : html`<span class="late">refusée : ${c.error}</span> — acte « partner.resolved » avec la transmission
            « ${c.id} » (retry pour renvoyer, handled si traitée autrement)`;
  return html`<table>
    <caption>
      Transmissions aux partenaires (${calls.length})
    </caption>
    <thead>
      <tr>
        <th scope="col">Décidée le</th>
        <th scope="col">Transmission</th>
        <th scope="col">État</th>
      </tr>
    </thead>
    <tbody>
      ${calls.map(
        (c) =>
          html`<tr>
            <td>${parisTime(c.decidedAt)}</td>
            <td>${partnerOperationLabels[c.operation]}</td>
            <td>${status(c)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

async function dashboard(db: ReadModelDb, filter: ItemFilter, now: Date, view: View): Promise<string> {
  const choices = await filterChoices(db, view.scope);
  const select = (key: (typeof filterKeys)[number]) =>
    html`<div>
      <label for="f-${key}">${filterLabels[key]}</label
      ><select id="f-${key}" name="${key}">
        <option value="">Tous</option>
        ${choices[key].map(
          (v) =>
            html`<option value="${v}" ${raw(filter[key] === v ? ' selected' : '')}>
              ${key === 'step' ? (stepLabels[v] ?? v) : v}
            </option>`,
        )}
      </select>
    </div>`;
  const body = html`<form class="filters" method="get" action="/" aria-label="Filtrer">
      ${filterKeys.map(select)}
      <div><button type="submit">Filtrer</button></div>
    </form>
    ${itemsTable('En retard', await lateItems(db, { ...filter, scope: view.scope }), true)}
    ${itemsTable('À échéance dans les 7 jours', await dueSoon(db, now, 7, { ...filter, scope: view.scope }), false)}
    ${failedTable(await failedNotifications(db, 100, view.scope))}
    ${partnerTasksTable(await failedPartnerCalls(db, 100, view.scope))}`;
  return page('Retards et échéances', '/', body, view.user);
}

function deadlineStatus(d: PathState['deadlines'][number]): Raw {
  if (d.metAt)
    return html`<span class="${d.breached ? 'late' : 'ok'}"
      >tenue le ${parisTime(d.metAt)}${d.breached ? ' (en retard)' : ''}</span
    >`;
  if (d.cancelledAt)
    return html`<span class="late">dépassée, plus attendue depuis le ${parisTime(d.cancelledAt)}</span>`;
  return d.breached ? html`<span class="late">DÉPASSÉE</span>` : html`en cours`;
}

/** The act forms, for an account that may act (a read-only account sees none). */
function actForm(s: PathState, values: Record<string, string>, csrf: Raw, login: string): Raw {
  if (s.status === 'closed') return html`<p>Parcours clos : plus aucun acte possible.</p>`;
  const orientation =
    s.step === 'orientation'
      ? html`<form method="post" action="/parcours/${s.beneficiaryId}/actes">
          ${csrf}
          <input type="hidden" name="seen" value="${String(s.seq)}" />
          <fieldset>
            <legend>Décision d’orientation</legend>
            <input type="hidden" name="type" value="orientation.decided" />
            <div class="field">
              <label for="o-track">Parcours</label
              ><select id="o-track" name="track">
                ${Object.entries(trackLabels).map(([v, l]) => html`<option value="${v}">${l}</option>`)}
              </select>
            </div>
            <div class="field">
              <label for="o-org">Organisme référent</label
              ><input id="o-org" name="organisation" required value="${values.organisation ?? ''}" />
            </div>
            <div class="field">
              <label for="o-ref">Référent (identifiant pseudonyme)</label
              ><input id="o-ref" name="referent" required value="${values.referent ?? ''}" />
            </div>
            <button type="submit">Enregistrer l’orientation</button>
          </fieldset>
        </form>`
      : html``;
  return html`${orientation}
    <form method="post" action="/parcours/${s.beneficiaryId}/actes">
      ${csrf}
      <input type="hidden" name="seen" value="${String(s.seq)}" />
      <fieldset>
        <legend>Enregistrer un acte</legend>
        <div class="field">
          <label for="a-type">Acte</label
          ><select id="a-type" name="type">
            ${pathEventTypes.map(
              (t) =>
                html`<option value="${t}" ${raw(values.type === t ? ' selected' : '')}>
                  ${eventLabels[t] ?? t}
                </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="a-data">Données (JSON)</label
          ><textarea id="a-data" name="data" rows="3" cols="60" aria-describedby="a-data-hint">
${values.data ?? '{}'}</textarea>
          <p class="hint" id="a-data-hint">
            Par exemple {"weeklyHours": 15, "intensive": true} pour un contrat, {"excused": true} pour une
            absence.
          </p>
        </div>
        <p class="hint">Les actes sont enregistrés au nom de ${login} (journal d’audit).</p>
        <button type="submit">Enregistrer l’acte</button>
      </fieldset>
    </form>`;
}

function timeline(
  s: PathState,
  view: View & { csrf: Raw | null; stopped?: Raw | null },
  message?: { error?: string; done?: string },
  values: Record<string, string> = {},
): string {
  const policy = getPolicy(s.policy);
  const body = html`${view.stopped ?? ''}${message?.error ? html`<div class="alert" role="alert"><strong>Refusé :</strong> ${message.error}</div>` : ''}
    ${message?.done ? html`<div class="notice" role="status">Acte enregistré : ${eventLabels[message.done] ?? message.done}.</div>` : ''}
    <p>
      <strong>${stepLabels[s.step] ?? s.step}</strong> — territoire ${s.territory}, politique ${policy.name}.
      Droit ouvert le
      ${parisTime(s.rightsOpenedAt)}.${s.orientation ? html` Orientation : ${trackLabels[s.orientation.track]}, ${s.orientation.organisation}, référent ${s.orientation.referent}.` : ''}
    </p>
    <table>
      <caption>
        Échéances
      </caption>
      <thead>
        <tr>
          <th scope="col">Échéance</th>
          <th scope="col">Pour le</th>
          <th scope="col">État</th>
        </tr>
      </thead>
      <tbody>
        ${s.deadlines.map(
          (d) =>
            html`<tr>
              <td>${deadlineLabels[d.kind] ?? d.kind}${d.period ? ` ${d.period}` : ''}</td>
              <td>${parisTime(d.dueAt)}</td>
              <td>${deadlineStatus(d)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${view.csrf ? actForm(s, values, view.csrf, view.account.login) : view.stopped ? '' : html`<p>Votre compte est en lecture seule.</p>`}
    ${view.csrf && s.status !== 'closed' ? html`<p><a href="/parcours/${s.beneficiaryId}/plan">Composer le plan d’activités du contrat (catalogue de l’offre)</a></p>` : ''}
    <table>
      <caption>
        Étapes
      </caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Étape</th>
        </tr>
      </thead>
      <tbody>
        ${s.history.map(
          (h) =>
            html`<tr>
              <td>${parisTime(h.at)}</td>
              <td>${stepLabels[h.step] ?? h.step}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <table>
      <caption>
        Messages envoyés (${s.notifications.length})
      </caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Destinataire</th>
          <th scope="col">Message</th>
        </tr>
      </thead>
      <tbody>
        ${s.notifications.map(
          (n) =>
            html`<tr>
              <td>${parisTime(n.at)}</td>
              <td>${n.to}</td>
              <td>${n.template}${n.failed ? html` <span class="late">(non délivré)</span>` : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${partnerCallsTable(s)}
    ${
      s.sanctions.length
        ? html`<table>
            <caption>
              Sanctions
            </caption>
            <thead>
              <tr>
                <th scope="col">Décidée le</th>
                <th scope="col">Taux</th>
                <th scope="col">Durée</th>
                <th scope="col">Fin</th>
              </tr>
            </thead>
            <tbody>
              ${s.sanctions.map(
                (x) =>
                  html`<tr>
                    <td>${parisTime(x.decidedAt)}</td>
                    <td>${Math.round(x.rate * 100)} %</td>
                    <td>${x.months} mois</td>
                    <td>${x.endedAt ? `${parisTime(x.endedAt)} (${x.endedBy})` : 'en cours'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }`;
  return page(`Parcours ${s.beneficiaryId}`, '', body, view.user);
}

async function portfolios(db: ReadModelDb, view: View): Promise<string> {
  const cap = getPolicy('pas-de-calais').portfolio.intensiveMax;
  const rows = await workloads(db, view.scope);
  const body = html`<p>Plafond : ${cap} personnes en accompagnement intensif par référent.</p>
    <table>
      <caption>
        Référents (${rows.length})
      </caption>
      <thead>
        <tr>
          <th scope="col">Référent</th>
          <th scope="col">Intensif</th>
          <th scope="col">Charge</th>
          <th scope="col">Parcours ouverts</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (
            r,
          ) => html`<tr><td>${r.referent}</td><td${raw(r.intensive > cap ? ' class="late"' : '')}>${r.intensive} / ${cap}</td>
<td><meter min="0" max="${cap}" high="${cap - 1}" value="${Math.min(r.intensive, cap)}" aria-label="charge de ${r.referent}">${r.intensive}</meter></td><td>${r.total}</td></tr>`,
        )}
      </tbody>
    </table>`;
  return page('Portefeuilles des référents', '/referents', body, view.user);
}

const indicatorColumns: [string, string][] = [
  ['month', 'Mois d’ouverture'],
  ['territory', 'Territoire'],
  ['opened', 'Droits ouverts'],
  ['oriented', 'Orientés'],
  ['days_to_orientation', 'Délai moyen ouverture → orientation (jours)'],
  ['oriented_within_15_days', 'Part orientée en 15 jours'],
  ['oriented_within_6_weeks', 'Part orientée en 6 semaines'],
  ['contracts', 'Contrats signés'],
  ['days_to_contract', 'Délai moyen ouverture → contrat (jours)'],
  ['contract_within_month', 'Part signée dans le mois de l’orientation'],
  ['reorientations', 'Réorientations'],
  ['sanctions', 'Sanctions prononcées'],
  ['sanctions_ended_by_remobilisation', 'Levées par remobilisation'],
  ['intensive', 'En accompagnement intensif'],
  ['average_weekly_hours', 'Heures hebdomadaires moyennes'],
  ['interviews_per_month', 'Entretiens par mois dû (intensif, cible 2)'],
  ['ruptures', 'Ruptures d’accompagnement'],
];
const shares = new Set(['oriented_within_15_days', 'oriented_within_6_weeks', 'contract_within_month']);
const cell = (v: unknown, key = '') =>
  v === null || v === undefined
    ? '—'
    : typeof v === 'number' && shares.has(key)
      ? `${Math.round(v * 1000) / 10} %`
      : String(v);

/** What each indicator counts, as a person reading the table needs it. */
const indicatorDefinitions: [string, string][] = [
  [
    'Délai ouverture → orientation',
    'jours civils (Paris) entre l’ouverture du droit et la première décision d’orientation.',
  ],
  [
    'Part orientée en 15 jours / 6 semaines',
    'parmi les orientés, ceux dont l’échéance départementale (15 jours) / légale (6 semaines, CASF D262-65-2) est tenue.',
  ],
  [
    'Délai ouverture → contrat',
    'indicateur national : jours civils entre l’ouverture du droit et la signature du contrat d’engagement.',
  ],
  [
    'Part signée dans le mois',
    'parmi les contrats, ceux signés dans le mois suivant l’orientation (loi du 18/12/2023).',
  ],
  ['Réorientations', 'décisions de réorientation enregistrées pendant le parcours.'],
  [
    'Sanctions prononcées / levées par remobilisation',
    'suspensions décidées (Département ou France Travail) et celles levées par la reprise des engagements.',
  ],
  [
    'En accompagnement intensif',
    'parcours actifs en accompagnement intensif (6 mois, 2 entretiens par mois).',
  ],
  ['Heures hebdomadaires moyennes', 'heures d’activité prévues au contrat (cible légale 15 h).'],
  [
    'Entretiens par mois dû',
    'entretiens tenus rapportés aux mois d’accompagnement intensif déjà échus (cible 2).',
  ],
  [
    'Ruptures d’accompagnement',
    'contrats suivis d’un manquement constaté (procédure de sanction) ou d’une sortie autre qu’un emploi ou une fin de droit.',
  ],
];

function barChart(data: { bucket: string; count: number }[]): Raw {
  const max = Math.max(1, ...data.map((d) => d.count));
  const width = 480;
  return html`<figure>
    <svg
      role="img"
      aria-labelledby="chart-title"
      width="${width}"
      height="${data.length * 34 + 10}"
      viewBox="0 0 ${width} ${data.length * 34 + 10}"
    >
      <title id="chart-title">Délais entre l’ouverture du droit et l’orientation</title>
      ${data.map(
        (d, i) =>
          html`<text x="0" y="${i * 34 + 22}" font-size="14">${d.bucket}</text>
            <rect
              x="110"
              y="${i * 34 + 6}"
              width="${Math.round((d.count / max) * (width - 170))}"
              height="22"
              fill="${d.bucket === 'plus de 42 j' ? '#b60000' : '#000091'}"
            ></rect>
            <text x="${116 + Math.round((d.count / max) * (width - 170))}" y="${i * 34 + 22}" font-size="14"
              >${d.count}</text
            >`,
      )}
    </svg>
    <figcaption>
      Délais d’orientation (jours civils) : au-delà de 42 jours, le délai légal de 6 semaines est dépassé.
    </figcaption>
  </figure>`;
}

const euro = (v: number | null) =>
  v === null ? '—' : new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(v);

function grantIndicatorTable(rows: GrantIndicatorRow[]): Raw {
  if (rows.length === 0) return html``;
  return html`<table>
    <caption>
      Cycles de subvention : jalons et montants
    </caption>
    <thead>
      <tr>
        <th scope="col">Subvention</th>
        <th scope="col">Financeur</th>
        <th scope="col">Jalons tenus / en retard / manqués / à venir</th>
        <th scope="col">Demandé</th>
        <th scope="col">Accordé</th>
        <th scope="col">Reçu</th>
        <th scope="col">À reverser</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <td>${r.grant_id} (${r.programme})</td>
            <td>${r.funder}</td>
            <td>
              ${r.milestones_done} / ${r.milestones_late} / ${r.milestones_missed} / ${r.milestones_pending}
            </td>
            <td>${euro(r.requested)}</td>
            <td>${euro(r.granted)}</td>
            <td>${euro(r.received)}</td>
            <td>${euro(r.to_repay)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

async function indicatorPage(db: ReadModelDb, view: View): Promise<string> {
  const rows = await indicators(db, view.scope);
  const body = html`<p>
      Indicateurs du tableau de bord national et de la convention (RULES.md §4), par mois d’ouverture du droit
      et territoire. Les délais sont comptés en jours civils (heure de Paris).
      <a href="/indicateurs.csv">Télécharger en CSV</a>.
    </p>
    ${barChart(await orientationDelays(db, view.scope))}
    <table>
      <caption>
        Indicateurs
      </caption>
      <thead>
        <tr>
          ${indicatorColumns.map(([, l]) => html`<th scope="col">${l}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              ${indicatorColumns.map(([k]) => html`<td>${cell((r as unknown as Record<string, unknown>)[k], k)}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
    ${view.scope.all ? grantIndicatorTable(await grantIndicators(db)) : ''}
    <h2>Définitions</h2>
    <dl>
      ${indicatorDefinitions.map(
        ([term, def]) =>
          html`<dt>${term}</dt>
            <dd>${def}</dd>`,
      )}
    </dl>`;
  return page('Indicateurs', '/indicateurs', body, view.user);
}

async function indicatorCsv(db: ReadModelDb, scope: Scope): Promise<string> {
  const quote = (v: unknown) =>
    v === null || v === undefined
      ? ''
      : /[;"\n]/.test(String(v))
        ? `"${String(v).replace(/"/g, '""')}"`
        : String(v);
  const rows = await indicators(db, scope);
  return (
    [
      indicatorColumns.map(([, l]) => quote(l)).join(';'),
      ...rows.map((r) =>
        indicatorColumns.map(([k]) => quote((r as unknown as Record<string, unknown>)[k])).join(';'),
      ),
    ].join('\n') + '\n'
  );
}

/** Turns the form into the event the path's Update takes (`by` is the account, never a field). */
function eventFromForm(form: Record<string, string>): PathEventInput {
  const { type = '', data, by: _by, _csrf, seen, ...fields } = form;
  let parsed: unknown = {};
  if (type === 'orientation.decided' && !data) parsed = fields;
  else
    try {
      parsed = JSON.parse(data?.trim() || '{}');
    } catch {
      throw new ActionRefused('Les données doivent être un objet JSON valide.');
    }
  // The revision the page showed: an act on a path changed since (another agent) is refused.
  const revision = seen !== undefined && /^\d+$/.test(seen) ? { seen: Number(seen) } : {};
  return { type, ...revision, data: parsed } as PathEventInput;
}

const viewOf = (req: FastifyRequest, reply: FastifyReply): View => {
  if (!req.account) throw new Error('page sans compte authentifié');
  return { user: pageUser(req, reply), scope: scopeOf(req.account), account: req.account };
};
const send = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
const formSchema = z.record(z.string(), z.string());

function pageRoutes(app: FastifyInstance, client: Client, db: ReadModelDb, now: () => Date): void {
  app.get<{ Querystring: ItemFilter }>('/', async (req, reply) => {
    const filter = Object.fromEntries(
      filterKeys.map((k) => [k, typeof req.query[k] === 'string' && req.query[k] ? req.query[k] : undefined]),
    ) as ItemFilter;
    return send(reply, await dashboard(db, filter, now(), viewOf(req, reply)));
  });
  app.get<{ Params: { id: string }; Querystring: { fait?: string } }>('/parcours/:id', async (req, reply) => {
    const view = viewOf(req, reply);
    try {
      const state = await pathFor(client, view.account, req.params.id, db);
      // A stopped path (docs/health.md) says so at the top and shows no act form.
      const stopped = await stoppedBanner(db, state.beneficiaryId);
      const csrf = canAct(view.account) && !stopped ? csrfField(reply) : null;
      const done = typeof req.query.fait === 'string' ? req.query.fait : undefined;
      return send(reply, timeline(state, { ...view, csrf, stopped }, { done }));
    } catch (err) {
      if (!(err instanceof PathNotFound)) throw err;
      return refuse(req, reply, 404, err.message);
    }
  });
  app.post<{ Params: { id: string } }>('/parcours/:id/actes', async (req, reply) => {
    const view = viewOf(req, reply);
    const id = req.params.id;
    const form = formSchema.safeParse(req.body ?? {});
    if (!form.success) return refuse(req, reply, 400, 'Formulaire invalide.');
    try {
      const event = eventFromForm(form.data);
      await actFor(client, view.account, id, event);
      return reply.redirect(
        `/parcours/${encodeURIComponent(id)}?fait=${encodeURIComponent(event.type)}`,
        303,
      );
    } catch (err) {
      if (err instanceof PathNotFound) return refuse(req, reply, 404, err.message);
      if (!(err instanceof ActionRefused)) throw err;
      const state = await pathFor(client, view.account, id);
      return send(
        reply.code(422),
        timeline(state, { ...view, csrf: csrfField(reply) }, { error: err.message }, form.data),
      );
    }
  });
  app.get('/referents', async (req, reply) => send(reply, await portfolios(db, viewOf(req, reply))));
  app.get('/indicateurs', async (req, reply) => send(reply, await indicatorPage(db, viewOf(req, reply))));
  app.get('/indicateurs.csv', async (req, reply) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="indicateurs-jalons.csv"')
      .send(await indicatorCsv(db, viewOf(req, reply).scope)),
  );
}

/** The app with its routes, not yet listening (tests and other modules may add routes). */
export async function buildWebApp(options: Omit<WebAppOptions, 'port' | 'host'>): Promise<FastifyInstance> {
  const { client, db } = options;
  const now = options.now ?? (() => new Date());
  // Every body is bounded (forms and JSON alike): a megabyte is refused in French before it is parsed.
  const app = Fastify({
    logger: false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: WEB_BODY_LIMIT_BYTES,
  });
  await app.register(formbody);
  await installAccess(app, {
    db,
    // Without configured keys (tests), sessions last as long as the process.
    sessionKeys: options.sessionKeys ?? [randomBytes(32)],
    secureCookie: options.secureCookie ?? true,
    loginRateLimit: options.loginRateLimit ?? { max: 30, timeWindowMs: 60_000 },
    sessionHours: options.sessionHours ?? 10,
    oidc: options.oidc ?? null,
  });
  pageRoutes(app, client, db, now);
  grantRoutes(app, { client, db, now }); // « Subventions »: grants-*.ts
  apiRoutes(app, client, db, now);
  accountRoutes(app, db);
  (await import('./health-page.js')).healthPages(app, { client, db }); // « Santé »
  if (options.partnerToken) registerPartnerCallbacks(app, { client, token: options.partnerToken });
  await app.register((await import('./exchanges.js')).exchangePages, { client, db, now }); // issue 9
  return app;
}

export async function startWebApp(options: WebAppOptions): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildWebApp(options);
  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : options.port };
}
