/**
 * Partner systems as Temporal activities: one activity per operation, each a
 * typed, validated, idempotent HTTP call (see `http.ts`). Configuration from
 * the environment (`partnerConfigFromEnv`); the defaults reach the local
 * simulators (`dev/simulators/`).
 */
import { callPartner as call, type CallOptions, type PartnerName } from '../../partners/http.js';
import { countPartnerFailure } from '../../observability/metrics.js';

/** Every partner call, its failures counted by partner (metrics: observability/metrics.ts). */
const callPartner: typeof call = async (endpoint, ...rest) => {
  try {
    return await call(endpoint, ...rest);
  } catch (err) {
    countPartnerFailure(endpoint.partner, err);
    throw err;
  }
};
import type { PartnerConfig } from '../../partners/config.js';
import {
  franceTravailRoutes,
  type NotifyContractRequest,
  type NotifyOrientationRequest,
  type NotifySanctionDecisionRequest,
  type Receipt,
} from '../../partners/france-travail.js';
import {
  cafRoutes,
  type RestoreAllocationRequest,
  type SuspendAllocationRequest,
} from '../../partners/caf.js';
import type { ConvokeRequest, Convocation } from '../../partners/rdv-insertion.js';
import { convokeUnconfigured, createRdvInsertionConvoke, type RdvInsertionDeps } from './rdv-insertion.js';
import { cnsaRoutes, type ApplicationReceipt, type SubmitApplicationRequest } from '../../partners/cnsa.js';
import {
  prefectureRoutes,
  type Acknowledgement,
  type TransmitActRequest,
} from '../../partners/prefecture.js';

export { partnerNames, partnerLabels, type PartnerName } from '../../partners/http.js';

export {
  DEFAULT_SIMULATORS_PORT,
  partnerConfigFromEnv,
  SIMULATORS_TOKEN,
  simulatorUrls,
  type PartnerConfig,
} from '../../partners/config.js';

/**
 * The partner activities. Each takes the request (validated before it leaves)
 * and, optionally, an idempotency key; without one, the key is derived from
 * the request, so a retry or a replay never applies it twice.
 */
export function createPartnerActivities(config: PartnerConfig, rdvInsertion: RdvInsertionDeps | null = null) {
  const endpoint = (partner: PartnerName) => ({
    partner,
    baseUrl: config.partners[partner].url,
    token: config.partners[partner].token,
    timeoutMs: config.timeoutMs,
  });
  const ft = endpoint('france-travail');
  const caf = endpoint('caf');
  const cnsa = endpoint('cnsa');
  const prefecture = endpoint('prefecture');
  const key = (idempotencyKey?: string): CallOptions => (idempotencyKey ? { idempotencyKey } : {});
  // Convocations go through RDV-Insertion (JALONS_RDVI_URL, docs/rdv-insertion.md); without it, to a person.
  const rdvInsertionConvoke = rdvInsertion ? createRdvInsertionConvoke(rdvInsertion) : convokeUnconfigured;

  return {
    /** Orientation decision (registers the person with France Travail). */
    async franceTravailNotifyOrientation(
      req: NotifyOrientationRequest,
      idempotencyKey?: string,
    ): Promise<Receipt> {
      return callPartner(ft, franceTravailRoutes.notifyOrientation, req, key(idempotencyKey));
    },
    async franceTravailNotifyContract(req: NotifyContractRequest, idempotencyKey?: string): Promise<Receipt> {
      return callPartner(ft, franceTravailRoutes.notifyContract, req, key(idempotencyKey));
    },
    async franceTravailNotifySanctionDecision(
      req: NotifySanctionDecisionRequest,
      idempotencyKey?: string,
    ): Promise<Receipt> {
      return callPartner(ft, franceTravailRoutes.notifySanctionDecision, req, key(idempotencyKey));
    },
    async cafSuspendAllocation(req: SuspendAllocationRequest, idempotencyKey?: string): Promise<Receipt> {
      return callPartner(caf, cafRoutes.suspendAllocation, req, key(idempotencyKey));
    },
    async cafRestoreAllocation(req: RestoreAllocationRequest, idempotencyKey?: string): Promise<Receipt> {
      return callPartner(caf, cafRoutes.restoreAllocation, req, key(idempotencyKey));
    },
    /** Name, input and result unchanged since 1.0 (released histories replay them); RDV-Insertion's invitation. */
    async appointmentsConvoke(req: ConvokeRequest, _idempotencyKey?: string): Promise<Convocation> {
      return rdvInsertionConvoke(req).catch((err: unknown) => {
        countPartnerFailure('rdv', err);
        throw err;
      });
    },
    async cnsaSubmitApplication(
      req: SubmitApplicationRequest,
      idempotencyKey?: string,
    ): Promise<ApplicationReceipt> {
      return callPartner(cnsa, cnsaRoutes.submitApplication, req, key(idempotencyKey));
    },
    async prefectureTransmitAct(req: TransmitActRequest, idempotencyKey?: string): Promise<Acknowledgement> {
      return callPartner(prefecture, prefectureRoutes.transmitAct, req, key(idempotencyKey));
    },
  };
}

export type PartnerActivities = ReturnType<typeof createPartnerActivities>;
