/**
 * The indicators' screen (definitions, a chart and its data table, the grants'
 * figures), paged, filtered by territory, exported as CSV or XLSX (exports.ts).
 */
import { type View, PAGE_SIZE, pager, queryString, scrollTable } from './view.js';
import type { ReadModelDb } from '../../store/db.js';
import { indicators, orientationDelays, type IndicatorRow, type Scope } from '../../store/queries.js';
import { html, raw, type Raw } from '../../domain/html.js';
import type { ListQuery } from './list-query.js';
import type { CellValue, ExportColumn } from './exports.js';
import { page } from './layout.js';
import { grantIndicators, type GrantIndicatorRow } from '../../store/grants.js';

export const indicatorColumns: [string, string][] = [
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
export const shares = new Set([
  'oriented_within_15_days',
  'oriented_within_6_weeks',
  'contract_within_month',
]);
export const cell = (v: unknown, key = '') =>
  v === null || v === undefined
    ? '—'
    : typeof v === 'number' && shares.has(key)
      ? `${Math.round(v * 1000) / 10} %`
      : String(v);

/** What each indicator counts, as a person reading the table needs it. */
export const indicatorDefinitions: [string, string][] = [
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

export function barChart(data: { bucket: string; count: number }[]): Raw {
  const max = Math.max(1, ...data.map((d) => d.count));
  const width = 480;
  // The chart is drawn for the eye; its table beside it says the same for every reader (RGAA 1.9).
  return html`<div class="chart">
    <figure>
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
                fill="${d.bucket === 'plus de 42 j' ? '#b60000' : 'currentColor'}"
              ></rect>
              <text x="${116 + Math.round((d.count / max) * (width - 170))}" y="${i * 34 + 22}" font-size="14"
                >${d.count}</text
              >`,
        )}
      </svg>
      <figcaption>
        Délais d’orientation (jours civils) : au-delà de 42 jours, le délai légal de 6 semaines est dépassé.
      </figcaption>
    </figure>
    <table class="compact">
      <caption>
        Délais d’orientation : données du graphique
      </caption>
      <thead>
        <tr>
          <th scope="col">Délai</th>
          <th scope="col">Parcours orientés</th>
        </tr>
      </thead>
      <tbody>
        ${data.map(
          (d) =>
            html`<tr>
              <th scope="row">${d.bucket}</th>
              <td>${d.count}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export const euro = (v: number | null) =>
  v === null ? '—' : new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(v);

export function grantIndicatorTable(rows: GrantIndicatorRow[]): Raw {
  if (rows.length === 0) return html``;
  const head = html`<tr>
    <th scope="col">Subvention</th>
    <th scope="col">Financeur</th>
    <th scope="col">Jalons tenus / en retard / manqués / à venir</th>
    <th scope="col">Demandé</th>
    <th scope="col">Accordé</th>
    <th scope="col">Reçu</th>
    <th scope="col">À reverser</th>
  </tr>`;
  const body = rows.map(
    (r) =>
      html`<tr>
        <th scope="row">${r.grant_id} (${r.programme})</th>
        <td>${r.funder}</td>
        <td>
          ${r.milestones_done} / ${r.milestones_late} / ${r.milestones_missed} / ${r.milestones_pending}
        </td>
        <td>${euro(r.requested)}</td>
        <td>${euro(r.granted)}</td>
        <td>${euro(r.received)}</td>
        <td>${euro(r.to_repay)}</td>
      </tr>`,
  );
  return scrollTable('table-subventions', 'Cycles de subvention : jalons et montants', head, html`${body}`);
}

/**
 * The 17 columns in three tables a laptop shows whole, each keyed by month and
 * territory: orientation, contract and accompaniment, reorientations and sanctions.
 */
const groups: [string, string, string[]][] = [
  [
    'orientation',
    'Orientation',
    ['opened', 'oriented', 'days_to_orientation', 'oriented_within_15_days', 'oriented_within_6_weeks'],
  ],
  [
    'contrat',
    'Contrat et accompagnement',
    [
      'contracts',
      'days_to_contract',
      'contract_within_month',
      'intensive',
      'average_weekly_hours',
      'interviews_per_month',
    ],
  ],
  [
    'sanctions',
    'Réorientations, sanctions et ruptures',
    ['reorientations', 'sanctions', 'sanctions_ended_by_remobilisation', 'ruptures'],
  ],
];
const labelOf = new Map(indicatorColumns);
const valueOf = (r: IndicatorRow, k: string): unknown => (r as unknown as Record<string, unknown>)[k];

function groupTable([id, title, keys]: [string, string, string[]], rows: IndicatorRow[]): Raw {
  const head = html`<tr>
    <th scope="col">${labelOf.get('month')}</th>
    <th scope="col">${labelOf.get('territory')}</th>
    ${keys.map((k) => html`<th scope="col">${labelOf.get(k)}</th>`)}
  </tr>`;
  const body = rows.map(
    (r) =>
      html`<tr>
        <th scope="row">${r.month}</th>
        <th scope="row">${r.territory}</th>
        ${keys.map((k) => html`<td>${cell(valueOf(r, k), k)}</td>`)}
      </tr>`,
  );
  return scrollTable(`table-${id}`, `Indicateurs : ${title.toLowerCase()}`, head, html`${body}`);
}

/** The indicators' rows with the list's filters (territory) and order (month). */
async function filteredIndicators(db: ReadModelDb, q: ListQuery, scope: Scope): Promise<IndicatorRow[]> {
  const rows = (await indicators(db, scope)).filter((r) => !q.territoire || r.territory === q.territoire);
  return q.ordre === 'desc' ? rows.reverse() : rows;
}

export async function indicatorExport(db: ReadModelDb, q: ListQuery, scope: Scope) {
  const columns: ExportColumn<IndicatorRow>[] = indicatorColumns.map(([k, header]) => ({
    header,
    value: (r) => valueOf(r, k) as CellValue,
  }));
  return { name: 'indicateurs-jalons', columns, rows: await filteredIndicators(db, q, scope) };
}

function indicatorFilters(q: ListQuery, territories: string[]): Raw {
  return html`<form class="filters" method="get" action="/indicateurs" aria-label="Filtrer les indicateurs">
    <div>
      <label for="i-territoire">Territoire</label
      ><select id="i-territoire" name="territoire">
        <option value="">Tous</option>
        ${territories.map(
          (t) => html`<option value="${t}" ${raw(q.territoire === t ? ' selected' : '')}>${t}</option>`,
        )}
      </select>
    </div>
    <div>
      <label for="i-ordre">Ordre des mois</label
      ><select id="i-ordre" name="ordre">
        <option value="croissant">Plus ancien d’abord</option>
        <option value="decroissant" ${raw(q.ordre === 'desc' ? ' selected' : '')}>Plus récent d’abord</option>
      </select>
    </div>
    <div><button type="submit">Filtrer</button></div>
  </form>`;
}

export async function indicatorPage(db: ReadModelDb, q: ListQuery, view: View): Promise<string> {
  const territories = [...new Set((await indicators(db, view.scope)).map((r) => r.territory))].sort();
  const all = await filteredIndicators(db, q, view.scope);
  const rows = all.slice((q.page - 1) * PAGE_SIZE, q.page * PAGE_SIZE);
  const params = { territoire: q.territoire, ordre: q.ordre === 'desc' ? 'decroissant' : undefined };
  const body = html`<p>
      Indicateurs du tableau de bord national et de la convention par mois d’ouverture du droit et territoire.
      Les délais sont comptés en jours civils (heure de Paris).
    </p>
    ${barChart(await orientationDelays(db, view.scope))}
    <h2>Par mois et territoire (${all.length})</h2>
    ${indicatorFilters(q, territories)}
    <p class="exports">
      Exporter la liste entière (17 colonnes) :
      <a href="/indicateurs.csv${queryString(params)}" download>CSV</a> ·
      <a href="/indicateurs.xlsx${queryString(params)}" download>XLSX</a>
    </p>
    ${groups.map((g) => groupTable(g, rows))}
    ${pager({
      label: 'Mois et territoires',
      total: all.length,
      page: q.page,
      href: (p) => `/indicateurs${queryString({ ...params, page: p > 1 ? p : undefined })}`,
    })}
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
