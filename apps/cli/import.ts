/**
 * `jalons import <fichier.csv|.xlsx>` (the CAF flow, docs/import-caf.md; a workbook is
 * recognised by its .xlsx name or its bytes, services/import-caf/xlsx.ts) and
 * `jalons exemple-caf <fichier.csv>` (a fictitious flow for the demo).
 * Exit 0 when the import ran (rejected rows are in the report), 2 when the file
 * cannot be read as a CAF flow, 130 when interrupted by Ctrl-C, 1 on another failure
 * (in both cases the next run resumes from the checkpoint).
 */
import { writeFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../../workers/config.js';
import {
  DEFAULT_CONCURRENCY,
  ImportInterrupted,
  importCafFlow,
  InvalidImportFile,
  type ImportSummary,
} from '../../services/import-caf.js';
import { connectClient } from '../../services/temporal.js';

export function describeImport(s: ImportSummary): string {
  const lines = [
    `Import de ${s.file} : ${s.records} ligne(s) de données.`,
    ...(s.resumedAfterLine !== null
      ? [`  Reprise après la ligne ${s.resumedAfterLine} (import interrompu).`]
      : []),
    ...(s.staleCheckpoint
      ? ['  Le fichier a changé depuis l’interruption : import repris depuis le début.']
      : []),
    `  Parcours créés                 ${s.created}`,
    `  Parcours déjà existants        ${s.existing}`,
    `  Fins de droit appliquées       ${s.ended}`,
    `  Fins de droit déjà appliquées  ${s.alreadyEnded}`,
    `  Lignes rejetées                ${s.rejected}`,
  ];
  if (s.rejections.length) {
    lines.push('', `Lignes rejetées (rapport : ${s.rejectionReport}) :`);
    for (const r of s.rejections)
      lines.push(`  Ligne ${r.line}${r.beneficiaryId ? ` (${r.beneficiaryId})` : ''} : ${r.reason}`);
  }
  return lines.join('\n');
}

export function registerImportCommand(program: Command): void {
  program
    .command('import <fichier>')
    .description(
      'importe le flux CAF/MSA (CSV « ; » UTF-8, ou classeur .xlsx) : démarre les parcours, applique les fins de droit',
    )
    .option('--politique <id>', 'politique départementale des parcours démarrés', 'pas-de-calais')
    .option('--simultanes <n>', 'démarrages simultanés', String(DEFAULT_CONCURRENCY))
    .option('--json', 'résumé en JSON sur la sortie standard')
    .action(async (file: string, o: { politique: string; simultanes: string; json?: boolean }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const bar = process.stderr.isTTY
        ? new SingleBar({
            stream: process.stderr,
            format: 'Import {bar} {percentage} % | {value}/{total} lignes | reste {eta_formatted}',
            hideCursor: true,
          })
        : null;
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      let barStarted = false;
      let summary: ImportSummary;
      try {
        summary = await importCafFlow(client, config.taskQueue, file, {
          policy: o.politique,
          concurrency: Number(o.simultanes),
          signal: controller.signal,
          onProgress: (done, total) => {
            if (!bar) return;
            if (barStarted) return bar.update(done);
            bar.start(total, done);
            barStarted = true;
          },
        });
      } catch (err) {
        bar?.stop();
        if (err instanceof InvalidImportFile || err instanceof ImportInterrupted) {
          console.error(err.message);
          process.exit(err instanceof InvalidImportFile ? 2 : controller.signal.aborted ? 130 : 1);
        }
        throw err;
      } finally {
        process.off('SIGINT', onSigint);
      }
      bar?.stop();
      console.log(o.json ? JSON.stringify(summary, null, 2) : describeImport(summary));
    });

  program
    .command('exemple-caf <fichier>')
    .description('écrit un flux CAF fictif pour la démo (identifiants CAF-000001…, quelques lignes fautives)')
    .option('--lignes <n>', 'nombre de lignes de données', '300')
    // A development command: dev/ is loaded only when it runs.
    .action(async (file: string, o: { lignes: string }) => {
      const { sampleCafFlow } = await import('../../dev/sample-caf.js');
      writeFileSync(file, sampleCafFlow(new Date(), Number(o.lignes)));
      console.log(`Flux fictif écrit dans ${file} : à importer avec « jalons import ${file} ».`);
    });
}
