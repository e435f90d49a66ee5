/**
 * The beneficiary path (parcours RSA): its inputs, the human decisions that
 * move it, and the state its workflow exposes. Shared by workflows, CLI, web app.
 */
import { z } from './validation.js';
import { instantSchema } from './calendar.js';
import { pseudonymousIdSchema } from './ids.js';

export const trackSchema = z.enum(['employment', 'socio-professional', 'social'], {
  error: 'parcours attendu : employment (emploi), socio-professional (socio-professionnel) ou social',
});
export type Track = z.infer<typeof trackSchema>;

export const pathInputSchema = z
  .object({
    beneficiaryId: pseudonymousIdSchema,
    policy: z.string().default('pas-de-calais'),
    rightsOpenedAt: z.iso.datetime({
      offset: true,
      message: 'date d’ouverture du droit : instant ISO-8601 attendu',
    }),
    territory: z.string().min(1, 'territoire requis'),
    household: z
      .object({ size: z.number().int().positive(), majore: z.boolean() })
      .strict()
      .default({ size: 1, majore: false }),
  })
  .strict();
export type PathInput = z.input<typeof pathInputSchema>;

export const orientationDecisionSchema = z
  .object({
    track: trackSchema,
    organisation: z.string().min(1, 'organisme référent requis'),
    referent: pseudonymousIdSchema,
    /** Date of the decision; defaults to now. */
    decidedAt: instantSchema.optional(),
    decidedBy: z.string().min(1).optional(),
  })
  .strict();
export type OrientationDecision = z.input<typeof orientationDecisionSchema>;

export type PathStep = 'orientation' | 'oriented' | 'closed';

export interface DeadlineRecord {
  kind: string;
  dueAt: string;
  metAt: string | null;
  breached: boolean;
}

export interface NotificationRecord {
  id: string;
  at: string;
  to: string;
  template: string;
  deadline: string;
}

export interface PathState {
  beneficiaryId: string;
  policy: string;
  territory: string;
  step: PathStep;
  status: 'active' | 'closed';
  rightsOpenedAt: string;
  orientation: {
    track: Track;
    organisation: string;
    referent: string;
    decidedAt: string;
    decidedBy: string | null;
  } | null;
  deadlines: DeadlineRecord[];
  notifications: NotificationRecord[];
  history: { at: string; step: PathStep }[];
}
