/**
 * The routes of one beneficiary's case (« fiche d'un parcours »): its page,
 * read from the workflow itself, and the acts recorded there (the same
 * validated Updates as the CLI, in the account's name).
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { z } from '../../domain/validation.js';
import { ActionRefused } from '../../services/paths.js';
import { canAct, scopeOf } from '../../store/accounts.js';
import { csrfField, pageUser, refuse } from './access.js';
import { actFor, pathFor, PathNotFound, stoppedBanner } from './cases.js';
import { eventFromForm, timeline } from './path-page.js';
import type { View } from './view.js';

const viewOf = (req: FastifyRequest, reply: FastifyReply): View => {
  if (!req.account) throw new Error('page sans compte authentifié');
  return { user: pageUser(req, reply), scope: scopeOf(req.account), account: req.account };
};
const send = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
const formSchema = z.record(z.string(), z.string());

export function pathRoutes(app: FastifyInstance, client: Client, db: ReadModelDb): void {
  app.get<{ Params: { id: string }; Querystring: { fait?: string } }>('/parcours/:id', async (req, reply) => {
    const view = viewOf(req, reply);
    try {
      const state = await pathFor(client, view.account, req.params.id, db);
      // A stopped path (docs/health.md) says so at the top and shows no act form.
      const stopped = await stoppedBanner(db, state.beneficiaryId);
      const csrf = canAct(view.account) && !stopped ? csrfField(reply) : null;
      const done = typeof req.query.fait === 'string' ? req.query.fait : undefined;
      return send(reply, timeline(state, { ...view, csrf, stopped }, { done }));
    } catch (err) {
      if (!(err instanceof PathNotFound)) throw err;
      return refuse(req, reply, 404, err.message);
    }
  });
  app.post<{ Params: { id: string } }>('/parcours/:id/actes', async (req, reply) => {
    const view = viewOf(req, reply);
    const id = req.params.id;
    const form = formSchema.safeParse(req.body ?? {});
    if (!form.success) return refuse(req, reply, 400, 'Formulaire invalide.');
    try {
      const event = eventFromForm(form.data);
      await actFor(client, view.account, id, event);
      return reply.redirect(
        `/parcours/${encodeURIComponent(id)}?fait=${encodeURIComponent(event.type)}`,
        303,
      );
    } catch (err) {
      if (err instanceof PathNotFound) return refuse(req, reply, 404, err.message);
      if (!(err instanceof ActionRefused)) throw err;
      const state = await pathFor(client, view.account, id);
      return send(
        reply.code(422),
        timeline(state, { ...view, csrf: csrfField(reply) }, { error: err.message }, form.data),
      );
    }
  });
}
