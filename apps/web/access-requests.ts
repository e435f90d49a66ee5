/**
 * On the accounts page (accounts-page.ts): the people who signed in through the
 * identity provider and wait for access. An administrator grants a role and a
 * perimeter (the account is created, keyed on the provider's issuer and subject)
 * or refuses; both go to the accounts' journal (store/identities.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { formatParis } from '../../domain/calendar.js';
import { html, type Raw } from '../../domain/html.js';
import { z } from '../../domain/validation.js';
import { describeScope, roleLabels, roles, type Role } from '../../store/accounts.js';
import { grantAccess, refuseAccess, suggestedLogin, type AccessRequest } from '../../store/identities.js';
import { ActionRefused } from '../../services/paths.js';
import { clientIp, csrfField, refuse } from './access.js';

const paris = (iso: string) => formatParis(new Date(iso), true);
const list = (v: string | undefined) =>
  (v ?? '')
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const grantSchema = z.object({
  login: z.string().max(200).default(''),
  role: z.string().max(20).default(''),
  organisations: z.string().max(2000).optional(),
  territories: z.string().max(2000).optional(),
  tout: z.string().optional(),
  _csrf: z.string().optional(),
});

function describe(r: AccessRequest): Raw {
  return html`<strong>${r.name ?? 'Sans nom'}</strong>${r.email ? html` — ${r.email}` : ''}${
      r.siret ? html` — SIRET ${r.siret}` : ''
    }
    <span class="hint"
      >(première connexion ${paris(r.firstSeenAt)}, dernière
      ${paris(r.lastSeenAt)}${
        r.status === 'refused' ? html` ; <span class="late">refusé par ${r.decidedBy ?? '—'}</span>` : ''
      })</span
    >`;
}

function requestForm(r: AccessRequest, reply: FastifyReply): Raw {
  const id = (field: string) => `d${r.id}-${field}`;
  return html`<fieldset>
    <legend>${describe(r)}</legend>
    <form method="post" action="/comptes/demandes/${String(r.id)}/accorder">
      ${csrfField(reply)}
      <div class="field">
        <label for="${id('login')}">Identifiant dans Jalons (pseudonyme, jamais l’adresse)</label
        ><input id="${id('login')}" name="login" required value="${suggestedLogin(r)}" />
      </div>
      <div class="field">
        <label for="${id('role')}">Rôle</label
        ><select id="${id('role')}" name="role">
          ${roles.map(
            (role: Role) =>
              html`<option value="${role}" ${role === 'agent' ? 'selected' : ''}>
                ${roleLabels[role]}
              </option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="${id('orgs')}">Organismes du périmètre (séparés par des virgules)</label
        ><input id="${id('orgs')}" name="organisations" />
      </div>
      <div class="field">
        <label for="${id('terr')}">Territoires du périmètre (séparés par des virgules)</label
        ><input id="${id('terr')}" name="territories" />
      </div>
      <div class="field">
        <label for="${id('tout')}"
          ><input id="${id('tout')}" type="checkbox" name="tout" value="1" /> Tous les dossiers</label
        >
      </div>
      <button type="submit">Accorder l’accès</button>
    </form>
    ${
      r.status === 'pending'
        ? html`<form class="inline" method="post" action="/comptes/demandes/${String(r.id)}/refuser">
            ${csrfField(reply)}<button type="submit">Refuser</button>
          </form>`
        : ''
    }
  </fieldset>`;
}

/** The section of the accounts page; nothing when nobody waits. */
export function grantForm(requests: AccessRequest[], reply: FastifyReply): Raw | '' {
  if (requests.length === 0) return '';
  const waiting = requests.filter((r) => r.status === 'pending').length;
  return html`<section aria-labelledby="demandes">
    <h2 id="demandes">Accès en attente (${String(waiting)})</h2>
    <p class="hint">
      Personnes identifiées par le fournisseur d’identité, sans compte dans Jalons : donnez à chacune un rôle
      et un périmètre (un organisme ou un territoire), ou refusez. Leur prochaine page s’ouvre aussitôt.
    </p>
    ${requests.map((r) => requestForm(r, reply))}
  </section>`;
}

export function requestRoutes(
  app: FastifyInstance,
  db: ReadModelDb,
  render: (req: FastifyRequest, reply: FastifyReply, notice?: Raw) => Promise<unknown>,
): void {
  app.post<{ Params: { id: string; action: string } }>(
    '/comptes/demandes/:id/:action',
    { config: { role: 'admin' } },
    async (req, reply) => {
      const id = Number(req.params.id);
      const origin = { channel: 'web' as const, ip: clientIp(req), actor: req.account?.login };
      if (!Number.isSafeInteger(id) || id <= 0)
        return refuse(req, reply, 404, 'Demande d’accès introuvable.');
      try {
        if (req.params.action === 'refuser') {
          await refuseAccess(db, id, origin);
          return render(req, reply, html`<div class="notice" role="status">Demande d’accès refusée.</div>`);
        }
        if (req.params.action !== 'accorder') return refuse(req, reply, 404, 'Page introuvable.');
        const form = grantSchema.parse(req.body ?? {});
        const account = await grantAccess(
          db,
          id,
          {
            login: form.login.trim(),
            role: form.role as Role,
            organisations: list(form.organisations),
            territories: list(form.territories),
            allCases: form.tout === '1',
          },
          origin,
        );
        return render(
          req,
          reply,
          html`<div class="notice" role="status">
            Accès accordé : compte <strong>${account.login}</strong>, ${roleLabels[account.role]},
            ${describeScope(account)}. Sa prochaine page s’ouvre.
          </div>`,
        );
      } catch (err) {
        if (!(err instanceof ActionRefused)) throw err;
        return render(
          req,
          reply.code(422),
          html`<div class="alert" role="alert"><strong>Refusé :</strong> ${err.message}</div>`,
        );
      }
    },
  );
}
