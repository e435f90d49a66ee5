/**
 * `jalons sante`: the stopped paths and grant cycles the health watch found
 * (docs/health.md); `jalons sante relancer <id> --par <admin>` restarts a stopped
 * path from its recorded state; `jalons sante planifier` creates the watch's
 * Schedule. The report and the restart run on the workers, which hold the read
 * model (the embedded one has a single process).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { incidentKindLabels } from '../../store/incidents.js';
import { formatParis } from '../../domain/calendar.js';
import { agentIdSchema } from '../../domain/ids.js';
import { loadConfig } from '../../workers/config.js';
import {
  healthRestartWorkflowType,
  healthStatusWorkflowType,
  type HealthReport,
  type HealthRestart,
  type HealthStatus,
  type Restarted,
} from '../../workflows/health/messages.js';
import { ActionRefused } from '../../services/paths.js';
import { ensureHealthSchedule, HEALTH_SCHEDULE_ID } from '../../services/schedules.js';
import { connectClient } from '../../services/temporal.js';
import { onWorkers } from '../../services/temporal-errors.js';

const paris = (iso: string) => formatParis(new Date(iso), true);

export function describeHealth(r: HealthReport): string {
  const lines = [
    r.watch.lastRunAt
      ? `Surveillance : dernier passage le ${paris(r.watch.lastRunAt)} (${r.watch.runs} passage(s)).`
      : 'Surveillance : aucun passage encore (jalons sante planifier crée la planification).',
    `Incidents ouverts : ${r.open.length}.`,
    ...r.counts.map((c) => `  ${incidentKindLabels[c.kind]} : ${c.open} ouvert(s) sur ${c.total}`),
  ];
  if (r.open.length) lines.push('');
  for (const i of r.open)
    lines.push(
      `${i.workflowId} — ${incidentKindLabels[i.kind]} depuis le ${paris(i.since)}`,
      `  raison : ${i.reason}`,
    );
  return lines.join('\n');
}

/** A job run on the workers, its failure told in French. */
export async function fetchHealth(client: Client, taskQueue: string): Promise<HealthReport> {
  return onWorkers(
    'Lecture de la santé impossible',
    () =>
      client.workflow.execute<HealthStatus>(healthStatusWorkflowType, {
        taskQueue,
        workflowId: `sante-rapport-${randomUUID()}`,
        workflowExecutionTimeout: '2 minutes',
      }),
    'refused',
  );
}

export async function restartFromCli(
  client: Client,
  taskQueue: string,
  id: string,
  by: string,
): Promise<Restarted> {
  return onWorkers(
    'Relance refusée',
    () =>
      client.workflow.execute<HealthRestart>(healthRestartWorkflowType, {
        taskQueue,
        args: [{ id, by }],
        workflowId: `sante-relance-${randomUUID()}`,
        workflowExecutionTimeout: '2 minutes',
      }),
    'refused',
  );
}

export function registerHealthCommands(program: Command): void {
  const sante = program
    .command('sante')
    .description('santé : parcours et subventions arrêtés ou en échec, relance (docs/health.md)')
    .option('--json', 'sortie JSON')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig();
      const report = await fetchHealth(await connectClient(config), config.taskQueue);
      console.log(o.json ? JSON.stringify(report, null, 2) : describeHealth(report));
    });

  sante
    .command('relancer <id>')
    .description('relance un parcours arrêté depuis son dernier état enregistré (administrateur)')
    .requiredOption('--par <compte>', 'compte administrateur au nom duquel la relance est journalisée')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: { par: string; json?: boolean }) => {
      if (!agentIdSchema.safeParse(o.par).success)
        throw new ActionRefused(
          '--par : identifiant de compte attendu (64 caractères au plus, sans espace).',
        );
      const config = loadConfig();
      const r = await restartFromCli(await connectClient(config), config.taskQueue, id, o.par);
      console.log(
        o.json
          ? JSON.stringify(r)
          : `Parcours ${r.workflowId} relancé depuis son état enregistré (révision ${r.revision}), ` +
              `au nom de ${o.par} ; ${r.resolved} incident(s) résolu(s).`,
      );
    });

  sante
    .command('planifier')
    .description('crée ou met à jour la surveillance (toutes les 2 minutes)')
    .action(async () => {
      const config = loadConfig();
      await ensureHealthSchedule(await connectClient(config), config.taskQueue);
      console.log(`Surveillance planifiée (${HEALTH_SCHEDULE_ID}, toutes les 2 minutes).`);
    });
}
