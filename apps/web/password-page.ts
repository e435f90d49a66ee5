/**
 * « Mot de passe »: a person with a local account changes their own password
 * (store/password-change.ts). Each refusal is one French sentence next to its field
 * (aria-invalid, aria-describedby) and changes nothing; a change ends the person's
 * other sessions and revokes their API token and calendar link, and keeps this
 * browser signed in.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { html, raw, type Raw } from '../../domain/html.js';
import { z } from '../../domain/validation.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, getAccount } from '../../store/accounts.js';
import { changeOwnPassword, type PasswordErrors } from '../../store/password-change.js';
import { clientIp, csrfField, pageUser } from './access.js';
import { page } from './layout.js';

export const PASSWORD_PAGE = '/mot-de-passe';

const formSchema = z.object({
  actuel: z
    .string()
    .max(4 * MAX_PASSWORD_LENGTH)
    .default(''),
  nouveau: z
    .string()
    .max(4 * MAX_PASSWORD_LENGTH)
    .default(''),
  confirmation: z
    .string()
    .max(4 * MAX_PASSWORD_LENGTH)
    .default(''),
  _csrf: z.string().optional(),
});

const fields = [
  ['current', 'actuel', 'Mot de passe actuel', 'current-password', null],
  [
    'next',
    'nouveau',
    'Nouveau mot de passe',
    'new-password',
    `De ${MIN_PASSWORD_LENGTH} à ${MAX_PASSWORD_LENGTH} caractères ; une phrase de plusieurs mots convient.`,
  ],
  ['confirmation', 'confirmation', 'Confirmation du nouveau mot de passe', 'new-password', null],
] as const;

function field(
  [key, name, label, autocomplete, hint]: (typeof fields)[number],
  error: string | undefined,
): Raw {
  const id = `mdp-${name}`;
  const described = [hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
    <label for="${id}">${label}</label>
    ${hint ? html`<p class="hint" id="${id}-aide">${hint}</p>` : ''}
    <input
      id="${id}"
      name="${name}"
      type="password"
      autocomplete="${autocomplete}"
      required
      ${raw(error ? ' aria-invalid="true"' : '')}
      ${raw(described ? ` aria-describedby="${described}"` : '')}
      data-field="${key}"
    />
    ${error ? html`<p class="field-error" id="${id}-erreur">${error}</p>` : ''}
  </div>`;
}

function passwordPage(
  req: FastifyRequest,
  reply: FastifyReply,
  state: { errors?: PasswordErrors; done?: boolean; sso?: boolean },
): string {
  const errors = state.errors ?? {};
  const body = state.sso
    ? html`<p>
        Votre compte se connecte par le fournisseur d’identité : il n’a pas de mot de passe dans Jalons.
      </p>`
    : html`${
          state.done
            ? html`<div class="notice" role="status">
                Mot de passe changé. Vos autres sessions sont fermées ; votre jeton d’API et votre lien
                d’agenda sont révoqués.
              </div>`
            : ''
        }
        ${
          Object.keys(errors).length
            ? html`<div class="alert" role="alert">
                Le mot de passe n’a pas été changé : voir les champs signalés.
              </div>`
            : ''
        }
        <form class="login" method="post" action="${PASSWORD_PAGE}" novalidate>
          ${csrfField(reply)} ${fields.map((f) => field(f, errors[f[0]]))}
          <button type="submit">Changer le mot de passe</button>
        </form>`;
  return page('Changer mon mot de passe', PASSWORD_PAGE, body, pageUser(req, reply));
}

const send = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

export function passwordRoutes(app: FastifyInstance, db: ReadModelDb): void {
  // Every role may change its own password: a read-only account included.
  const options = { config: { role: 'lecture' as const } };
  app.get(PASSWORD_PAGE, options, async (req, reply) =>
    send(reply, passwordPage(req, reply, { sso: req.account?.sso ?? false })),
  );
  app.post(PASSWORD_PAGE, options, async (req, reply) => {
    const login = req.account!.login;
    const form = formSchema.safeParse(req.body ?? {});
    const values = form.success ? form.data : { actuel: '', nouveau: '', confirmation: '' };
    const result = await changeOwnPassword(
      db,
      login,
      { current: values.actuel, next: values.nouveau, confirmation: values.confirmation },
      { channel: 'web', ip: clientIp(req), actor: login },
    );
    if (!result.ok) return send(reply.code(422), passwordPage(req, reply, { errors: result.errors }));
    // This browser stays signed in under the new session version; every other copy has ended.
    req.session.set('v', result.sessionVersion);
    req.account = (await getAccount(db, login)) ?? req.account;
    return send(reply, passwordPage(req, reply, { done: true }));
  });
}
