/**
 * The operations web app's page frame: French, accessible (skip link, labels,
 * contrast, focus). The style sheet is served from /style.css so that the
 * Content-Security-Policy can forbid every inline style and script.
 */
import { html, raw, type Raw } from '../../domain/html.js';

export const css = `
  :root { color-scheme: light; --ink:#161616; --muted:#3a3a3a; --accent:#000091; --late:#b60000; --ok:#18753c; }
  * { box-sizing: border-box; }
  body { font-family: system-ui, sans-serif; color: var(--ink); margin: 0; line-height: 1.5; }
  a { color: var(--accent); } a:focus, button:focus, select:focus, input:focus, textarea:focus { outline: 3px solid #0a76f6; outline-offset: 2px; }
  .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
  header { background: var(--accent); color: #fff; padding: .75rem 1.5rem; display: flex; gap: 2rem; align-items: center; flex-wrap: wrap; }
  header a { color: #fff; } header nav a { margin-right: 1.25rem; } header nav a[aria-current=page] { font-weight: bold; text-decoration: underline; }
  main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; } caption { text-align: left; font-weight: bold; padding: .5rem 0; }
  th, td { border-bottom: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f2f2f9; }
  .late { color: var(--late); font-weight: bold; } .ok { color: var(--ok); }
  form.filters { display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; margin-bottom: 1rem; }
  label { display: block; font-weight: 600; } select, input, textarea, button { font: inherit; padding: .3rem .4rem; }
  button { background: var(--accent); color: #fff; border: 0; padding: .45rem 1rem; cursor: pointer; }
  .alert { border-left: 6px solid var(--late); background: #fff0f0; padding: .75rem 1rem; margin: 1rem 0; }
  .notice { border-left: 6px solid var(--ok); background: #eefaf1; padding: .75rem 1rem; margin: 1rem 0; }
  fieldset { border: 1px solid #ccc; margin: 1rem 0; padding: 1rem; } .field { margin-bottom: .75rem; }
  .hint { color: var(--muted); font-size: .9rem; }
  meter { width: 12rem; }
  header .who { margin-left: auto; display: flex; gap: 1rem; align-items: center; }
  header .who button { background: #fff; color: var(--accent); padding: .25rem .75rem; }
  .login { max-width: 26rem; } .login input { width: 100%; }
  .secret { font-family: ui-monospace, monospace; background: #f2f2f9; padding: .5rem; word-break: break-all; }
  form.inline { display: inline; } form.inline button { padding: .2rem .6rem; }
  .field-error { color: var(--late); font-weight: 600; margin: .25rem 0 0; } [aria-invalid=true] { border: 2px solid var(--late); }
  label.inline { display: inline; font-weight: normal; } details { margin: .5rem 0; } summary { cursor: pointer; font-weight: 600; }
  nav.subnav a { margin-right: 1.25rem; } nav.subnav a[aria-current=page] { font-weight: bold; }
  a.button { display: inline-block; background: var(--accent); color: #fff; padding: .45rem 1rem; text-decoration: none; }
`;

const sections = [
  ['/', 'Retards et échéances'],
  ['/referents', 'Portefeuilles des référents'],
  ['/indicateurs', 'Indicateurs'],
  ['/subventions', 'Subventions'],
  ['/rapports', 'Rapports'],
  ['/catalogue', 'Catalogue de l’offre'],
  ['/sante', 'Santé'],
  ['/comptes', 'Comptes'],
] as const;

/** The signed-in person, as the header shows them (and what their account may open). */
export interface PageUser {
  login: string;
  role: string;
  /** CSRF token for the logout form. */
  csrf: string;
  /** Sections this account may not open (left out of the menu). */
  hidden: string[];
}

function who(user: PageUser): Raw {
  return html`<div class="who">
    <span>Connecté : <strong>${user.login}</strong> (${user.role})</span>
    <form class="inline" method="post" action="/deconnexion">
      <input type="hidden" name="_csrf" value="${user.csrf}" />
      <button type="submit">Se déconnecter</button>
    </form>
  </div>`;
}

function nav(current: string, user?: PageUser): Raw {
  const shown = user ? sections.filter(([href]) => !user.hidden.includes(href)) : sections;
  return html`<nav aria-label="Sections">
      ${shown.map(
        ([href, label]) =>
          html`<a href="${href}" ${raw(href === current ? ' aria-current="page"' : '')}>${label}</a>`,
      )}
    </nav>
    ${user ? who(user) : ''}`;
}

/** A page; `user` null for the login page (no menu), undefined for a page that does not name the person. */
export function page(title: string, current: string, body: Raw, user?: PageUser | null): string {
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — Jalons</title>
        <link rel="stylesheet" href="/style.css" />
      </head>
      <body>
        <a class="skip" href="#contenu">Aller au contenu</a>
        <header>
          <strong>Jalons</strong>
          ${user === null ? '' : nav(current, user)}
        </header>
        <main id="contenu">
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.value;
}
