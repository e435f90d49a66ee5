/**
 * What partner systems post back to Jalons: the appointments service's
 * attendance webhook (`POST /api/partenaires/rdv/presences`). Authenticated by
 * the partner's bearer token (not a person's session), validated with the
 * client's own schema, passed to the path as a Signal carrying the service's
 * event id — a callback delivered twice is applied once by the path.
 */
import { timingSafeEqual } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { attendanceCallbackSchema } from '../../partners/appointments.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { pathEventSchema, type PathEventInput } from '../../domain/path/path-events.js';
import { eventIdSchema, partnerRefSchema } from '../../domain/ids.js';
import { z } from '../../domain/validation.js';
import { APPOINTMENTS_SERVICE } from '../../domain/path/path-partners.js';
import { frenchIssues } from '../../domain/validation.js';
import { partnerEventSignal } from '../../workflows/path/messages.js';
import { frenchTemporalError, temporalErrorStatus } from '../../services/temporal-errors.js';
// Errors as the rest of the API's: application/problem+json with a stable code (problem.ts).
import { refuse } from './access.js';
import { temporalProblemCode } from './problem.js';

export const ATTENDANCE_CALLBACK_PATH = '/api/partenaires/rdv/presences';

export interface PartnerCallbackOptions {
  client: Client;
  /** The token the appointments service presents (`JALONS_PARTNER_TOKEN`). */
  token: string;
}

/** What the appointments service's schema leaves unbounded: its ids (docs/bounds.md). */
const boundsSchema = z.object({
  eventId: eventIdSchema,
  appointmentId: partnerRefSchema('identifiant du rendez-vous'),
});

const sameToken = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export function registerPartnerCallbacks(app: FastifyInstance, o: PartnerCallbackOptions): void {
  // `auth: 'none'`: no person's session nor API token here (apps/web/access.ts), the partner's token instead.
  app.post(ATTENDANCE_CALLBACK_PATH, { config: { auth: 'none' } }, async (req, reply) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!sameToken(bearer, o.token))
      return refuse(req, reply, 401, 'Jeton du partenaire absent ou invalide.');
    // The client's schema, and our bounds on what it leaves open (ids reach the path's journal).
    const parsed = attendanceCallbackSchema.and(boundsSchema).safeParse(req.body);
    if (!parsed.success) return refuse(req, reply, 400, `Présence invalide : ${frenchIssues(parsed.error)}`);
    const c = parsed.data;
    const event: PathEventInput =
      c.status === 'attended'
        ? { type: 'appointment.attended', id: c.eventId, by: APPOINTMENTS_SERVICE, at: c.recordedAt }
        : {
            type: 'appointment.missed',
            id: c.eventId,
            by: APPOINTMENTS_SERVICE,
            at: c.recordedAt,
            data: { excused: c.excused ?? false },
          };
    // The path's own schema, before the Signal: a message it could not even read is never sent.
    const checked = pathEventSchema.safeParse(event);
    if (!checked.success)
      return refuse(req, reply, 400, `Présence invalide : ${frenchIssues(checked.error)}`);
    try {
      await o.client.workflow.getHandle(pathWorkflowId(c.beneficiaryId)).signal(partnerEventSignal, event);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        return refuse(req, reply, 404, `Aucun parcours en cours pour « ${c.beneficiaryId} ».`);
      const french = frenchTemporalError(err, c.beneficiaryId);
      if (french)
        return refuse(
          req,
          reply,
          temporalErrorStatus[french.kind],
          french.message,
          temporalProblemCode[french.kind],
        );
      throw err;
    }
    return reply.code(202).send({ recu: c.eventId });
  });
}
