/**
 * Administrators' page: the people waiting for access after signing in through
 * the identity provider (grant a role and a perimeter, or refuse: store/identities.ts),
 * the accounts (create, disable or enable, new password, new API token) and the
 * journal of logins and account changes. A generated password or token is shown
 * once, never stored in clear.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { formatParis } from '../../domain/calendar.js';
import { z } from '../../domain/validation.js';
import {
  accountEvents,
  createAccount,
  describeScope,
  eventLabels,
  getAccount,
  issueApiToken,
  listAccounts,
  roleLabels,
  roles,
  setDisabled,
  setPassword,
  type Account,
  type Origin,
} from '../../store/accounts.js';
import { html, type Raw } from '../../domain/html.js';
import { ActionRefused } from '../../services/paths.js';
import { clientIp, csrfField, pageUser, refuse } from './access.js';
import { page } from './layout.js';
import { grantForm, requestRoutes } from './access-requests.js';
import { passwordRoutes } from './password-page.js';
import { listAccessRequests } from '../../store/identities.js';

const paris = (iso: string | null) => (iso ? formatParis(new Date(iso), true) : '—');
/** The personal API token's expiry (JALONS_API_TOKEN_DAYS), or that it expired: a new one is issued here. */
const tokenCell = (a: Account): Raw | string => {
  if (!a.hasApiToken || !a.apiTokenExpiresAt) return 'non';
  return Date.parse(a.apiTokenExpiresAt) <= Date.now()
    ? html`<span class="late">expiré le ${paris(a.apiTokenExpiresAt)}</span>`
    : `oui, jusqu’au ${paris(a.apiTokenExpiresAt)}`;
};
const list = (v: string | undefined) =>
  (v ?? '')
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const createSchema = z.object({
  login: z.string().default(''),
  role: z.string().default(''),
  organisations: z.string().optional(),
  territories: z.string().optional(),
  tout: z.string().optional(),
  _csrf: z.string().optional(),
});

function actions(a: Account, reply: FastifyReply): Raw {
  const button = (action: string, label: string) =>
    html`<form class="inline" method="post" action="/comptes/${a.login}/${action}">
      ${csrfField(reply)}<button type="submit" aria-label="${label} : ${a.login}">${label}</button>
    </form>`;
  // An account of the identity provider has no password in Jalons.
  return html`${a.disabled ? button('reactiver', 'Réactiver') : button('desactiver', 'Désactiver')}
  ${a.sso ? '' : button('mot-de-passe', 'Nouveau mot de passe')} ${button('jeton', 'Nouveau jeton d’API')}`;
}

function createForm(reply: FastifyReply): Raw {
  return html`<form method="post" action="/comptes">
    ${csrfField(reply)}
    <fieldset>
      <legend>Créer un compte</legend>
      <div class="field">
        <label for="c-login">Identifiant (pseudonyme : lettres, chiffres, « - », « _ », « . »)</label
        ><input id="c-login" name="login" required />
      </div>
      <div class="field">
        <label for="c-role">Rôle</label
        ><select id="c-role" name="role">
          ${roles.map((r) => html`<option value="${r}">${roleLabels[r]}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="c-orgs">Organismes (séparés par des virgules)</label
        ><input id="c-orgs" name="organisations" />
      </div>
      <div class="field">
        <label for="c-terr">Territoires (séparés par des virgules)</label
        ><input id="c-terr" name="territories" />
      </div>
      <div class="field">
        <label for="c-tout"
          ><input id="c-tout" type="checkbox" name="tout" value="1" /> Tous les dossiers</label
        >
      </div>
      <button type="submit">Créer le compte</button>
    </fieldset>
  </form>`;
}

async function accountsPage(db: ReadModelDb, req: FastifyRequest, reply: FastifyReply, notice?: Raw) {
  const accounts = await listAccounts(db);
  const events = await accountEvents(db, 100);
  const requests = await listAccessRequests(db);
  const body = html`${notice ?? ''} ${grantForm(requests, reply)}
    <table>
      <caption>
        Comptes (${accounts.length})
      </caption>
      <thead>
        <tr>
          <th scope="col">Identifiant</th>
          <th scope="col">Rôle</th>
          <th scope="col">Périmètre</th>
          <th scope="col">État</th>
          <th scope="col">Jeton d’API</th>
          <th scope="col">Dernière connexion</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        ${accounts.map(
          (a) =>
            html`<tr>
              <td>${a.login}${a.sso ? html`<br /><span class="hint">${a.name ?? a.email ?? 'fournisseur d’identité'}</span>` : ''}</td>
              <td>${roleLabels[a.role]}</td>
              <td>${describeScope(a)}</td>
              <td${a.disabled ? html` class="late"` : ''}>${a.disabled ? 'désactivé' : 'actif'}</td>
              <td>${tokenCell(a)}</td>
              <td>${paris(a.lastLoginAt)}</td>
              <td>${actions(a, reply)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${createForm(reply)}
    <table>
      <caption>
        Journal des connexions et des comptes (100 derniers)
      </caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Compte</th>
          <th scope="col">Événement</th>
          <th scope="col">Canal</th>
          <th scope="col">Adresse</th>
          <th scope="col">Par</th>
          <th scope="col">Détail</th>
        </tr>
      </thead>
      <tbody>
        ${events.map(
          (e) =>
            html`<tr>
              <td>${paris(e.at)}</td>
              <td>${e.login ?? '—'}</td>
              <td>${eventLabels[e.event] ?? e.event}</td>
              <td>${e.channel}</td>
              <td>${e.ip ?? '—'}</td>
              <td>${e.actor ?? '—'}</td>
              <td>${e.detail ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  return reply.type('text/html; charset=utf-8').send(page('Comptes', '/comptes', body, pageUser(req, reply)));
}

const secretNotice = (what: string, login: string, secret: string) =>
  html`<div class="notice" role="status">
    <p>${what} pour <strong>${login}</strong>, affiché une seule fois : transmettez-le par un canal sûr.</p>
    <p class="secret">${secret}</p>
  </div>`;

export function accountRoutes(app: FastifyInstance, db: ReadModelDb): void {
  passwordRoutes(app, db); // « Mot de passe »: each person's own
  requestRoutes(app, db, (req, reply, notice) => accountsPage(db, req, reply, notice));
  const admin = { config: { role: 'admin' as const } };
  const origin = (req: FastifyRequest): Origin => ({
    channel: 'web',
    ip: clientIp(req),
    actor: req.account?.login,
  });
  const refused = (req: FastifyRequest, reply: FastifyReply, err: unknown) => {
    if (!(err instanceof ActionRefused)) throw err;
    return accountsPage(
      db,
      req,
      reply.code(422),
      html`<div class="alert" role="alert"><strong>Refusé :</strong> ${err.message}</div>`,
    );
  };
  app.get('/comptes', admin, async (req, reply) => accountsPage(db, req, reply));
  app.post('/comptes', admin, async (req, reply) => {
    const form = createSchema.parse(req.body ?? {});
    try {
      const { account, password } = await createAccount(
        db,
        {
          login: form.login.trim(),
          role: form.role as Account['role'],
          organisations: list(form.organisations),
          territories: list(form.territories),
          allCases: form.tout === '1',
        },
        origin(req),
      );
      return accountsPage(
        db,
        req,
        reply,
        secretNotice('Compte créé ; mot de passe', account.login, password),
      );
    } catch (err) {
      return refused(req, reply, err);
    }
  });
  app.post<{ Params: { login: string; action: string } }>(
    '/comptes/:login/:action',
    admin,
    async (req, reply) => {
      const { login, action } = req.params;
      try {
        if (action === 'desactiver' || action === 'reactiver') {
          if (login === req.account?.login)
            throw new ActionRefused('Vous ne pouvez pas désactiver votre propre compte.');
          await setDisabled(db, login, action === 'desactiver', origin(req));
          return reply.redirect('/comptes', 303);
        }
        if (action === 'mot-de-passe') {
          if ((await getAccount(db, login))?.sso)
            throw new ActionRefused(
              `Le compte « ${login} » se connecte par le fournisseur d’identité : il n’a pas de mot de passe.`,
            );
          const password = await setPassword(db, login, undefined, origin(req));
          return accountsPage(db, req, reply, secretNotice('Nouveau mot de passe', login, password));
        }
        if (action === 'jeton') {
          const token = await issueApiToken(db, login, origin(req));
          return accountsPage(db, req, reply, secretNotice('Nouveau jeton d’API', login, token));
        }
        return refuse(req, reply, 404, 'Page introuvable.');
      } catch (err) {
        return refused(req, reply, err);
      }
    },
  );
}
