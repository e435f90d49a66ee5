/** The home screen: what is late and due this week in the viewer's perimeter, failed messages and partner tasks. */
import { type View, parisTime } from './view.js';
import type { ReadModelDb } from '../../store/db.js';
import {
  dueSoon,
  failedNotifications,
  failedPartnerCalls,
  filterChoices,
  lateItems,
  type DeadlineItem,
  type FailedNotification,
  type FailedPartnerCall,
  type ItemFilter,
} from '../../store/queries.js';
import { deadlineLabel, stepLabel } from '../../domain/path/labels.js';
import { html, raw, type Raw } from '../../domain/html.js';
import { page } from './layout.js';
import { partnerOperationLabels, type PartnerOperation } from '../../domain/partner-calls.js';

export const filterKeys = ['territory', 'organisation', 'referent', 'step'] as const;
export const filterLabels = {
  territory: 'Territoire',
  organisation: 'Organisme',
  referent: 'Référent',
  step: 'Étape',
};

export function itemsTable(caption: string, items: DeadlineItem[], late: boolean): Raw {
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
<td>${deadlineLabel(i.kind)}</td><td${raw(late ? ' class="late"' : '')}>${parisTime(i.due_at)}</td>
<td>${stepLabel(i.step)}</td><td>${i.territory}</td><td>${i.organisation ?? '—'}</td><td>${i.referent ?? '—'}</td></tr>`,
      )}
    </tbody>
  </table>`;
}

export function failedTable(rows: FailedNotification[]): Raw {
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

export function partnerTasksTable(rows: FailedPartnerCall[]): Raw {
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

export async function dashboard(db: ReadModelDb, filter: ItemFilter, now: Date, view: View): Promise<string> {
  const choices = await filterChoices(db, view.scope);
  const select = (key: (typeof filterKeys)[number]) =>
    html`<div>
      <label for="f-${key}">${filterLabels[key]}</label
      ><select id="f-${key}" name="${key}">
        <option value="">Tous</option>
        ${choices[key].map(
          (v) =>
            html`<option value="${v}" ${raw(filter[key] === v ? ' selected' : '')}>
              ${key === 'step' ? stepLabel(v) : v}
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
