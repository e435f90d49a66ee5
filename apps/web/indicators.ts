/** The indicators' screen (definitions, a chart, the grants' figures) and its CSV export. */
import { type View } from './view.js';
import type { ReadModelDb } from '../../store/db.js';
import { indicators, orientationDelays, type Scope } from '../../store/queries.js';
import { html, type Raw } from '../../domain/html.js';
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

export const euro = (v: number | null) =>
  v === null ? '—' : new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(v);

export function grantIndicatorTable(rows: GrantIndicatorRow[]): Raw {
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

export async function indicatorPage(db: ReadModelDb, view: View): Promise<string> {
  const rows = await indicators(db, view.scope);
  const body = html`<p>
      Indicateurs du tableau de bord national et de la convention par mois d’ouverture du droit et territoire.
      Les délais sont comptés en jours civils (heure de Paris).
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

export async function indicatorCsv(db: ReadModelDb, scope: Scope): Promise<string> {
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
