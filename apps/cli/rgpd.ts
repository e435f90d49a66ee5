/**
 * `jalons rgpd …`: the retention purge (dry run first), the export of one
 * person's data, the nightly Schedule. Both run on the workers (they hold the
 * read model): the stack, or the cluster, must be up.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, retentionMonthsSchema } from '../../workers/config.js';
import { frenchIssues } from '../../domain/validation.js';
import { ActionRefused } from '../../services/paths.js';
import { describePurge, exportPerson, runPurge } from '../../services/rgpd.js';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../../services/schedules.js';
import { connectClient } from '../../services/temporal.js';

function months(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const parsed = retentionMonthsSchema.safeParse(raw);
  if (!parsed.success) throw new ActionRefused(`--mois : ${frenchIssues(parsed.error)}`);
  return parsed.data;
}

export function registerRgpdCommands(program: Command): void {
  const rgpd = program
    .command('rgpd')
    .description('RGPD : purge des parcours clos, export des données d’une personne');

  rgpd
    .command('purge')
    .description(
      'supprime ce que Jalons garde des parcours clos depuis plus de N mois (JALONS_RETENTION_MONTHS)',
    )
    .option('--simulation', 'affiche ce qui serait supprimé, ne supprime rien')
    .option('--mois <n>', 'durée de conservation après la sortie, en mois (défaut : celle des workers)')
    .option('--json', 'rapport en JSON')
    .action(async (o: { simulation?: boolean; mois?: string; json?: boolean }) => {
      const request = {
        dryRun: Boolean(o.simulation),
        ...(o.mois !== undefined ? { months: months(o.mois) } : {}),
      };
      const config = loadConfig();
      const report = await runPurge(await connectClient(config), config.taskQueue, request);
      console.log(o.json ? JSON.stringify(report, null, 2) : describePurge(report));
    });

  rgpd
    .command('export <allocataire>')
    .description(
      'rassemble en un document JSON tout ce que Jalons détient sur une personne (identifiant pseudonyme)',
    )
    .option(
      '--sortie <fichier>',
      'écrit le document dans ce fichier (mode 600) plutôt que sur la sortie standard',
    )
    .action(async (id: string, o: { sortie?: string }) => {
      const config = loadConfig();
      const exported = await exportPerson(await connectClient(config), config.taskQueue, id);
      const json = `${JSON.stringify(exported, null, 2)}\n`;
      if (!o.sortie) return void process.stdout.write(json);
      try {
        writeFileSync(o.sortie, json, { mode: 0o600 });
      } catch (err) {
        throw new ActionRefused(`Impossible d’écrire ${o.sortie} : ${(err as Error).message}`);
      }
      console.log(
        `Export de ${exported.beneficiaryId} écrit dans ${o.sortie} : ${exported.deadlines.length} échéance(s), ` +
          `${exported.notifications.length} message(s), ${exported.journal.length} acte(s) au journal, ` +
          `${exported.rejectedEvents.length} événement(s) refusé(s).`,
      );
    });

  rgpd
    .command('planifier')
    .description('crée ou met à jour la purge quotidienne (03:00, heure de Paris)')
    .action(async () => {
      const config = loadConfig();
      await ensureRetentionSchedule(await connectClient(config), config.taskQueue);
      console.log(`Purge quotidienne planifiée (${RETENTION_SCHEDULE_ID}, 03:00 heure de Paris).`);
    });
}
