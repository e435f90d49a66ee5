/**
 * « Accès en attente »: what someone the identity provider vouched for sees until
 * an administrator of Jalons grants them a role and a perimeter (accounts-page.ts).
 * Nothing else is open to them: no menu, no case, no list (access.ts sends every
 * other page here). Once the grant is made, their next request opens their account.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { html } from '../../domain/html.js';
import { REFUSED_MESSAGE, requestByIdentity } from '../../store/identities.js';
import { page } from './layout.js';
import type { ProviderLogout } from './oidc.js';

const send = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').send(body);

async function pendingPage(db: ReadModelDb, req: FastifyRequest, reply: FastifyReply) {
  const identity = req.session.get('pending');
  const request = identity ? await requestByIdentity(db, identity.iss, identity.sub) : null;
  if (request?.status === 'refused') {
    req.session.delete();
    return send(reply, 403, page('Accès refusé', '', html`<p role="alert">${REFUSED_MESSAGE}</p>`, null));
  }
  const who = request?.name ?? request?.email ?? null;
  const body = html`<p>
      ${
        who
          ? html`Vous êtes identifié par votre fournisseur d’identité comme <strong>${who}</strong>${
                request?.email && request.email !== who ? html` (${request.email})` : ''
              }.`
          : 'Vous êtes identifié par votre fournisseur d’identité.'
      }
    </p>
    <p>
      Un administrateur de Jalons doit vous attribuer un <strong>rôle</strong> (lecture seule, agent ou
      administrateur) et un <strong>périmètre</strong> (un organisme ou un territoire) avant que vous puissiez
      voir des dossiers. Votre demande lui est présentée sur sa page des comptes.
    </p>
    <p>Une fois prévenu, rechargez cette page : Jalons s’ouvrira sans nouvelle connexion.</p>
    <form method="post" action="/acces-en-attente/sortir">
      <input type="hidden" name="_csrf" value="${reply.generateCsrf()}" />
      <button type="submit">Se déconnecter</button>
    </form>`;
  return send(reply, 200, page('Accès en attente', '', body, null));
}

export function pendingRoutes(app: FastifyInstance, db: ReadModelDb, providerLogout: ProviderLogout): void {
  app.get('/acces-en-attente', { config: { auth: 'pending' } }, async (req, reply) =>
    pendingPage(db, req, reply),
  );
  app.post(
    '/acces-en-attente/sortir',
    { config: { auth: 'pending' }, preHandler: app.csrfProtection },
    async (req, reply) => {
      const next = await providerLogout(req);
      req.session.delete();
      return reply.redirect(next, 303);
    },
  );
}
