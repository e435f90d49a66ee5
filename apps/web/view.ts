/**
 * What every screen of the web app needs: the person viewing it, how it shows a
 * time, and how a list is paged and shown (« 1–50 sur 1 234 », previous/next
 * links that keep the filters, wide tables scrolling inside their own region).
 */
import { type Scope } from '../../store/queries.js';
import { formatParis } from '../../domain/calendar.js';
import { html, raw, type Raw } from '../../domain/html.js';
import { type PageUser } from './layout.js';
import { type Account } from '../../store/accounts.js';

/** What a page needs of the person viewing it. */
export interface View {
  user: PageUser | undefined;
  scope: Scope;
  account: Account;
}

export const parisTime = (d: Date | string) => formatParis(new Date(d), true);

/** Rows of a list page. */
export const PAGE_SIZE = 50;

const count = new Intl.NumberFormat('fr-FR');
/** A count as a French reader reads it (1 234). */
export const frenchCount = (n: number): string => count.format(n);

/** `?a=1&b=2` from the parameters that have a value (empty: ''). */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

/**
 * « 1–50 sur 1 234 » and the previous / next links of a list; `href(page)` builds a
 * link that keeps the list's filters and order.
 */
export function pager(opts: {
  label: string;
  total: number;
  page: number;
  size?: number;
  href: (page: number) => string;
}): Raw {
  const size = opts.size ?? PAGE_SIZE;
  const first = (opts.page - 1) * size + 1;
  const last = Math.min(opts.total, opts.page * size);
  const pages = Math.max(1, Math.ceil(opts.total / size));
  const shown =
    opts.total === 0
      ? 'aucune ligne'
      : first > opts.total
        ? `page ${opts.page} au-delà de la dernière (${pages}) sur ${frenchCount(opts.total)}`
        : `${frenchCount(first)}–${frenchCount(last)} sur ${frenchCount(opts.total)}`;
  if (pages === 1 && opts.page === 1) return html`<p class="pager">${opts.label} : ${shown}</p>`;
  return html`<nav class="pager" aria-label="Pages : ${opts.label}">
    <p>${opts.label} : ${shown} (page ${opts.page} sur ${pages})</p>
    ${
      opts.page > 1
        ? html`<a rel="prev" href="${opts.href(Math.min(opts.page - 1, pages))}">Page précédente</a>`
        : ''
    }
    ${opts.page < pages ? html`<a rel="next" href="${opts.href(opts.page + 1)}">Page suivante</a>` : ''}
  </nav>`;
}

/**
 * A table in a region that scrolls by itself when wider than the screen (RGAA 10.11,
 * WCAG 1.4.10): focusable so a keyboard can scroll it, named by its caption.
 */
export function scrollTable(id: string, caption: Raw | string, head: Raw, body: Raw): Raw {
  return html`<div class="table-scroll" role="region" aria-labelledby="${id}-titre" tabindex="0">
    <table id="${id}">
      <caption id="${id}-titre">
        ${caption}
      </caption>
      <thead>
        ${head}
      </thead>
      <tbody>
        ${body}
      </tbody>
    </table>
  </div>`;
}

/** A table (whose caption has the id `captionId`) in a region of its own that scrolls, as `scrollTable`. */
export const region = (captionId: string, table: Raw): Raw =>
  html`<div class="table-scroll" role="region" aria-labelledby="${captionId}" tabindex="0">${table}</div>`;

/** A column header that sorts its list by due date: a link to the other order, `aria-sort` for the current one. */
export function sortHeader(
  label: string,
  order: 'asc' | 'desc',
  href: (order: 'asc' | 'desc') => string,
): Raw {
  const other = order === 'asc' ? 'desc' : 'asc';
  const what = other === 'asc' ? 'plus ancienne d’abord' : 'plus récente d’abord';
  return html`<th scope="col" aria-sort="${order === 'asc' ? 'ascending' : 'descending'}">
    <a href="${href(other)}"
      >${label} <span aria-hidden="true">${raw(order === 'asc' ? '▲' : '▼')}</span
      ><span class="sr-only"> (trier : ${what})</span></a
    >
  </th>`;
}
