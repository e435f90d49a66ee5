/**
 * `jalons rdv-insertion lier`: imports the links between pseudonymous ids and
 * RDV-Insertion's users from each connected organisation's user list
 * (services/rdv-insertion-links.ts, docs/rdv-insertion.md). Idempotent.
 */
import type { Command } from 'commander';
import { RdvInsertionClient } from '../../partners/rdv-insertion-client.js';
import { rdvInsertionConfigFromEnv } from '../../partners/rdv-insertion.js';
import { ActionRefused } from '../../services/paths.js';
import { describeLinkImport, importRdviLinks, type LinkImport } from '../../services/rdv-insertion-links.js';
import { withReadModel } from './read-model.js';

export function registerRdvInsertionCommands(program: Command): void {
  program
    .command('rdv-insertion')
    .description('RDV-Insertion (convocations et webhooks, docs/rdv-insertion.md)')
    .command('lier')
    .description(
      'lie les usagers de RDV-Insertion dont l’« ID interne au département » est un identifiant pseudonyme de Jalons',
    )
    .option(
      '--organisation <id>',
      'une seule organisation RDV-Solidarités (par défaut : toutes celles configurées)',
    )
    .option('--json', 'résumé en JSON')
    .action(async (o: { organisation?: string; json?: boolean }) => {
      const config = rdvInsertionConfigFromEnv(process.env);
      if (!config)
        throw new ActionRefused(
          'RDV-Insertion n’est pas configuré : JALONS_RDVI_URL et les variables de docs/rdv-insertion.md sont requises.',
        );
      const ids = config.organisations.map((x) => x.rdvSolidaritesOrganisationId);
      const only = o.organisation === undefined ? null : Number(o.organisation);
      if (only !== null && !ids.includes(only))
        throw new ActionRefused(
          `Organisation ${o.organisation} absente de JALONS_RDVI_ORGANISATIONS (configurées : ${ids.join(', ')}).`,
        );
      const client = new RdvInsertionClient(config);
      const results: LinkImport[] = await withReadModel(async (db) => {
        const out: LinkImport[] = [];
        for (const id of only === null ? [...new Set(ids)] : [only])
          out.push(await importRdviLinks(client, db, id));
        return out;
      }, 'lancez la commande quand la pile est arrêtée, ou avec JALONS_READMODEL_URL vers PostgreSQL.');
      console.log(o.json ? JSON.stringify(results, null, 2) : results.map(describeLinkImport).join('\n'));
    });
}
