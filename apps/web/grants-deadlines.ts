/**
 * « Prochaines échéances »: the deadlines still to meet of every open cycle,
 * earliest first, with the days left and how the act's words are read — and
 * the same list for the iCalendar feed. Read from the read model.
 */
import type { Queryable } from '../../store/db.js';
import { formatReading } from '../../domain/grants/cycle.js';
import { html, raw } from '../../domain/html.js';
import { page, type PageUser } from './layout.js';
import { grantsNav } from './grants-pages.js';
import {
  CLOSED,
  daysLeft,
  milestoneStatusLabels,
  deadlineWords,
  listGrants,
  programmeOf,
} from './grants-data.js';

export interface UpcomingDeadline {
  grantId: string;
  grantTitle: string;
  milestone: string;
  title: string;
  dueAt: string;
  /** « avant le 15/12/2025 à 17:00 », « au plus tard le 31/03/2026 (fin de journée) ». */
  due: string;
  /** The milestone's status (missed, not recorded, pending). */
  status: string;
  words: string | null;
  reading: string | null;
}

/** Every deadline not yet met (missed ones included: still to do) of the cycles still open. */
export async function upcomingDeadlines(db: Queryable): Promise<UpcomingDeadline[]> {
  const out: UpcomingDeadline[] = [];
  for (const row of await listGrants(db)) {
    const s = row.state;
    if (CLOSED.has(s.status)) continue;
    const p = programmeOf(s);
    for (const m of s.milestones) {
      if (!m.applies || m.doneAt || !m.dueAt) continue;
      out.push({
        grantId: s.id,
        grantTitle: s.title,
        milestone: m.id,
        title: m.title,
        dueAt: m.dueAt,
        due: formatReading(new Date(m.dueAt), m.reading),
        status: m.status,
        ...deadlineWords(p, m as never),
      });
    }
  }
  return out.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.grantId.localeCompare(b.grantId));
}

export async function deadlinesPage(db: Queryable, now: Date, user: PageUser | undefined): Promise<string> {
  const items = await upcomingDeadlines(db);
  const body = html`${grantsNav('/subventions/echeances')}
  ${
    items.length
      ? html`<table>
          <caption>
            Prochaines échéances de tous les cycles ouverts (${items.length})
          </caption>
          <thead>
            <tr>
              <th scope="col">Échéance (heure de Paris)</th>
              <th scope="col">Jours restants</th>
              <th scope="col">Cycle</th>
              <th scope="col">Jalon</th>
              <th scope="col">Les mots de l’acte et leur lecture</th>
            </tr>
          </thead>
          <tbody>
            ${items.map((d) => {
              const left = daysLeft(d.dueAt, now);
              return html`<tr>
                <td>${d.due}</td>
                <td${raw(left.days <= 7 ? ' class="late"' : '')}>${left.text}${d.status === 'pending' ? '' : ` (${milestoneStatusLabels[d.status] ?? d.status})`}</td>
                <td><a href="/subventions/${d.grantId}">${d.grantId}</a><br /><span class="hint">${d.grantTitle}</span></td>
                <td>${d.title}</td>
                <td>
                  ${d.words ? html`<q>${d.words}</q>` : '—'}${d.reading ? html`<br /><span class="hint">lu : ${d.reading}</span>` : ''}
                </td>
              </tr>`;
            })}
          </tbody>
        </table>`
      : html`<p>Aucune échéance à venir : tous les cycles ouverts sont à jour.</p>`
  }`;
  return page('Prochaines échéances des subventions', '/subventions', body, user);
}
