/**
 * `jalons echange …` and `jalons rapport …` (issue 9). The work runs in the
 * worker, which holds the read model (an embedded database has one process):
 * each command starts the exchange's workflow and prints its result.
 *
 *   echange liste-ft [--semaine 2026-W23]   envoie la liste hebdomadaire à France Travail (sans attendre l’acquittement)
 *   echange catalogue                        synchronise le cache du catalogue de l’offre
 *   echange monjob                           exporte les événements vers MonJob62, importe ses affectations
 *   echange etat                             listes hebdomadaires, catalogue, MonJob62
 *   echange planifier                        crée ou met à jour les Schedules des échanges (production)
 *   rapport <convention> --du --au [--format csv|html|json] [--sortie fichier]
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CatalogueSyncSummary } from '../../services/catalogue.js';
import type { Report } from '../../store/reporting.js';
import { civilDateSchema, formatParis } from '../../domain/calendar.js';
import { isoWeekSchema, previousIsoWeek, weekBounds } from '../../domain/exchanges/weekly-list.js';
import { conventionIds, conventionIdSchema, reportPeriodSchema } from '../../domain/reporting.js';
import { frenchIssues } from '../../domain/validation.js';
import { loadConfig } from '../../workers/config.js';
import {
  exchangeWorkflowTypes,
  type ExchangesStatus,
  type FranceTravailWeeklyList,
  type IndicatorReport,
  type MonjobSyncResult,
} from '../../workflows/exchanges/messages.js';
import { ActionRefused } from '../../services/paths.js';
import { connectClient } from '../../services/temporal.js';
import { ensureExchangeSchedules } from '../../services/exchanges-schedules.js';

const statusLabels: Record<string, string> = {
  built: 'préparée, non déposée',
  deposited: 'déposée, en attente d’acquittement',
  accepted: 'acquittée par France Travail',
  rejected: 'REJETÉE par France Travail',
  failed: 'NON TRANSMISE',
};

const when = (iso: string | null) => (iso ? formatParis(new Date(iso), true) : '—');

export function describeStatus(s: ExchangesStatus): string {
  const lines = ['Liste hebdomadaire à France Travail (12 dernières semaines) :'];
  if (s.weeklyLists.length === 0) lines.push('  aucune liste préparée pour l’instant.');
  for (const l of s.weeklyLists)
    lines.push(
      `  ${l.week}  ${String(l.rows).padStart(4)} ligne(s)  ${statusLabels[l.status] ?? l.status}` +
        `${l.depositId ? `  dépôt ${l.depositId} le ${when(l.depositedAt)}` : ''}${l.message ? `  (${l.message})` : ''}`,
    );
  lines.push(
    '',
    s.catalogue
      ? `Catalogue de l’offre : ${s.catalogue.cached} service(s) en cache, synchronisé le ${when(s.catalogue.at)}` +
          `${s.catalogue.rejected.length ? `, ${s.catalogue.rejected.length} service(s) écarté(s)` : ''}.`
      : 'Catalogue de l’offre : jamais synchronisé.',
    `MonJob62 : ${s.monjob.exported} événement(s) exporté(s) ; affectations appliquées ${s.monjob.assignments.applied ?? 0}, ` +
      `déjà à jour ${s.monjob.assignments.unchanged ?? 0}, rejetées ${s.monjob.assignments.rejected ?? 0}.`,
  );
  return lines.join('\n');
}

export function describeCatalogueSync(r: CatalogueSyncSummary | { failed: string }): string {
  if ('failed' in r) return `Synchronisation du catalogue en échec : ${r.failed}`;
  return [
    `Catalogue synchronisé : ${r.services} service(s) en cache, ${r.removed} retiré(s).`,
    ...r.rejected.map((x) => `  Service écarté ${x.id ?? '(sans identifiant)'} : ${x.reason}`),
  ].join('\n');
}

export function describeMonjob(r: MonjobSyncResult): string {
  const e = r.exported;
  const i = r.imported;
  return [
    'failed' in e
      ? `Export vers MonJob62 en échec : ${e.failed}`
      : `Export vers MonJob62 : ${e.pushed} événement(s) envoyé(s), ${e.duplicates} déjà connu(s).`,
    'failed' in i
      ? `Import des affectations en échec : ${i.failed}`
      : `Import des affectations : ${i.received} reçue(s), ${i.applied} appliquée(s), ${i.unchanged} déjà à jour, ` +
        `${i.alreadyImported} déjà importée(s), ${i.rejected.length} rejetée(s).`,
    ...('failed' in i
      ? []
      : i.rejected.map(
          (x) =>
            `  ${x.assignmentId ?? `affectation n° ${x.position}`} (${x.beneficiaryId ?? '—'}) : ${x.reason}`,
        )),
  ].join('\n');
}

/** A manual run has its own id, apart from the Schedule's runs. */
const manualId = (name: string) => `${name}-manuel-${Date.now()}`;

export function registerExchangeCommands(program: Command): void {
  const echange = program
    .command('echange')
    .description('échanges avec France Travail, le catalogue de l’offre et MonJob62');
  registerExchangeRuns(echange);
  registerReportCommand(program);
}

/** `echange liste-ft`, `catalogue`, `monjob`, `etat`, `planifier`: the exchanges run by hand, their state, their Schedules. */
function registerExchangeRuns(echange: Command): void {
  echange
    .command('liste-ft')
    .description('envoie la liste hebdomadaire des nouveaux allocataires à France Travail')
    .option('--semaine <AAAA-Wss>', 'semaine ISO (par défaut : la semaine écoulée)')
    .option('--json', 'sortie JSON')
    .action(async (o: { semaine?: string; json?: boolean }) => {
      const week = isoWeekSchema.safeParse(o.semaine ?? previousIsoWeek(new Date()));
      if (!week.success) throw new ActionRefused(`--semaine : ${frenchIssues(week.error)}`);
      if (weekBounds(week.data).end.getTime() > Date.now())
        throw new ActionRefused(
          `--semaine : la semaine ${week.data} n’est pas terminée ; sa liste part le lundi suivant.`,
        );
      const config = loadConfig();
      const client = await connectClient(config);
      const workflowId = `ft-liste-manuelle-${week.data}-${Date.now()}`;
      await client.workflow.start<FranceTravailWeeklyList>(exchangeWorkflowTypes.franceTravailWeeklyList, {
        args: [{ week: week.data }],
        taskQueue: config.taskQueue,
        workflowId,
      });
      console.log(
        o.json
          ? JSON.stringify({ week: week.data, workflowId })
          : `Envoi de la liste de la semaine ${week.data} lancé (${workflowId}). Suivi : npm run jalons -- echange etat`,
      );
    });

  for (const [name, description, workflow, describe] of [
    [
      'catalogue',
      'synchronise le cache du catalogue de l’offre d’insertion',
      exchangeWorkflowTypes.catalogueSync,
      describeCatalogueSync,
    ],
    [
      'monjob',
      'exporte les événements vers MonJob62 et importe ses affectations de référent',
      exchangeWorkflowTypes.monjobSync,
      describeMonjob,
    ],
    [
      'etat',
      'état des échanges : listes hebdomadaires, catalogue, MonJob62',
      exchangeWorkflowTypes.exchangesStatusReport,
      describeStatus,
    ],
  ] as const)
    echange
      .command(name)
      .description(description)
      .option('--json', 'sortie JSON')
      .action(async (o: { json?: boolean }) => {
        const config = loadConfig();
        const client = await connectClient(config);
        const result = await client.workflow.execute<() => Promise<unknown>>(workflow, {
          taskQueue: config.taskQueue,
          workflowId: manualId(name),
        });
        console.log(o.json ? JSON.stringify(result, null, 2) : (describe as (r: unknown) => string)(result));
      });

  echange
    .command('planifier')
    .description(
      'crée ou met à jour les Schedules des échanges (liste hebdomadaire, catalogue, MonJob62, rapports)',
    )
    .option('--json', 'sortie JSON')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig();
      const r = await ensureExchangeSchedules(await connectClient(config), config.taskQueue);
      if (o.json) return console.log(JSON.stringify(r, null, 2));
      for (const x of r) console.log(`${x.created ? 'créé      ' : 'mis à jour'}  ${x.scheduleId}`);
    });
}

/** `jalons rapport <convention>`: a convention's indicators for a period, in CSV or HTML. */
function registerReportCommand(program: Command): void {
  program
    .command('rapport <convention>')
    .description(`indicateurs d’une convention pour une période (${conventionIds.join(', ')})`)
    .requiredOption('--du <AAAA-MM-JJ>', 'premier jour de la période')
    .requiredOption('--au <AAAA-MM-JJ>', 'dernier jour de la période (inclus)')
    .option('--format <f>', 'csv, html ou json', 'csv')
    .option('--sortie <fichier>', 'écrit le rapport dans ce fichier (sinon : sortie standard)')
    .action(async (convention: string, o: { du: string; au: string; format: string; sortie?: string }) => {
      const c = conventionIdSchema.safeParse(convention);
      if (!c.success) throw new ActionRefused(frenchIssues(c.error));
      for (const [option, v] of [
        ['--du', o.du],
        ['--au', o.au],
      ] as const) {
        const date = civilDateSchema.safeParse(v);
        if (!date.success) throw new ActionRefused(`${option} : ${frenchIssues(date.error)}`);
      }
      const period = reportPeriodSchema.safeParse({ from: o.du, to: o.au });
      if (!period.success) throw new ActionRefused('--au : la fin de la période précède son début');
      if (!['csv', 'html', 'json'].includes(o.format))
        throw new ActionRefused('--format : csv, html ou json attendu');
      const config = loadConfig();
      const client = await connectClient(config);
      const report: Report = await client.workflow.execute<IndicatorReport>(
        exchangeWorkflowTypes.indicatorReport,
        {
          args: [{ convention: c.data, period: period.data }],
          taskQueue: config.taskQueue,
          workflowId: manualId('rapport'),
        },
      );
      const out =
        o.format === 'json'
          ? `${JSON.stringify({ ...report, csv: undefined, html: undefined }, null, 2)}\n`
          : o.format === 'html'
            ? report.html
            : report.csv;
      if (o.sortie) {
        writeFileSync(o.sortie, out);
        console.log(`Rapport écrit dans ${o.sortie} (${report.title}, du ${o.du} au ${o.au}).`);
      } else process.stdout.write(out);
    });
}
