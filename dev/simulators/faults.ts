/**
 * Fault injection for the partner simulators: the next `times` requests to a
 * partner (or one of its operations) are slowed down, answered with an error
 * status, left unanswered, or answered with a body that breaks the contract.
 * (RDV-Insertion's simulator has its own: ./rdv-insertion.ts, `failNext`.)
 */
import { frenchIssues, z } from '../../domain/validation.js';
import { partnerNameSchema, type PartnerName } from '../../partners/http.js';

export const faultKinds = ['latency', 'status', 'timeout', 'malformed'] as const;
export type FaultKind = (typeof faultKinds)[number];

export const faultSpecSchema = z
  .object({
    partner: partnerNameSchema,
    /** An operation name (`notifyOrientation`, `suspendAllocation`…); all when absent. */
    route: z.string().min(1).optional(),
    kind: z.enum(faultKinds, {
      error: `type de panne attendu : ${faultKinds.join(', ')}`,
    }),
    /** For `status`: the status to answer (400–599). */
    status: z
      .number()
      .int()
      .min(400, 'statut entre 400 et 599')
      .max(599, 'statut entre 400 et 599')
      .optional(),
    /** For `latency`: the delay; for `timeout`: how long the request is held before the connection is cut. */
    ms: z.number().int().min(0).max(600_000, 'au plus 600 000 ms').optional(),
    /** How many of the next requests are affected (then back to normal). */
    times: z.number().int().min(1, 'au moins 1').default(1),
    /** For `status`: the message in the error body. */
    message: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.kind === 'status' && f.status === undefined)
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'statut requis pour une panne « status »' });
    if (f.kind === 'latency' && f.ms === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['ms'],
        message: 'durée (ms) requise pour une panne « latency »',
      });
  });

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type Fault = z.output<typeof faultSpecSchema> & { id: number; remaining: number };

export class FaultController {
  private faults: Fault[] = [];
  private nextId = 1;

  /** @param knownRoutes each partner's operation names, to refuse a typo. */
  constructor(private readonly knownRoutes: Record<PartnerName, string[]>) {}

  /** Arms a fault; throws an error with a French message when the spec is invalid. */
  inject(spec: FaultSpec): Fault {
    const parsed = faultSpecSchema.safeParse(spec);
    if (!parsed.success) throw new Error(`Panne invalide : ${frenchIssues(parsed.error)}`);
    const f = parsed.data;
    const routes = this.knownRoutes[f.partner];
    if (f.route !== undefined && !routes.includes(f.route)) {
      throw new Error(`Panne invalide : route : opération inconnue pour ${f.partner} (${routes.join(', ')})`);
    }
    const fault: Fault = { ...f, id: this.nextId++, remaining: f.times };
    this.faults.push(fault);
    return { ...fault };
  }

  /** Disarms every fault, or those of one partner. */
  clear(partner?: PartnerName): void {
    this.faults = partner ? this.faults.filter((f) => f.partner !== partner) : [];
  }

  /** The faults still armed. */
  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The faults hitting one request (at most one of each kind, oldest first), each consumed once. */
  take(partner: PartnerName, route: string, kinds: readonly FaultKind[]): Partial<Record<FaultKind, Fault>> {
    const hit: Partial<Record<FaultKind, Fault>> = {};
    for (const f of this.faults) {
      if (f.partner !== partner || (f.route !== undefined && f.route !== route)) continue;
      if (!kinds.includes(f.kind) || hit[f.kind]) continue;
      f.remaining -= 1;
      hit[f.kind] = { ...f };
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return hit;
  }
}
