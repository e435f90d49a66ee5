/** Every activity the workers register, built from their dependencies. */
import type { Transporter } from 'nodemailer';
import type { Directory } from './notifications/directory.js';
import { createBenchActivities } from './floor/touch.js';
import { createDigestActivities } from './notifications/digest.js';
import { createExchangeActivities } from './exchanges/index.js';
import { createIncidentActivities } from './health/incidents.js';
import { createRebuildActivities } from './health/rebuild.js';
import { createNotificationActivities } from './notifications/notifications.js';
import { createPartnerActivities, partnerConfigFromEnv, type PartnerConfig } from './partners/index.js';
import { createReadModelActivities } from './read-model/activities.js';
import type { ReadModelDb } from '../store/db.js';
import { rdvInsertionConfigFromEnv, type RdvInsertionConfig } from '../partners/rdv-insertion.js';

export interface ActivityDeps {
  transport: Transporter;
  directory: Directory;
  /** Opened on first use. */
  readModel: () => Promise<ReadModelDb>;
  /** Partner systems; default: from the environment (the local simulators). */
  partners?: PartnerConfig;
  /** RDV-Insertion (issue 21); default: from the environment, none without JALONS_RDVI_URL. */
  rdvInsertion?: RdvInsertionConfig | null;
}

export function createActivities(deps: ActivityDeps) {
  const notifications = createNotificationActivities(deps);
  const rdvi = deps.rdvInsertion === undefined ? rdvInsertionConfigFromEnv(process.env) : deps.rdvInsertion;
  return {
    ...notifications,
    ...createPartnerActivities(
      deps.partners ?? partnerConfigFromEnv(process.env),
      rdvi && { config: rdvi, readModel: deps.readModel, directory: deps.directory.organisations ?? [] },
    ),
    ...createReadModelActivities(deps.readModel),
    ...createIncidentActivities({ readModel: deps.readModel }),
    ...createRebuildActivities(deps.readModel),
    ...createDigestActivities({ readModel: deps.readModel, send: notifications.sendNotification }),
    ...createExchangeActivities({
      readModel: deps.readModel,
      partners: deps.partners ?? partnerConfigFromEnv(process.env),
    }),
    ...createBenchActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
