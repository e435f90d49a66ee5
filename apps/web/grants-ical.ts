/**
 * The grant deadlines as an iCalendar feed (RFC 5545, written by
 * ical-generator), for the grants team's calendar: behind a secret link per
 * account, since a calendar application cannot sign in. Only the link's
 * SHA-256 is stored (table grant_calendar_tokens, read-model migration 9); creating a new link revokes
 * the previous one; a disabled account, or one that no longer sees every case,
 * gets nothing. Each deadline is an event at its instant, in UTC, whose UID is
 * stable per cycle and milestone, so a calendar updates it in place when the
 * date moves.
 */
import { createHash, randomBytes } from 'node:crypto';
import ical from 'ical-generator';
import type { Queryable } from '../../store/db.js';
import { getAccount, scopeOf, type Account } from '../../store/accounts.js';
import { html, raw, type Raw } from '../../domain/html.js';
import { page, type PageUser } from './layout.js';
import { grantsNav } from './grants-pages.js';
import { upcomingDeadlines } from './grants-deadlines.js';
import { parisTime } from './grants-data.js';

const TOKEN = /^jcal_[A-Za-z0-9_-]{43}$/;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

async function journal(db: Queryable, login: string, event: string, ip: string | undefined): Promise<void> {
  await db.query(
    'insert into account_events (login, event, channel, ip, actor) values ($1, $2, $3, $4, $1)',
    [login, event, 'web', ip ?? null],
  );
}

/** A new secret link for the account; the previous one stops working. Returns the token, shown once. */
export async function issueCalendarToken(db: Queryable, login: string, ip?: string): Promise<string> {
  const token = `jcal_${randomBytes(32).toString('base64url')}`;
  await db.query(
    `insert into grant_calendar_tokens (login, token_hash) values ($1, $2)
     on conflict (login) do update set token_hash = excluded.token_hash, created_at = now()`,
    [login, hash(token)],
  );
  await journal(db, login, 'calendar.issued', ip);
  return token;
}

export async function revokeCalendarToken(db: Queryable, login: string, ip?: string): Promise<boolean> {
  const rows = await db.query('delete from grant_calendar_tokens where login = $1 returning login', [login]);
  if (rows.length) await journal(db, login, 'calendar.revoked', ip);
  return rows.length > 0;
}

/** When the account's current link was created, or null. */
export async function calendarTokenSince(db: Queryable, login: string): Promise<string | null> {
  const [row] = await db.query<{ created_at: Date | string }>(
    'select created_at from grant_calendar_tokens where login = $1',
    [login],
  );
  return row ? new Date(row.created_at).toISOString() : null;
}

/** The account a link belongs to, if it may still read the grants (enabled, every case). */
export async function accountByCalendarToken(db: Queryable, token: string): Promise<Account | null> {
  if (!TOKEN.test(token)) return null;
  const [row] = await db.query<{ login: string }>(
    'select login from grant_calendar_tokens where token_hash = $1',
    [hash(token)],
  );
  const account = row ? await getAccount(db, row.login) : null;
  return account && !account.disabled && scopeOf(account).all ? account : null;
}

/** The feed: every deadline still to meet of the open cycles. */
export async function calendarFeed(db: Queryable, baseUrl: string, now: Date): Promise<string> {
  const cal = ical({
    name: 'Jalons — échéances des subventions',
    prodId: { company: 'Jalons', product: 'Échéances des subventions', language: 'FR' },
    ttl: 3600,
  });
  for (const d of await upcomingDeadlines(db)) {
    const link = `${baseUrl}/subventions/${encodeURIComponent(d.grantId)}`;
    cal.createEvent({
      id: `${d.grantId}.${d.milestone}@jalons`,
      stamp: now,
      start: new Date(d.dueAt),
      end: new Date(d.dueAt),
      summary: `${d.title} — ${d.grantId}`,
      description: [
        `${d.grantTitle}.`,
        `Échéance : ${d.due} (heure de Paris)${d.status === 'missed' ? ', manquée' : ''}.`,
        ...(d.words ? [`Les mots de l’acte : « ${d.words} »`] : []),
        ...(d.reading ? [`Lecture : ${d.reading}.`] : []),
        link,
      ].join('\n'),
      url: link,
    });
  }
  return cal.toString();
}

export function calendarPage(v: {
  user: PageUser | undefined;
  csrf: Raw;
  since: string | null;
  /** The new link, right after it was created (never shown again). */
  link?: string;
  notice?: string;
}): string {
  const body = html`${grantsNav('/subventions/calendrier')}
    ${v.notice ? html`<div class="notice" role="status">${v.notice}</div>` : ''}
    <p>
      Un lien secret, propre à votre compte, donne les échéances de tous les cycles de subvention ouverts à
      votre agenda (Outlook, Thunderbird, agenda du téléphone : « s’abonner à un calendrier par URL »). Il
      s’ouvre sans mot de passe : ne le partagez pas. Un nouveau lien rend l’ancien inutilisable.
    </p>
    ${
      v.link
        ? html`<p><strong>Votre lien</strong> (copiez-le maintenant : il ne sera plus affiché) :</p>
            <p class="secret" id="lien-agenda">${v.link}</p>`
        : v.since
          ? html`<p>Un lien est actif depuis le ${parisTime(v.since)}.</p>`
          : html`<p>Aucun lien actif.</p>`
    }
    <form class="inline" method="post" action="/subventions/calendrier">
      ${v.csrf}
      <button type="submit">
        ${v.since || v.link ? 'Créer un nouveau lien (l’ancien cesse de fonctionner)' : 'Créer mon lien'}
      </button>
    </form>
    ${
      v.since || v.link
        ? html`${raw(' ')}
            <form class="inline" method="post" action="/subventions/calendrier/revoquer">
              ${v.csrf}
              <button type="submit">Révoquer le lien</button>
            </form>`
        : ''
    }`;
  return page('Agenda des échéances de subvention', '/subventions', body, v.user);
}
