/**
 * RDV-Insertion's webhook, as published (`POST` of `{ data, meta }`, signed in
 * `X-RDVI-Signature`; docs/rdv-insertion.md). The signature is checked over the raw
 * body, in constant time, against the current secret and the previous one (a
 * rotation). Each participation of a `Rdv` becomes the path's partner event:
 * `seen` → appointment.attended, `noshow` → appointment.missed, `excused` →
 * appointment.missed (excused), a new `starts_at` → appointment.scheduled; `revoked`
 * (and a destroyed Rdv) has no path event and is only recorded. `Invitation`s are recorded.
 * Payloads carry no event id: the event's id is built from (resource, participation,
 * status, `meta.timestamp`), so a second delivery is applied once (the path dedupes
 * ids), and a delivery older than the last one applied for its participation changes nothing.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pathWorkflowId, pseudonymousIdSchema } from '../../domain/ids.js';
import { pathEventSchema, type PathEventInput } from '../../domain/path/path-events.js';
import { APPOINTMENTS_SERVICE } from '../../domain/path/path-partners.js';
import { frenchIssues, type z } from '../../domain/validation.js';
import {
  SIGNATURE_HEADER,
  signatureMatches,
  webhookInstant,
  webhookInvitationSchema,
  webhookRdvSchema,
  webhookSchema,
  type webhookParticipationSchema,
} from '../../partners/rdv-insertion.js';
import type { ReadModelDb } from '../../store/db.js';
import {
  beneficiaryOfRdviUser,
  linkRdviUser,
  previousDeliveries,
  recordDelivery,
  type DeliveryKey,
} from '../../store/rdv-insertion.js';
import { partnerEventSignal } from '../../workflows/path/messages.js';
import { refuse } from './access.js';

export const RDVI_WEBHOOK_PATH = '/api/partenaires/rdv-insertion/webhooks';

export interface RdvInsertionWebhookOptions {
  client: Client;
  db: ReadModelDb;
  /** The shared secrets: the current one first, then the previous one during a rotation. */
  secrets: string[];
  now?: () => Date;
}

type Participation = z.infer<typeof webhookParticipationSchema>;
type Rdv = z.infer<typeof webhookRdvSchema>;
export type Outcome = 'applied' | 'journaled' | 'duplicate' | 'stale' | 'unknown';

/** The pseudonymous id RDV-Insertion carries, or the one linked to its user. */
async function beneficiaryOf(db: ReadModelDb, user: Participation['user']): Promise<string | null> {
  if (!user) return null;
  const internal = pseudonymousIdSchema.safeParse(user.department_internal_id);
  if (internal.success) {
    await linkRdviUser(db, internal.data, user.id, 'webhook');
    return internal.data;
  }
  return beneficiaryOfRdviUser(db, user.id);
}

/** The path event a participation's status means, or null (recorded only). */
function eventOf(
  p: Participation,
  startsAt: Date | null,
  lastStartsAt: Date | null,
): Omit<PathEventInput, 'id' | 'at' | 'by'> | null {
  if (p.status === 'seen') return { type: 'appointment.attended', data: {} };
  if (p.status === 'noshow') return { type: 'appointment.missed', data: { excused: false } };
  if (p.status === 'excused') return { type: 'appointment.missed', data: { excused: true } };
  if (p.status === 'unknown' && startsAt && startsAt.getTime() !== lastStartsAt?.getTime())
    return { type: 'appointment.scheduled', data: { at: startsAt.toISOString() } };
  return null;
}

async function signal(client: Client, beneficiaryId: string, event: PathEventInput): Promise<boolean> {
  try {
    await client.workflow.getHandle(pathWorkflowId(beneficiaryId)).signal(partnerEventSignal, event);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

async function applyParticipation(
  o: RdvInsertionWebhookOptions,
  rdv: Rdv,
  p: Participation,
  meta: { event: string; sentAt: Date },
): Promise<Outcome> {
  const status = meta.event === 'destroyed' ? 'revoked' : p.status;
  const key: DeliveryKey = { resource: 'Rdv', resourceId: p.id, status, sentAt: meta.sentAt };
  const previous = await previousDeliveries(o.db, key);
  if (previous.duplicate) return 'duplicate';
  const beneficiaryId = await beneficiaryOf(o.db, p.user);
  const startsAt = webhookInstant(p.starts_at ?? rdv.starts_at);
  const record = async (outcome: Exclude<Outcome, 'duplicate'>) => {
    await recordDelivery(o.db, key, { outcome, startsAt, beneficiaryId });
    return outcome;
  };
  if (previous.lastSentAt && meta.sentAt < previous.lastSentAt) return record('stale');
  if (!beneficiaryId) return record('unknown');
  const what = eventOf({ ...p, status }, startsAt, previous.lastStartsAt);
  if (!what) return record('journaled');
  const now = (o.now ?? (() => new Date()))();
  const event = {
    ...what,
    id: `rdvi:Rdv:${p.id}:${status}:${meta.sentAt.toISOString()}`,
    by: APPOINTMENTS_SERVICE,
    // The path refuses an act dated in the future: a sender's clock ahead of ours is brought back.
    at: (meta.sentAt > now ? now : meta.sentAt).toISOString(),
  } as PathEventInput;
  const checked = pathEventSchema.safeParse(event);
  if (!checked.success) return record('journaled');
  return record((await signal(o.client, beneficiaryId, event)) ? 'applied' : 'unknown');
}

async function handle(o: RdvInsertionWebhookOptions, req: FastifyRequest, reply: FastifyReply) {
  const raw = typeof req.body === 'string' ? req.body : '';
  const signature = req.headers[SIGNATURE_HEADER];
  if (typeof signature !== 'string' || !signatureMatches(raw, signature, o.secrets))
    return refuse(req, reply, 401, 'Signature X-RDVI-Signature absente ou invalide.');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return refuse(req, reply, 400, 'Webhook RDV-Insertion illisible : corps JSON attendu.');
  }
  const parsed = webhookSchema.safeParse(json);
  if (!parsed.success)
    return refuse(req, reply, 400, `Webhook RDV-Insertion invalide : ${frenchIssues(parsed.error)}`);
  const { data, meta } = parsed.data;
  const sentAt = webhookInstant(meta.timestamp);
  if (!sentAt)
    return refuse(req, reply, 400, 'Webhook RDV-Insertion invalide : meta.timestamp n’est pas un instant.');
  if (meta.model === 'Rdv') {
    const rdv = webhookRdvSchema.safeParse(data);
    if (!rdv.success)
      return refuse(req, reply, 400, `Webhook RDV-Insertion invalide (Rdv) : ${frenchIssues(rdv.error)}`);
    const outcomes = [];
    for (const p of rdv.data.participations)
      outcomes.push({
        participation: p.id,
        resultat: await applyParticipation(o, rdv.data, p, { event: meta.event, sentAt }),
      });
    return reply.code(200).send({ recu: outcomes });
  }
  if (meta.model === 'Invitation') {
    const invitation = webhookInvitationSchema.safeParse(data);
    if (!invitation.success)
      return refuse(
        req,
        reply,
        400,
        `Webhook RDV-Insertion invalide (Invitation) : ${frenchIssues(invitation.error)}`,
      );
    const i = invitation.data;
    const beneficiaryId = await beneficiaryOf(o.db, i.user);
    await recordDelivery(
      o.db,
      { resource: 'Invitation', resourceId: i.id, status: meta.event, sentAt },
      { outcome: beneficiaryId ? 'journaled' : 'unknown', startsAt: null, beneficiaryId },
    );
    return reply
      .code(200)
      .send({ recu: [{ invitation: i.id, resultat: beneficiaryId ? 'journaled' : 'unknown' }] });
  }
  return reply.code(200).send({ recu: [], ignore: `modèle ${meta.model} non suivi par Jalons` });
}

/** Registers the route in its own scope: there, a JSON body stays the raw text the signature covers. */
export async function rdvInsertionWebhook(
  app: FastifyInstance,
  o: RdvInsertionWebhookOptions,
): Promise<void> {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // `auth: 'none'`: no person's session nor API token (apps/web/access.ts), the signature instead.
  app.post(RDVI_WEBHOOK_PATH, { config: { auth: 'none' } }, (req, reply) => handle(o, req, reply));
}
