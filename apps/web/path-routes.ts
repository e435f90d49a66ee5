/**
 * The routes of one beneficiary's case (« fiche d'un parcours »): its page,
 * read from the workflow itself, and the acts recorded there through their
 * forms (the same validated Updates as the CLI, in the account's name).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { messagesOf } from '../../store/outbox.js';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathState } from '../../domain/path/path.js';
import { portfolioWarning } from '../../domain/path/portfolio.js';
import { getPolicy } from '../../domain/policy.js';
import { frenchIssues, z } from '../../domain/validation.js';
import { organisationsSchema, type Organisation } from '../../domain/organisations.js';
import { ActionRefused } from '../../services/paths.js';
import { canAct, recordCaseRead, scopeOf, type Account } from '../../store/accounts.js';
import { clientIp, csrfField, pageUser, refuse } from './access.js';
import { actFor, pathFor, PathNotFound, stoppedBanner } from './cases.js';
import { caseCss, timeline } from './path-page.js';
import { readActForm, refusalByField } from './act-form-data.js';
import type { FieldErrors, FormValues } from './act-form.js';
import type { View } from './view.js';
import { letterRoutes } from './letters.js';
import { lettersOf } from '../../store/letters.js';

const viewOf = (req: FastifyRequest, reply: FastifyReply): View => {
  if (!req.account) throw new Error('page sans compte authentifié');
  return { user: pageUser(req, reply), scope: scopeOf(req.account), account: req.account };
};
const send = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
/** A form's fields: one value each, or several for a group of checkboxes. */
const formSchema = z.record(z.string(), z.union([z.string(), z.array(z.string()).max(100)]));

/**
 * The organisations and référents of the directory (config/directory.json, or
 * JALONS_DIRECTORY), offered by the forms; none listed: the fields are typed.
 */
export function directoryOrganisations(
  file = process.env.JALONS_DIRECTORY ?? 'config/directory.json',
): Organisation[] {
  if (!existsSync(file)) return [];
  const parsed = organisationsSchema
    .optional()
    .safeParse((JSON.parse(readFileSync(file, 'utf8')) as { organisations?: unknown }).organisations);
  if (!parsed.success)
    throw new Error(`Annuaire ${file} : organismes invalides : ${frenchIssues(parsed.error)}`);
  return parsed.data ?? [];
}

export interface PathRouteOptions {
  organisations?: Organisation[];
  now?: () => Date;
}

/** A case within the account's perimeter; its reading is journaled (who, which case, when: issue 19). */
async function readCase(
  req: FastifyRequest<{ Params: { id: string } }>,
  client: Client,
  db: ReadModelDb,
  account: Account,
) {
  const state = await pathFor(client, account, req.params.id, db);
  await recordCaseRead(db, account.login, state.beneficiaryId, { channel: 'web', ip: clientIp(req) });
  return state;
}

/**
 * A référent's intensive portfolio past the policy's cap once this contract is counted
 * (docs/rules.md §2: warned, never refused). Counted in the read model, which may not
 * hold this contract yet: the other paths, plus this one.
 */
export async function intensiveCapWarning(db: ReadModelDb, s: PathState): Promise<string | null> {
  const referent = s.orientation?.referent;
  if (!s.contract?.intensive || !referent) return null;
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from paths
     where referent = $1 and status = 'active' and intensive and workflow_id <> $2`,
    [referent, pathWorkflowId(s.beneficiaryId)],
  );
  return portfolioWarning((row?.n ?? 0) + 1, getPolicy(s.policy), referent);
}

/** What the case page shows beside the workflow's state: each message's content, the letters. */
const casePapers = async (db: ReadModelDb, beneficiaryId: string) => ({
  sent: await messagesOf(db, pathWorkflowId(beneficiaryId)),
  letters: await lettersOf(db, pathWorkflowId(beneficiaryId)),
});

export function pathRoutes(
  app: FastifyInstance,
  client: Client,
  db: ReadModelDb,
  options: PathRouteOptions = {},
): void {
  const organisations = options.organisations ?? directoryOrganisations();
  const now = options.now ?? (() => new Date());
  app.get('/parcours.css', { config: { auth: 'none' } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(caseCss),
  );
  app.get<{ Params: { id: string }; Querystring: { fait?: string } }>('/parcours/:id', async (req, reply) => {
    const view = viewOf(req, reply);
    try {
      const state = await readCase(req, client, db, view.account);
      // A stopped path (docs/health.md) says so at the top and shows no act form.
      const stopped = await stoppedBanner(db, state.beneficiaryId);
      const csrf = canAct(view.account) && !stopped ? csrfField(reply) : null;
      const done = typeof req.query.fait === 'string' ? req.query.fait : undefined;
      const papers = await casePapers(db, state.beneficiaryId);
      const warning = done === 'contract.signed' ? await intensiveCapWarning(db, state) : null;
      return send(
        reply,
        timeline(state, { ...view, csrf, stopped, ...papers, organisations, now: now() }, { done, warning }),
      );
    } catch (err) {
      if (!(err instanceof PathNotFound)) throw err;
      return refuse(req, reply, 404, err.message);
    }
  });
  letterRoutes(app, client, db); // issue 20 §8: each letter's PDF
  app.post<{ Params: { id: string } }>('/parcours/:id/actes', async (req, reply) => {
    const view = viewOf(req, reply);
    const id = req.params.id;
    const form = formSchema.safeParse(req.body ?? {});
    if (!form.success) return refuse(req, reply, 400, 'Formulaire invalide.');
    const { _csrf: _token, by: _by, ...values } = form.data as FormValues;
    let type = '';
    let errors: FieldErrors = {};
    try {
      const read = readActForm(values, organisations);
      type = read.type;
      errors = read.errors;
      if (Object.keys(errors).length === 0) {
        await actFor(client, view.account, id, read.event);
        return reply.redirect(`/parcours/${encodeURIComponent(id)}?fait=${encodeURIComponent(type)}`, 303);
      }
    } catch (err) {
      if (err instanceof PathNotFound) return refuse(req, reply, 404, err.message);
      if (!(err instanceof ActionRefused)) throw err;
      errors = type
        ? refusalByField(type as Parameters<typeof refusalByField>[0], err.message)
        : { '': err.message };
    }
    let state;
    try {
      state = await pathFor(client, view.account, id, db);
    } catch (err) {
      if (err instanceof PathNotFound) return refuse(req, reply, 404, err.message);
      throw err;
    }
    const stopped = await stoppedBanner(db, state.beneficiaryId);
    const error = Object.values(errors).join(' ; ');
    return send(
      reply.code(422),
      timeline(
        state,
        {
          ...view,
          csrf: stopped ? null : csrfField(reply),
          stopped,
          ...(await casePapers(db, state.beneficiaryId)),
          organisations,
          now: now(),
        },
        { error },
        { type, values, errors },
      ),
    );
  });
}
