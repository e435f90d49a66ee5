/**
 * The mail room's work (docs/courriers.md), shared by the CLI and the web app:
 * print a batch of the letters awaiting printing (one PDF, each letter kept with
 * its case as it left, then `letter.sent` on each path), or send them by e-mail
 * (each path sends its own through its outbox: never twice), and record
 * a receipt. Every sending is an Update with the event id `letter-sent:<ref>`: a
 * batch run again after an interruption records nothing twice and prints
 * nothing twice (letters printed but not yet recorded are recorded first).
 */
import type { Client } from '@temporalio/client';
import type { LetterChannel } from '../domain/path/letter-kinds.js';
import type { ReadModelDb } from '../store/db.js';
import { keepLetterPdf, lettersToSend, type LetterRow } from '../store/letters.js';
import { renderLetters, type LetterLook } from './letter-pdf.js';
import { actOnPath } from './paths.js';

/** Letters in one batch at most (a batch is printed in one go: a few hundred pages). */
export const BATCH_MAX = 200;

export interface SendingOutcome {
  ref: string;
  beneficiaryId: string;
  letter: string;
  /** null: recorded on the path; else the French reason it was not. */
  refused: string | null;
}

export interface BatchReport {
  batch: string;
  /** The PDF of the batch (empty when nothing awaited printing). */
  pdf: Uint8Array | null;
  printed: SendingOutcome[];
  /** Letters an earlier batch printed whose sending is recorded now. */
  resumed: SendingOutcome[];
}

/** The id of a batch: its instant, readable in a file name (`lot-20260303-0900`). */
export const batchId = (at: Date): string =>
  `lot-${at.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}`;

async function recordSent(
  client: Client,
  l: LetterRow,
  channel: LetterChannel,
  at: Date,
  by: string | undefined,
): Promise<SendingOutcome> {
  const outcome = { ref: l.ref, beneficiaryId: l.beneficiaryId, letter: l.letter };
  try {
    await actOnPath(client, l.beneficiaryId, {
      type: 'letter.sent',
      id: `letter-sent:${l.ref}`,
      at: at.toISOString(),
      ...(by ? { by } : {}),
      data: { letter: l.letter, ref: l.ref, channel },
    });
    return { ...outcome, refused: null };
  } catch (err) {
    return { ...outcome, refused: (err as Error).message };
  }
}

/** Prints the letters awaiting printing into one PDF and records each one sent by post. */
export async function printBatch(
  db: ReadModelDb,
  client: Client,
  options: { look: LetterLook; at: Date; by?: string; limit?: number; workflowId?: string },
): Promise<BatchReport> {
  const limit = Math.min(options.limit ?? BATCH_MAX, BATCH_MAX);
  const scope = options.workflowId ? { workflowId: options.workflowId } : {};
  const resumed: SendingOutcome[] = [];
  for (const l of await lettersToSend(db, { limit: BATCH_MAX, printed: true, ...scope }))
    if (l.batch !== null) resumed.push(await recordSent(client, l, 'post', options.at, options.by));
  const batch = batchId(options.at);
  const awaiting = await lettersToSend(db, { limit, ...scope });
  if (awaiting.length === 0) return { batch, pdf: null, printed: [], resumed };
  const pdf = await renderLetters(awaiting, options.look, options.at);
  // Each letter's own PDF is kept with its case before anything is recorded: what left is what is kept.
  for (const l of awaiting)
    await keepLetterPdf(db, l.ref, await renderLetters([l], options.look, options.at), batch);
  const printed: SendingOutcome[] = [];
  for (const l of awaiting) printed.push(await recordSent(client, l, 'post', options.at, options.by));
  return { batch, pdf, printed, resumed };
}

/**
 * Sends the letters awaiting sending by e-mail: each PDF kept with its case, then `letter.sent`
 * (channel `email`) on its path, which sends it to the mail room through its own outbox, the PDF
 * attached (domain/path/letters.ts, activities/notifications): once, in business hours.
 */
export async function emailLetters(
  db: ReadModelDb,
  client: Client,
  options: { look: LetterLook; at: Date; by?: string; limit?: number; workflowId?: string },
): Promise<SendingOutcome[]> {
  const limit = Math.min(options.limit ?? BATCH_MAX, BATCH_MAX);
  const scope = options.workflowId ? { workflowId: options.workflowId } : {};
  const outcomes: SendingOutcome[] = [];
  for (const l of await lettersToSend(db, { limit, ...scope })) {
    await keepLetterPdf(db, l.ref, await renderLetters([l], options.look, options.at), null);
    outcomes.push(await recordSent(client, l, 'email', options.at, options.by));
  }
  return outcomes;
}

/** « 3 courrier(s) imprimé(s) dans lot-….pdf », then each refusal on its own line. */
export function describeBatch(report: BatchReport, file: string | null): string {
  const lines: string[] = [];
  const refused = [...report.resumed, ...report.printed].filter((o) => o.refused);
  if (report.resumed.length)
    lines.push(`${report.resumed.length} courrier(s) d’un lot précédent enregistré(s) comme envoyé(s).`);
  lines.push(
    report.printed.length
      ? `${report.printed.length} courrier(s) imprimé(s) dans ${file ?? report.batch} et enregistré(s) comme envoyé(s) (lot ${report.batch}).`
      : 'Aucun courrier n’attend d’être imprimé.',
  );
  for (const o of refused)
    lines.push(`  ${o.ref} (${o.beneficiaryId}) : envoi non enregistré — ${o.refused}`);
  return lines.join('\n');
}
