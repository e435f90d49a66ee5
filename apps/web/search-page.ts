/**
 * Finding a case by its number (the pseudonymous beneficiary id) from the
 * header's search box: an exact number within the viewer's perimeter opens the
 * case; a beginning lists the cases it starts, paged with their total, by next
 * due date. Those whose perimeter holds several référents or organisations may
 * narrow the list to one of them.
 */
import { html, raw, type Raw } from '../../domain/html.js';
import { stepLabel } from '../../domain/path/labels.js';
import type { ReadModelDb } from '../../store/db.js';
import { caseInScope, filterChoices, findCases, type CaseRow } from '../../store/queries.js';
import { page } from './layout.js';
import type { ListQuery } from './list-query.js';
import { type View, PAGE_SIZE, pager, parisTime, queryString, scrollTable, sortHeader } from './view.js';

/** A case number's beginning: the charset of a pseudonymous id (domain/ids.ts). */
const PREFIX = /^[A-Za-z0-9_.-]*$/;

function searchParams(q: ListQuery, over: { page?: number; ordre?: 'asc' | 'desc' } = {}) {
  const order = over.ordre ?? q.ordre;
  const p = over.page ?? q.page;
  return queryString({
    q: q.q,
    referent: q.referent,
    organisme: q.organisme,
    ordre: order === 'desc' ? 'decroissant' : undefined,
    page: p > 1 ? p : undefined,
  });
}

async function searchForm(db: ReadModelDb, q: ListQuery, view: View): Promise<Raw> {
  const choices = await filterChoices(db, view.scope);
  const select = (name: 'referent' | 'organisme', label: string, values: string[]) =>
    values.length < 2
      ? ''
      : html`<div>
          <label for="s-${name}">${label}</label
          ><select id="s-${name}" name="${name}">
            <option value="">Tous</option>
            ${values.map(
              (v) => html`<option value="${v}" ${raw(q[name] === v ? ' selected' : '')}>${v}</option>`,
            )}
          </select>
        </div>`;
  return html`<form
    class="filters"
    method="get"
    action="/recherche"
    role="search"
    aria-label="Chercher un dossier"
  >
    <div>
      <label for="s-q">Numéro de dossier (ou son début)</label>
      <input id="s-q" name="q" value="${q.q ?? ''}" maxlength="64" autocomplete="off" />
    </div>
    ${select('referent', 'Référent', choices.referent)}
    ${select('organisme', 'Organisme', choices.organisation)}
    <div><button type="submit">Chercher</button></div>
  </form>`;
}

function casesTable(rows: CaseRow[], total: number, q: ListQuery): Raw {
  const head = html`<tr>
    <th scope="col">Dossier</th>
    <th scope="col">Étape</th>
    ${sortHeader('Prochaine échéance', q.ordre, (ordre) => `/recherche${searchParams(q, { ordre, page: 1 })}`)}
    <th scope="col">Territoire</th>
    <th scope="col">Organisme</th>
    <th scope="col">Référent</th>
  </tr>`;
  const body = rows.map(
    (r) => html`<tr>
      <th scope="row"><a href="/parcours/${r.beneficiary_id}">${r.beneficiary_id}</a></th>
      <td>${stepLabel(r.step)}${r.status === 'active' ? '' : ' (clos)'}</td>
      <td${raw(r.late ? ' class="late"' : '')}>${r.next_due_at ? parisTime(r.next_due_at) : '—'}</td>
      <td>${r.territory}</td>
      <td>${r.organisation ?? '—'}</td>
      <td>${r.referent ?? '—'}</td>
    </tr>`,
  );
  return html`${scrollTable('table-dossiers', `Dossiers trouvés (${total})`, head, html`${body}`)}
  ${pager({ label: 'Dossiers trouvés', total, page: q.page, href: (p) => `/recherche${searchParams(q, { page: p })}` })}`;
}

/** The search's answer: the case itself (an exact number), or the page listing the matches. */
export async function searchPage(
  db: ReadModelDb,
  q: ListQuery,
  view: View,
): Promise<{ redirect: string } | { html: string }> {
  const prefix = q.q?.trim();
  if (prefix && !PREFIX.test(prefix)) {
    const message = 'numéro de dossier : lettres sans accent, chiffres, « - », « _ », « . » attendus';
    return {
      html: page(
        'Chercher un dossier',
        '',
        html`${await searchForm(db, q, view)}
          <p role="alert" class="alert">${message}.</p>`,
        view.user,
      ),
    };
  }
  const narrowed = q.referent || q.organisme;
  if (prefix && !narrowed && (await caseInScope(db, prefix, view.scope)))
    return { redirect: `/parcours/${encodeURIComponent(prefix)}` };
  const found = await findCases(
    db,
    { prefix, referent: q.referent, organisation: q.organisme, scope: view.scope },
    { offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE, order: q.ordre },
  );
  const body = html`${await searchForm(db, q, view)}
  ${
    found.total === 0
      ? html`<p role="status">
          Aucun dossier ${prefix ? html`ne commence par « ${prefix} »` : 'ne correspond'} dans votre
          périmètre.
        </p>`
      : casesTable(found.rows, found.total, q)
  }`;
  return { html: page('Chercher un dossier', '', body, view.user) };
}
