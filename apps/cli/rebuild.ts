/** `jalons modele-lecture reconstruire` (services/rebuild.ts, docs/health.md): the command and its progress bar. */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { describeRebuild, runRebuild } from '../../services/rebuild.js';
import { connectClient } from '../../services/temporal.js';
import { loadConfig } from '../../workers/config.js';

export function registerRebuildCommand(program: Command): void {
  program
    .command('modele-lecture')
    .description('modèle de lecture (PostgreSQL)')
    .command('reconstruire')
    .description('reconstruit les parcours et subventions du modèle de lecture depuis Temporal (idempotent)')
    .option('--json', 'résumé en JSON')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const bar = process.stderr.isTTY
        ? new SingleBar({
            stream: process.stderr,
            format: 'Reconstruction {bar} {percentage} % | {value}/{total} workflows',
            hideCursor: true,
          })
        : null;
      let started = false;
      const progress = await runRebuild(client, config.taskQueue, (p) => {
        if (!bar || p.total === 0) return;
        if (!started) bar.start(p.total, p.examined);
        else bar.update(p.examined);
        started = true;
      });
      if (bar && started) {
        bar.update(progress.examined);
        bar.stop();
      }
      console.log(o.json ? JSON.stringify(progress, null, 2) : describeRebuild(progress));
    });
}
