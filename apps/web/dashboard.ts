/**
 * The home screen: what is late and due this week in the viewer's perimeter,
 * each list paged with its total, sortable by due date, its filters in the URL
 * (a GET form; every link keeps them) and exported whole as CSV or XLSX; then
 * failed messages and partner tasks.
 */
import {
  type View,
  PAGE_SIZE,
  frenchCount,
  pager,
  parisTime,
  queryString,
  scrollTable,
  sortHeader,
} from './view.js';
import type { ReadModelDb } from '../../store/db.js';
import {
  dueSoonPage,
  failedCounts,
  failedNotifications,
  failedPartnerCalls,
  filterChoices,
  lateItemsPage,
  type DeadlineItem,
  type FailedNotification,
  type FailedPartnerCall,
  type ItemFilter,
} from '../../store/queries.js';
import { deadlineLabel, stepLabel } from '../../domain/path/labels.js';
import { html, raw, type Raw } from '../../domain/html.js';
import { page } from './layout.js';
import { partnerOperationLabels, type PartnerOperation } from '../../domain/partner-calls.js';
import type { ExportColumn } from './exports.js';

export const filterKeys = ['territory', 'organisation', 'referent', 'step'] as const;
export type FilterKey = (typeof filterKeys)[number];
export const filterLabels: Record<FilterKey, string> = {
  territory: 'Territoire',
  organisation: 'Organisme',
  referent: 'Référent',
  step: 'Étape',
};
/** The filters' names in the URL (French: a person reads and shares them). */
export const filterParams: Record<FilterKey, string> = {
  territory: 'territoire',
  organisation: 'organisme',
  referent: 'referent',
  step: 'etape',
};

/** What the home screen shows: its filters, each list's page, the due dates' order. */
export interface DashboardQuery {
  filter: Omit<ItemFilter, 'scope'>;
  page: number;
  weekPage: number;
  order: 'asc' | 'desc';
}

/** The URL parameters of a state of the home screen (the filters, pages and order that differ from the default). */
export function dashboardParams(q: DashboardQuery): Record<string, string | number | undefined> {
  return {
    ...Object.fromEntries(filterKeys.map((k) => [filterParams[k], q.filter[k]])),
    ordre: q.order === 'desc' ? 'decroissant' : undefined,
    page: q.page > 1 ? q.page : undefined,
    page_semaine: q.weekPage > 1 ? q.weekPage : undefined,
  };
}

/** The columns of the late and due lists, on the page and in their exports. */
export function deadlineColumns(late: boolean): ExportColumn<DeadlineItem>[] {
  return [
    { header: 'Dossier', value: (i) => i.beneficiary_id },
    { header: 'Échéance', value: (i) => deadlineLabel(i.kind) },
    { header: late ? 'Dépassée depuis le' : 'Pour le', value: (i) => new Date(i.due_at) },
    { header: 'Étape', value: (i) => stepLabel(i.step) },
    { header: 'Territoire', value: (i) => i.territory },
    { header: 'Organisme', value: (i) => i.organisation },
    { header: 'Référent', value: (i) => i.referent },
  ];
}

interface ListOf {
  id: 'retards' | 'echeances';
  caption: string;
  late: boolean;
  rows: DeadlineItem[];
  total: number;
  page: number;
}

export function itemsTable(list: ListOf, q: DashboardQuery): Raw {
  const link = (over: Partial<DashboardQuery>) => `/${queryString(dashboardParams({ ...q, ...over }))}`;
  const pageKey = list.late ? 'page' : 'weekPage';
  const exportQuery = queryString({ ...dashboardParams(q), page: undefined, page_semaine: undefined });
  const exports = html`<p class="exports">
    Exporter la liste entière :
    <a href="/${list.id}.csv${exportQuery}" download>CSV<span class="sr-only"> (${list.caption})</span></a>
    ·
    <a href="/${list.id}.xlsx${exportQuery}" download>XLSX<span class="sr-only"> (${list.caption})</span></a>
  </p>`;
  if (list.total === 0)
    return html`<h2>${list.caption}</h2>
      <p>Aucune échéance.</p>`;
  const [first, kind, due, ...rest] = deadlineColumns(list.late);
  const head = html`<tr>
    <th scope="col">${first!.header}</th>
    <th scope="col">${kind!.header}</th>
    ${sortHeader(due!.header, q.order, (order) => link({ order, page: 1, weekPage: 1 }))}
    ${rest.map((c) => html`<th scope="col">${c.header}</th>`)}
  </tr>`;
  const body = list.rows.map(
    (i) => html`<tr><th scope="row"><a href="/parcours/${i.beneficiary_id}">${i.beneficiary_id}</a></th>
<td>${deadlineLabel(i.kind)}</td><td${raw(list.late ? ' class="late"' : '')}>${parisTime(i.due_at)}</td>
<td>${stepLabel(i.step)}</td><td>${i.territory}</td><td>${i.organisation ?? '—'}</td><td>${i.referent ?? '—'}</td></tr>`,
  );
  return html`<h2 id="${list.id}">${list.caption} (${frenchCount(list.total)})</h2>
    ${exports} ${scrollTable(`table-${list.id}`, `${list.caption}, par date d’échéance`, head, html`${body}`)}
    ${pager({
      label: list.caption,
      total: list.total,
      page: list.page,
      href: (p) => `${link({ [pageKey]: p })}#${list.id}`,
    })}`;
}

/** « 12 », or « les 100 plus récents sur 1 234 » when the list shows only the latest. */
const shownOf = (shown: number, total: number): string =>
  shown < total ? `les ${shown} plus récents sur ${frenchCount(total)}` : String(total);

export function failedTable(rows: FailedNotification[], total = rows.length): Raw {
  if (rows.length === 0) return html``;
  const head = html`<tr>
    <th scope="col">Dossier</th>
    <th scope="col">Date</th>
    <th scope="col">Destinataire</th>
    <th scope="col">Message</th>
    <th scope="col">Refus</th>
  </tr>`;
  const body = rows.map(
    (r) =>
      html`<tr>
        <th scope="row"><a href="/parcours/${r.beneficiary_id}">${r.beneficiary_id}</a></th>
        <td>${parisTime(r.sent_at)}</td>
        <td>${r.recipient}</td>
        <td>${r.template}</td>
        <td class="late">${r.failed}</td>
      </tr>`,
  );
  return scrollTable(
    'table-non-delivres',
    `Messages non délivrés (${shownOf(rows.length, total)}) : à traiter autrement`,
    head,
    html`${body}`,
  );
}

export function partnerTasksTable(rows: FailedPartnerCall[], total = rows.length): Raw {
  if (rows.length === 0) return html``;
  const head = html`<tr>
    <th scope="col">Dossier</th>
    <th scope="col">Date</th>
    <th scope="col">Transmission</th>
    <th scope="col">Motif du partenaire</th>
  </tr>`;
  const body = rows.map(
    (r) =>
      html`<tr>
        <th scope="row"><a href="/parcours/${r.beneficiary_id}">${r.beneficiary_id}</a></th>
        <td>${parisTime(r.failed_at)}</td>
        <td>${partnerOperationLabels[r.operation as PartnerOperation] ?? r.operation} (${r.call})</td>
        <td class="late">${r.error}</td>
      </tr>`,
  );
  return scrollTable(
    'table-transmissions',
    `Transmissions refusées par un partenaire (${shownOf(rows.length, total)}) : à renvoyer ou à traiter`,
    head,
    html`${body}`,
  );
}

async function filterForm(db: ReadModelDb, q: DashboardQuery, view: View): Promise<Raw> {
  const choices = await filterChoices(db, view.scope);
  const select = (key: FilterKey) =>
    html`<div>
      <label for="f-${key}">${filterLabels[key]}</label
      ><select id="f-${key}" name="${filterParams[key]}">
        <option value="">Tous</option>
        ${choices[key].map(
          (v) =>
            html`<option value="${v}" ${raw(q.filter[key] === v ? ' selected' : '')}>
              ${key === 'step' ? stepLabel(v) : v}
            </option>`,
        )}
      </select>
    </div>`;
  return html`<form class="filters" method="get" action="/" aria-label="Filtrer les échéances">
    ${filterKeys.map(select)}
    <div>
      <label for="f-ordre">Ordre des échéances</label
      ><select id="f-ordre" name="ordre">
        <option value="croissant">Plus ancienne d’abord</option>
        <option value="decroissant" ${raw(q.order === 'desc' ? ' selected' : '')}>
          Plus récente d’abord
        </option>
      </select>
    </div>
    <div><button type="submit">Filtrer</button></div>
  </form>`;
}

export async function dashboard(db: ReadModelDb, q: DashboardQuery, now: Date, view: View): Promise<string> {
  const filter = { ...q.filter, scope: view.scope };
  const at = (p: number) => ({ offset: (p - 1) * PAGE_SIZE, limit: PAGE_SIZE, order: q.order });
  const late = await lateItemsPage(db, filter, at(q.page));
  const soon = await dueSoonPage(db, now, 7, filter, at(q.weekPage));
  // The tasks below show the latest 100, and say how many there are in all.
  const failed = await failedCounts(db, view.scope);
  const body = html`${await filterForm(db, q, view)}
  ${itemsTable({ id: 'retards', caption: 'En retard', late: true, ...late, page: q.page }, q)}
  ${itemsTable(
    { id: 'echeances', caption: 'À échéance dans les 7 jours', late: false, ...soon, page: q.weekPage },
    q,
  )}
  ${failedTable(await failedNotifications(db, 100, view.scope), failed.messages)}
  ${partnerTasksTable(await failedPartnerCalls(db, 100, view.scope), failed.partners)}`;
  return page('Retards et échéances', '/', body, view.user);
}
