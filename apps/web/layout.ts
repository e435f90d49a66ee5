/**
 * The operations web app's page frame, in French and accessible (RGAA basics:
 * landmarks header / nav / main / footer, a skip link, a label on every field,
 * a visible focus, contrast of at least 4.5:1, tables that scroll inside their
 * own region). The Département's own look comes from settings (brand.ts): its
 * name, its logo and its colour; the default look is neutral, never the
 * State's identity (DSFR), which is reserved to State services. The style sheet
 * is served from /style.css so that the Content-Security-Policy can forbid
 * every inline style and script.
 */
import { html, raw, type Raw } from '../../domain/html.js';
import { brand } from './brand.js';

export const css = `
  :root { color-scheme: light; --ink:#161616; --muted:#3a3a3a; --accent:${brand.colour}; --late:#b60000; --ok:#18753c; --line:#767676; }
  * { box-sizing: border-box; }
  body { font-family: system-ui, sans-serif; color: var(--ink); margin: 0; line-height: 1.5; display: flex; flex-direction: column; min-height: 100vh; }
  a { color: var(--accent); }
  :focus-visible { outline: 3px solid #0a5fd0; outline-offset: 2px; }
  header :focus-visible { outline-color: #fff; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; color: var(--accent); padding: .5rem; z-index: 2; }
  header { background: var(--accent); color: #fff; padding: .75rem 1.5rem; display: flex; gap: 1rem 2rem; align-items: center; flex-wrap: wrap; }
  header a { color: #fff; } header nav { flex-basis: 100%; } header nav a { margin-right: 1.25rem; } header nav a[aria-current=page] { font-weight: bold; text-decoration: underline; }
  header .brand { display: flex; gap: .75rem; align-items: center; } header .brand img { max-height: 3rem; background: #fff; padding: .2rem; }
  header .brand .app { font-weight: bold; font-size: 1.2rem; text-decoration: none; }
  header form.search { display: flex; gap: .5rem; align-items: end; } header form.search label { font-weight: normal; font-size: .9rem; }
  header form.search button, header .who button { background: #fff; color: var(--accent); padding: .25rem .75rem; }
  header .who { margin-left: auto; display: flex; gap: 1rem; align-items: center; }
  main { padding: 1rem 1.5rem 3rem; max-width: 80rem; width: 100%; flex: 1; }
  footer { border-top: 1px solid var(--line); padding: 1rem 1.5rem; color: var(--muted); }
  footer ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1.5rem; flex-wrap: wrap; }
  .table-scroll { max-width: 100%; overflow-x: auto; margin: .5rem 0 1rem; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; } caption { text-align: left; font-weight: bold; padding: .5rem 0; }
  th, td { border-bottom: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  thead th { background: #f2f2f5; } tbody th { font-weight: 600; }
  table.compact { width: auto; }
  .chart { display: flex; gap: 2rem; flex-wrap: wrap; align-items: start; } .chart svg { color: var(--accent); max-width: 100%; height: auto; }
  .pager { display: flex; gap: 1.5rem; align-items: baseline; flex-wrap: wrap; margin: 0 0 1.5rem; } .pager p { margin: 0; }
  .exports { margin: .25rem 0; }
  .late { color: var(--late); font-weight: bold; } .ok { color: var(--ok); }
  form.filters { display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; margin-bottom: 1rem; }
  label { display: block; font-weight: 600; } select, input, textarea, button { font: inherit; padding: .3rem .4rem; }
  select, input, textarea { border: 1px solid var(--line); }
  button { background: var(--accent); color: #fff; border: 0; padding: .45rem 1rem; cursor: pointer; }
  .alert { border-left: 6px solid var(--late); background: #fff0f0; padding: .75rem 1rem; margin: 1rem 0; }
  .notice { border-left: 6px solid var(--ok); background: #eefaf1; padding: .75rem 1rem; margin: 1rem 0; }
  fieldset { border: 1px solid #ccc; margin: 1rem 0; padding: 1rem; } .field { margin-bottom: .75rem; }
  .hint { color: var(--muted); font-size: .9rem; }
  meter { width: 12rem; }
  .login { max-width: 26rem; } .login input { width: 100%; }
  .secret { font-family: ui-monospace, monospace; background: #f2f2f5; padding: .5rem; word-break: break-all; }
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
  ['/courriers', 'Courriers'],
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
    ${user.hidden.includes('/mot-de-passe') ? '' : html`<a href="/mot-de-passe">Mot de passe</a>`}
    <form class="inline" method="post" action="/deconnexion">
      <input type="hidden" name="_csrf" value="${user.csrf}" />
      <button type="submit">Se déconnecter</button>
    </form>
  </div>`;
}

/** The header's search box: a case by its number (apps/web/search-page.ts). */
const search = html`<form class="search" method="get" action="/recherche" role="search" aria-label="Dossier">
  <div>
    <label for="recherche-dossier">Numéro de dossier</label>
    <input id="recherche-dossier" name="q" maxlength="64" autocomplete="off" />
  </div>
  <button type="submit">Ouvrir</button>
</form>`;

function nav(current: string, user?: PageUser): Raw {
  const shown = user ? sections.filter(([href]) => !user.hidden.includes(href)) : sections;
  return html`<nav aria-label="Sections">
    ${shown.map(
      ([href, label]) =>
        html`<a href="${href}" ${raw(href === current ? ' aria-current="page"' : '')}>${label}</a>`,
    )}
  </nav>`;
}

function brandBlock(): Raw {
  return html`<div class="brand">
    ${brand.logo ? html`<img src="/logo" alt="${brand.name ? `Logo : ${brand.name}` : 'Logo du Département'}" />` : ''}
    <a class="app" href="/">Jalons</a>
    ${brand.name ? html`<span>${brand.name}</span>` : ''}
  </div>`;
}

const footer = html`<footer>
  <ul>
    <li><a href="/accessibilite">Accessibilité : non conforme</a></li>
    <li>Jalons — ${brand.name || 'service insertion du Département'}</li>
  </ul>
</footer>`;

/** A page; `user` null for the login page (no menu), undefined for a page that does not name the person. */
export function page(title: string, current: string, body: Raw, user?: PageUser | null): string {
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — Jalons${brand.name ? ` — ${brand.name}` : ''}</title>
        <link rel="stylesheet" href="/style.css" />
      </head>
      <body>
        <a class="skip" href="#contenu">Aller au contenu</a>
        <header>
          ${brandBlock()} ${user ? search : ''} ${user ? who(user) : ''}
          ${user === null ? '' : nav(current, user)}
        </header>
        <main id="contenu" tabindex="-1">
          <h1>${title}</h1>
          ${body}
        </main>
        ${footer}
      </body>
    </html>`.value;
}
