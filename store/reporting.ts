/**
 * Yearly reporting and funder reports: the indicators a convention asks for
 * (domain/reporting.ts), computed on the read model for a period, as a CSV for
 * Pilot'Actions or a funder's template and as a French HTML page a person reads
 * (and prints to PDF from the browser). Kept in the read model (`reports`).
 */
import { stringify } from 'csv-stringify/sync';
import { neutralise } from '../domain/spreadsheet.js';
import { addCalendarDays, formatParis, parisInstant } from '../domain/calendar.js';
import {
  conventions,
  formatIndicator,
  indicatorDefinitions,
  type ConventionId,
  type IndicatorId,
  type ReportPeriod,
} from '../domain/reporting.js';
import { html, raw } from '../domain/html.js';
import type { Queryable } from './db.js';

export type IndicatorValues = Record<IndicatorId, number | null>;

/** Days between two instants counted in Paris civil days, as délais are. */
const civilDays = (to: string, from: string) =>
  `((${to} at time zone 'Europe/Paris')::date - (${from} at time zone 'Europe/Paris')::date)`;
const inPeriod = (expr: string) => `(${expr}) >= $1 and (${expr}) < $2`;
const ts = (jsonPath: string) => `(${jsonPath})::timestamptz`;

const planOf = `case when jsonb_typeof(p.state->'contract'->'plan') = 'array' then p.state->'contract'->'plan' else '[]'::jsonb end`;
const contractSigned = inPeriod(ts(`p.state->'contract'->>'signedAt'`));
const exitToJob = `p.state->'exit'->>'reason' = 'job' and ${inPeriod(ts(`p.state->'exit'->>'at'`))}`;
const autonomyThemes = `('immersion', 'preparation-metiers-autonomie')`;

/** One query per family of indicators; each returns one row of named values. */
const queries: string[] = [
  `select count(*)::int as opened from paths p where ${inPeriod('p.rights_opened_at')}`,
  `with d as (
     select workflow_id,
       bool_or(kind = 'orientation.local' and met_at is not null and not breached) as local_ok,
       bool_or(kind = 'orientation.legal' and met_at is not null and not breached) as legal_ok
     from deadlines group by workflow_id)
   select count(*)::int as oriented,
     round(avg(${civilDays('p.oriented_at', 'p.rights_opened_at')})::numeric, 1)::float as days_to_orientation,
     round((count(*) filter (where d.local_ok))::numeric / nullif(count(*), 0), 3)::float as oriented_within_15_days,
     round((count(*) filter (where d.legal_ok))::numeric / nullif(count(*), 0), 3)::float as oriented_within_6_weeks
   from paths p left join d using (workflow_id) where ${inPeriod('p.oriented_at')}`,
  `with d as (
     select workflow_id, bool_or(kind = 'contract' and met_at is not null and not breached) as ok
     from deadlines group by workflow_id)
   select count(*)::int as contracts,
     round(avg(${civilDays('p.contract_signed_at', 'p.rights_opened_at')})::numeric, 1)::float as days_to_contract,
     round((count(*) filter (where d.ok))::numeric / nullif(count(*), 0), 3)::float as contract_within_month
   from paths p left join d using (workflow_id) where ${inPeriod('p.contract_signed_at')}`,
  `select count(*)::int as reorientations from journal where event = 'reorientation.decided' and ${inPeriod('at')}`,
  `select count(*)::int as reorientations_to_employment
   from paths p cross join lateral jsonb_array_elements(
     coalesce(p.state->'reorientations', '[]'::jsonb) || jsonb_build_array(p.state->'orientation')) o
   where jsonb_typeof(o) = 'object' and o->>'track' = 'employment'
     and ${ts(`o->>'decidedAt'`)} > p.oriented_at and ${inPeriod(ts(`o->>'decidedAt'`))}`,
  `select (count(*) filter (where ${inPeriod('decided_at')}))::int as sanctions,
     (count(*) filter (where ended_by = 'remobilisation' and ${inPeriod('ended_at')}))::int as sanctions_ended_by_remobilisation
   from sanctions`,
  // An intensive accompaniment keeps its planned end once over (`intensity` is then `standard`).
  `select count(*)::int as intensive from paths p
   where p.state->'accompaniment'->>'intensiveEndsAt' is not null
     and ${ts(`p.state->'accompaniment'->>'startedAt'`)} < $2
     and least(${ts(`p.state->'accompaniment'->>'intensiveEndsAt'`)}, coalesce(${ts(`p.state->'exit'->>'at'`)}, $2)) >= $1`,
  `select round(avg(t.total)::numeric, 1)::float as average_planned_weekly_hours from (
     select (select sum((i->>'weeklyHours')::numeric) from jsonb_array_elements(${planOf}) i) as total
     from paths p where ${contractSigned} and jsonb_array_length(${planOf}) > 0) t`,
  `select round(avg((p.state->'contract'->>'weeklyHours')::numeric), 1)::float as average_contract_weekly_hours
   from paths p where ${contractSigned}`,
  `select count(*)::int as interviews
   from paths p cross join lateral jsonb_array_elements_text(coalesce(p.state->'interviews', '[]'::jsonb)) i
   where ${inPeriod('i::timestamptz')}`,
  `select count(*)::int as exits_to_job from paths p where ${exitToJob}`,
  `with items as (
     select p.workflow_id, i->>'theme' as theme from paths p cross join lateral jsonb_array_elements(${planOf}) i
     where ${contractSigned})
   select (count(*) filter (where theme = 'immersion'))::int as pmsmp_prescribed,
     (count(*) filter (where theme = 'preparation-metiers-autonomie'))::int as autonomy_preparatory,
     (count(distinct workflow_id) filter (where theme in ${autonomyThemes}))::int as autonomy_candidates
   from items`,
  `select count(*)::int as autonomy_exits_to_job from paths p
   where ${exitToJob} and exists (
     select 1 from jsonb_array_elements(${planOf}) i where i->>'theme' in ${autonomyThemes})`,
];

/** Every indicator for the period (`to` included), Paris civil days. */
export async function computeIndicators(db: Queryable, period: ReportPeriod): Promise<IndicatorValues> {
  const params = [
    parisInstant(period.from).toISOString(),
    parisInstant(addCalendarDays(period.to, 1)).toISOString(),
  ];
  const values: Record<string, number | null> = {};
  for (const sql of queries)
    Object.assign(values, (await db.query<Record<string, number | null>>(sql, params))[0]);
  return values as IndicatorValues;
}

export interface Report {
  id: string;
  convention: ConventionId;
  title: string;
  period: ReportPeriod;
  builtAt: string;
  figures: { id: IndicatorId; label: string; value: number | null; shown: string; source: string }[];
  csv: string;
  html: string;
}

const frDate = (d: string) => d.split('-').reverse().join('/');

/** The report of one convention for one period, built now and kept in the read model. */
export async function buildReport(
  db: Queryable,
  convention: ConventionId,
  period: ReportPeriod,
  campaign: string | null = null,
): Promise<Report> {
  const c = conventions[convention];
  const values = await computeIndicators(db, period);
  const builtAt = new Date().toISOString();
  const figures = c.indicators.map((id) => {
    const d = indicatorDefinitions[id];
    return {
      id,
      label: d.label,
      value: values[id],
      shown: formatIndicator(values[id], d.unit),
      source: d.source,
    };
  });
  const csv =
    '\ufeff' +
    stringify(
      [
        ['code', 'indicateur', 'valeur', 'valeur_affichee', 'unite', 'source', 'periode_du', 'periode_au'],
        ...figures.map((f) =>
          [
            f.id,
            f.label,
            f.value === null ? '' : String(f.value),
            f.shown,
            indicatorDefinitions[f.id].unit,
            f.source,
            period.from,
            period.to,
          ].map(neutralise),
        ),
      ],
      { delimiter: ';', record_delimiter: '\r\n' },
    );
  const report: Report = {
    id: `${convention}/${period.from}/${period.to}`,
    convention,
    title: c.title,
    period,
    builtAt,
    figures,
    csv,
    html: reportHtml(c.title, c.recipient, period, builtAt, figures),
  };
  await db.query(
    `insert into reports (id, convention, campaign, period_from, period_to, built_at, figures, csv, html)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (id) do update set campaign = coalesce(excluded.campaign, reports.campaign), built_at = excluded.built_at,
       figures = excluded.figures, csv = excluded.csv, html = excluded.html`,
    [
      report.id,
      convention,
      campaign,
      period.from,
      period.to,
      builtAt,
      JSON.stringify(figures),
      csv,
      report.html,
    ],
  );
  return report;
}

function reportHtml(
  title: string,
  recipient: string,
  period: ReportPeriod,
  builtAt: string,
  figures: Report['figures'],
): string {
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <title>${title} — indicateurs du ${frDate(period.from)} au ${frDate(period.to)}</title>
        <style>
          ${raw(`body{font-family:system-ui,sans-serif;color:#161616;max-width:60rem;margin:2rem auto;line-height:1.5}
          table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
          th{background:#f2f2f9}td.v{text-align:right;white-space:nowrap;font-weight:bold}.s{color:#3a3a3a;font-size:.9rem}
          @media print{body{margin:0}}`)}
        </style>
      </head>
      <body>
        <h1>${title}</h1>
        <p>
          Indicateurs du <strong>${frDate(period.from)}</strong> au
          <strong>${frDate(period.to)}</strong> (dates civiles, heure de Paris), pour : ${recipient}. Établi
          par Jalons le ${formatParis(new Date(builtAt), true)}.
        </p>
        <table>
          <caption class="s">
            Chiffres calculés sur le modèle de lecture de Jalons : seuls les parcours suivis dans Jalons sont
            comptés.
          </caption>
          <thead>
            <tr>
              <th scope="col">Indicateur</th>
              <th scope="col">Valeur</th>
              <th scope="col">Source de l’indicateur</th>
            </tr>
          </thead>
          <tbody>
            ${figures.map(
              (f) =>
                html`<tr>
                  <td>${f.label}</td>
                  <td class="v">${f.shown}</td>
                  <td class="s">${f.source}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        <p class="s">
          Délais en jours civils entre l’ouverture du droit et l’acte ; parts rapportées aux personnes
          concernées dans la période (« — » : aucune). Heures de la programmation hebdomadaire : total des
          activités du plan des contrats signés dans la période.
        </p>
      </body>
    </html>`.value;
}

export async function storedReport(db: Queryable, id: string): Promise<{ csv: string; html: string } | null> {
  const [r] = await db.query<{ csv: string; html: string }>(`select csv, html from reports where id = $1`, [
    id,
  ]);
  return r ?? null;
}
