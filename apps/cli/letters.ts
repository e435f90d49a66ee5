/**
 * `jalons courriers …`: the mail room's commands (docs/courriers.md). `lot`
 * prints the letters awaiting printing into one PDF and records each one sent;
 * `courriel` sends them by e-mail to the mail room, the PDF attached; `recu`
 * records a receipt (for a notice of planned sanction, the 10 days run from it);
 * `liste` shows what awaits. They read the read model in this process
 * (JALONS_READMODEL_URL: PostgreSQL in production; the embedded one only while
 * the stack is stopped) and act on the paths through Temporal.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { pathWorkflowId } from '../../domain/ids.js';
import { letterCodes, letterLabels, type LetterKind } from '../../domain/path/letter-kinds.js';
import { formatParis } from '../../domain/calendar.js';
import { lettersToSend } from '../../store/letters.js';
import { letterLookFromEnv } from '../../services/letter-pdf.js';
import { BATCH_MAX, describeBatch, emailLetters, printBatch } from '../../services/letters.js';
import { ActionRefused, actOnPath } from '../../services/paths.js';
import { connectClient } from '../../services/temporal.js';
import { loadConfig } from '../../workers/config.js';
import { withReadModel } from './read-model.js';

const WHILE_STACK =
  'imprimez le lot depuis la page « Courriers à envoyer » de l’application (/courriers), ou arrêtez la pile (Ctrl-C) le temps de la commande.';

function max(raw: string | undefined): number {
  if (raw === undefined) return BATCH_MAX;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > BATCH_MAX)
    throw new ActionRefused(`--max : un nombre entier de 1 à ${BATCH_MAX} est attendu.`);
  return n;
}

/** The letter a reference names (`<dossier>-<AS|DS|OR>-<révision>`) and its person. */
/** What `lot` and `courriel` both take from their options: one dossier or all, how many, by whom. */
function runOptions(o: { dossier?: string; max?: string; par?: string }) {
  return {
    look: letterLookFromEnv(process.env),
    at: new Date(),
    limit: max(o.max),
    ...(o.par ? { by: o.par } : {}),
    ...(o.dossier ? { workflowId: pathWorkflowId(o.dossier) } : {}),
  };
}

export function parseLetterRef(ref: string): { letter: LetterKind; beneficiaryId: string } {
  const m = /^(.+)-([A-Z]{2})-(\d{1,10})$/.exec(ref);
  const letter = m && (Object.keys(letterCodes) as LetterKind[]).find((k) => letterCodes[k] === m[2]);
  if (!m || !letter || ref.length > 100)
    throw new ActionRefused(
      `Référence de courrier « ${ref.slice(0, 100)} » invalide : <dossier>-AS|DS|OR-<révision> attendu (ex. B-0042-AS-5).`,
    );
  return { letter, beneficiaryId: m[1]! };
}

function instant(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const at = new Date(raw);
  if (Number.isNaN(at.getTime()))
    throw new ActionRefused(`--le : date et heure ISO-8601 attendues (ex. 2026-03-06T11:00:00+01:00).`);
  return at.toISOString();
}

export function registerLetterCommands(program: Command): void {
  const letters = program
    .command('courriers')
    .description('courriers de la loi : lot à imprimer, envoi par courriel, réception (docs/courriers.md)');

  registerList(letters);

  letters
    .command('lot')
    .description('imprime en un PDF les courriers en attente et les enregistre comme envoyés par la poste')
    .option('--sortie <fichier>', 'le PDF du lot (défaut : lot-<date>.pdf)')
    .option('--dossier <allocataire>', 'les courriers d’un seul dossier')
    .option('--max <n>', `courriers au plus (défaut et maximum : ${BATCH_MAX})`)
    .option('--par <agent>', 'qui envoie (journal du dossier)')
    .action(async (o: { sortie?: string; dossier?: string; max?: string; par?: string }) => {
      const client = await connectClient(loadConfig());
      const report = await withReadModel((db) => printBatch(db, client, runOptions(o)), WHILE_STACK);
      const file = report.pdf ? (o.sortie ?? `${report.batch}.pdf`) : null;
      if (report.pdf && file) writeFileSync(file, report.pdf, { mode: 0o600 });
      console.log(describeBatch(report, file));
    });

  letters
    .command('courriel')
    .description(
      'envoie les courriers en attente par courriel au service courrier (PDF joint), et les enregistre',
    )
    .option('--dossier <allocataire>', 'les courriers d’un seul dossier')
    .option('--max <n>', `courriers au plus (défaut et maximum : ${BATCH_MAX})`)
    .option('--par <agent>', 'qui envoie (journal du dossier)')
    .action(async (o: { dossier?: string; max?: string; par?: string }) => {
      const client = await connectClient(loadConfig());
      const outcomes = await withReadModel((db) => emailLetters(db, client, runOptions(o)), WHILE_STACK);
      const sent = outcomes.filter((x) => !x.refused);
      console.log(`${sent.length} courrier(s) envoyé(s) par courriel et enregistré(s).`);
      for (const x of outcomes.filter((y) => y.refused)) console.log(`  ${x.ref} : ${x.refused}`);
    });

  registerReceipt(letters);
}

function registerReceipt(letters: Command): void {
  letters
    .command('recu <reference>')
    .description(
      'enregistre la réception d’un courrier (accusé de réception) ; pour un avis, les 10 jours en partent',
    )
    .option('--le <instant>', 'la réception (ISO-8601 ; défaut : maintenant)')
    .option('--par <agent>', 'qui enregistre (journal du dossier)')
    .action(async (ref: string, o: { le?: string; par?: string }) => {
      const { letter, beneficiaryId } = parseLetterRef(ref);
      const at = instant(o.le);
      const client = await connectClient(loadConfig());
      const state = await actOnPath(client, beneficiaryId, {
        type: 'letter.received',
        ...(at ? { at } : {}),
        ...(o.par ? { by: o.par } : {}),
        data: { letter, ref },
      });
      const due = letter === 'sanction-notice' && state.procedure ? state.procedure.observationsDue : null;
      console.log(
        `Réception du courrier ${ref} enregistrée.` +
          (due ? ` Observations possibles jusqu’au ${formatParis(new Date(due))} inclus.` : ''),
      );
    });
}

function registerList(letters: Command): void {
  letters
    .command('liste')
    .description('les courriers qui attendent d’être imprimés ou envoyés')
    .option('--dossier <allocataire>', 'les courriers d’un seul dossier')
    .option('--json', 'sortie JSON')
    .action(async (o: { dossier?: string; json?: boolean }) => {
      const rows = await withReadModel(
        (db) =>
          lettersToSend(db, {
            limit: 1_000,
            ...(o.dossier ? { workflowId: pathWorkflowId(o.dossier) } : {}),
          }),
        WHILE_STACK,
      );
      if (o.json) return console.log(JSON.stringify(rows.map(({ facts: _f, ...r }) => r)));
      if (!rows.length) return console.log('Aucun courrier n’attend d’être envoyé.');
      for (const r of rows)
        console.log(
          `${r.ref}  ${letterLabels[r.letter]}  dossier ${r.beneficiaryId}  acte du ${formatParis(new Date(r.eventAt))}`,
        );
    });
}
