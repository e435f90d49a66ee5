/** The référents' screen: each one's portfolio and workload in the viewer's perimeter. */
import { type View } from './view.js';
import type { ReadModelDb } from '../../store/db.js';
import { workloads } from '../../store/queries.js';
import { getPolicy } from '../../domain/policy.js';
import { html, raw } from '../../domain/html.js';
import { page } from './layout.js';

export async function portfolios(db: ReadModelDb, view: View): Promise<string> {
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
