/**
 * The appointments service, in the spirit of RDV-Insertion: Jalons asks for a
 * convocation; the service later calls back with the attendance (a webhook
 * whose body is `attendanceCallbackSchema`), possibly more than once — the
 * receiver must dedupe on `eventId`.
 */
import { z } from '../domain/validation.js';
import { pseudonymousIdSchema } from '../domain/ids.js';
import { clientFor, route, wireInstantSchema, type PartnerEndpoint } from './http.js';

export const convokeSchema = z
  .object({
    beneficiaryId: pseudonymousIdSchema,
    referent: pseudonymousIdSchema,
    at: wireInstantSchema,
  })
  .strict();
export type ConvokeRequest = z.input<typeof convokeSchema>;

export const convocationSchema = z.object({ appointmentId: z.string().min(1) }).strict();
export type Convocation = z.infer<typeof convocationSchema>;

export const appointmentsRoutes = {
  convoke: route('POST', '/convocations', convokeSchema, convocationSchema, 201),
};

export const attendanceStatusSchema = z.enum(['attended', 'missed'], {
  error: 'présence attendue : attended (venu) ou missed (absent)',
});

/** What the service posts to the callback URL once the appointment has taken place. */
export const attendanceCallbackSchema = z
  .object({
    /** Same for every delivery of the same event: dedupe on it. */
    eventId: z.string().min(1),
    appointmentId: z.string().min(1),
    beneficiaryId: pseudonymousIdSchema,
    status: attendanceStatusSchema,
    excused: z.boolean().optional(),
    recordedAt: wireInstantSchema,
  })
  .strict();
export type AttendanceCallback = z.infer<typeof attendanceCallbackSchema>;

export const appointmentsClient = (endpoint: PartnerEndpoint) => clientFor(endpoint, appointmentsRoutes);
