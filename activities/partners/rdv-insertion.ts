/**
 * The convocation through RDV-Insertion (docs/rdv-insertion.md): the path's
 * `appointmentsConvoke` activity keeps its name, input and result (released
 * workflows call it), and invites the person, on the motif category of the
 * référent's organisation, through RDV-Insertion's published API.
 * The person is RDV-Insertion's user linked to the pseudonymous id (its
 * `department_internal_id`): a link imported from RDV-Insertion's user list or
 * learnt from its webhooks (store/rdv-insertion.ts), else looked for in the
 * organisation's user list. Jalons sends no name, e-mail nor phone, so it never
 * creates the user: when none carries the id, a person is asked to set it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { RdvInsertionClient } from '../../partners/rdv-insertion-client.js';
import {
  convokeSchema,
  type Convocation,
  type ConvokeRequest,
  type RdvInsertionConfig,
} from '../../partners/rdv-insertion.js';
import { frenchIssues } from '../../domain/validation.js';
import { rdviUserOf } from '../../store/rdv-insertion.js';
import { importRdviLinks } from '../../services/rdv-insertion-links.js';
import type { ReadModelDb } from '../../store/db.js';

export interface RdvInsertionDeps {
  config: RdvInsertionConfig;
  readModel: () => Promise<ReadModelDb>;
  /** The organismes référents and their référents (config/directory.json). */
  directory: readonly { code: string; referents: readonly string[] }[];
  /** One client per worker: its session is shared by the activities. */
  client?: RdvInsertionClient;
}

/** Pages of the user list read to find an unlinked person at convocation time (600 users); beyond, the import command. */
export const LOOKUP_PAGES = 20;

const refusal = (message: string) =>
  ApplicationFailure.nonRetryable(message, 'InvalidPartnerRequest', {
    partner: 'rdv',
    operation: 'invitation RDV-Insertion',
  });

/** Without RDV-Insertion (no JALONS_RDVI_URL): every convocation is a person's task, sent nowhere. */
export async function convokeUnconfigured(req: ConvokeRequest): Promise<Convocation> {
  throw refusal(
    `RDV-Insertion n’est pas configuré (JALONS_RDVI_URL absent) : convoquez « ${req.beneficiaryId} » ` +
      'hors de Jalons, ou configurez RDV-Insertion puis renvoyez la convocation (docs/rdv-insertion.md).',
  );
}

export function createRdvInsertionConvoke(deps: RdvInsertionDeps) {
  const client = deps.client ?? new RdvInsertionClient(deps.config);
  return async function convoke(req: ConvokeRequest): Promise<Convocation> {
    const parsed = convokeSchema.safeParse(req);
    if (!parsed.success) throw refusal(`Demande invalide pour RDV-Insertion : ${frenchIssues(parsed.error)}`);
    const { beneficiaryId, referent } = parsed.data;
    const code = deps.directory.find((o) => o.referents.includes(referent))?.code;
    const organisation = deps.config.organisations.find((o) => o.code === code);
    if (!organisation)
      throw refusal(
        `Le référent « ${referent} » n’appartient à aucun organisme relié à RDV-Insertion` +
          ` (${code ? `« ${code} » absent de JALONS_RDVI_ORGANISATIONS` : 'absent de l’annuaire'}) : ` +
          'convoquez la personne hors de Jalons ou complétez la configuration (docs/rdv-insertion.md).',
      );
    const db = await deps.readModel();
    const orgId = organisation.rdvSolidaritesOrganisationId;
    // Not linked yet: looked for in the organisation's user list (its first pages), and linked when found.
    const userId =
      (await rdviUserOf(db, beneficiaryId)) ??
      (await importRdviLinks(client, db, orgId, { find: beneficiaryId, maxPages: LOOKUP_PAGES })).found;
    if (userId === null)
      throw refusal(
        `La personne « ${beneficiaryId} » n’est liée à aucun usager de RDV-Insertion (organisation ${orgId}) : ` +
          `renseignez « ${beneficiaryId} » comme ID interne au département sur sa fiche dans RDV-Insertion, ` +
          'puis renvoyez la convocation (docs/rdv-insertion.md).',
      );
    const answer = await client.invite(orgId, userId, {
      invitation: { motif_category: { short_name: organisation.motifCategory } },
    });
    // Stable across the 24 h in which RDV-Insertion sends no second invitation: a retry gives the same id.
    return {
      appointmentId: `rdvi:${organisation.rdvSolidaritesOrganisationId}:${answer.user.id}:${organisation.motifCategory}`,
    };
  };
}
