/**
 * The référents' screen: each one's portfolio and workload in the viewer's
 * perimeter, paged with its total (the list is one row per référent, summed by
 * the database), exported as CSV or XLSX.
 */
import { type View, PAGE_SIZE, pager, queryString, scrollTable } from './view.js';
import type { ReadModelDb } from '../../store/db.js';
import { workloads, type Scope, type Workload } from '../../store/queries.js';
import { getPolicy } from '../../domain/policy.js';
import { html, raw } from '../../domain/html.js';
import { page } from './layout.js';
import type { ListQuery } from './list-query.js';
import type { ExportColumn } from './exports.js';

const columns: ExportColumn<Workload>[] = [
  { header: 'Référent', value: (r) => r.referent },
  { header: 'En accompagnement intensif', value: (r) => r.intensive },
  { header: 'Parcours ouverts', value: (r) => r.total },
];

export async function portfolioExport(db: ReadModelDb, _q: ListQuery, scope: Scope) {
  return { name: 'referents-jalons', columns, rows: await workloads(db, scope) };
}

export async function portfolios(db: ReadModelDb, q: ListQuery, view: View): Promise<string> {
  const cap = getPolicy('pas-de-calais').portfolio.intensiveMax;
  const all = await workloads(db, view.scope);
  const rows = all.slice((q.page - 1) * PAGE_SIZE, q.page * PAGE_SIZE);
  const head = html`<tr>
    <th scope="col">Référent</th>
    <th scope="col">Intensif</th>
    <th scope="col">Charge</th>
    <th scope="col">Parcours ouverts</th>
  </tr>`;
  const body = rows.map(
    (r) =>
      html`<tr><th scope="row">${r.referent}</th><td${raw(r.intensive > cap ? ' class="late"' : '')}>${r.intensive} / ${cap}</td>
<td><meter min="0" max="${cap}" high="${cap - 1}" value="${Math.min(r.intensive, cap)}" aria-label="charge de ${r.referent}">${r.intensive}</meter></td><td>${r.total}</td></tr>`,
  );
  const content = html`<p>Plafond : ${cap} personnes en accompagnement intensif par référent.</p>
    <p class="exports">
      Exporter la liste entière : <a href="/referents.csv" download>CSV</a> ·
      <a href="/referents.xlsx" download>XLSX</a>
    </p>
    ${scrollTable('table-referents', `Référents (${all.length}), les plus chargés d’abord`, head, html`${body}`)}
    ${pager({
      label: 'Référents',
      total: all.length,
      page: q.page,
      href: (p) => `/referents${queryString({ page: p > 1 ? p : undefined })}`,
    })}`;
  return page('Portefeuilles des référents', '/referents', content, view.user);
}
