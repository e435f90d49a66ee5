/**
 * What the data folder holds about people, besides the read model: the embedded
 * SMTP sink's copies of sent mail (`mail/`) and the CAF import's rejection
 * reports and checkpoints. Read for a person's export and removed by the
 * retention purge (services/rgpd.ts, the retention activities).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { pathWorkflowId } from '../domain/ids.js';
import { z } from '../domain/validation.js';
import type { ReadModelRecord } from './retention.js';

/** Files of the data folder removed by a purge (paths relative to the data folder). */
export interface PurgedFiles {
  /** The embedded SMTP sink's copies (`mail/*.json` and `.eml`). */
  mail: string[];
  /** CAF import rejection reports (`*.rejets.csv`) and checkpoints (`*.reprise.json`). */
  imports: string[];
}

const mailFileSchema = z.looseObject({
  receivedAt: z.iso.datetime(),
  subject: z.string().default(''),
  headers: z.record(z.string(), z.string()).default({}),
});
type MailFile = z.infer<typeof mailFileSchema>;

/** The mail sink's messages (those it cannot read are left alone). */
function mailFiles(dataDir: string): { name: string; mail: MailFile }[] {
  const dir = join(dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((name) => {
      try {
        const parsed = mailFileSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
        return parsed.success ? [{ name, mail: parsed.data }] : [];
      } catch {
        return [];
      }
    });
}

/** The workflow a message is about: its key is `<workflow id>/<message id>`. */
const workflowOfMail = (mail: MailFile): string | undefined => mail.headers['x-jalons-key']?.split('/')[0];

const importArtefact = /\.(rejets\.csv|reprise\.json(\.tmp)?)$/;

/**
 * Removes (or, in a dry run, lists) the data folder's files past retention: sent
 * mail received before `cutoff` or about a purged workflow, and import
 * artefacts last written before `cutoff`. The CAF flows themselves are the
 * operator's files, not Jalons's: they are left alone.
 */
export function purgeDataFiles(options: {
  dataDir: string;
  cutoff: Date;
  workflowIds: string[];
  dryRun: boolean;
}): PurgedFiles {
  const { dataDir, cutoff, dryRun } = options;
  const purged = new Set(options.workflowIds);
  const mail = mailFiles(dataDir)
    .filter(({ mail }) => new Date(mail.receivedAt) < cutoff || purged.has(workflowOfMail(mail) ?? ''))
    .flatMap(({ name }) => [name, name.replace(/\.json$/, '.eml')])
    .filter((name) => existsSync(join(dataDir, 'mail', name)))
    .map((name) => join('mail', name));
  const imports = existsSync(dataDir)
    ? readdirSync(dataDir)
        .filter((f) => importArtefact.test(f) && statSync(join(dataDir, f)).mtime < cutoff)
        .sort()
    : [];
  if (!dryRun) for (const f of [...mail, ...imports]) rmSync(join(dataDir, f), { force: true });
  return { mail, imports };
}

/** A line of a CAF import's rejection report (or checkpoint) about the person. */
export interface ImportRejection {
  file: string;
  line: number;
  flowType: string | null;
  reason: string;
}

/** What the data folder holds about the person. */
export interface FileTraces {
  importRejections: ImportRejection[];
  /** Copies of messages about the person kept by the embedded SMTP sink (no addresses). */
  mail: { file: string; receivedAt: string; subject: string; template: string | null }[];
}

const rejectionRowSchema = z.object({
  ligne: z.coerce.number().int(),
  id_pseudonyme: z.string(),
  type_flux: z.string(),
  motif: z.string(),
});
/** One rejected line as the CAF import's checkpoint keeps it (services/import-caf/checkpoint.ts). */
export const checkpointRejectionSchema = z.object({
  line: z.number(),
  beneficiaryId: z.string().nullable(),
  flowType: z.string().nullable(),
  reason: z.string(),
});
const checkpointRejectionsSchema = z.looseObject({
  rejections: z.array(checkpointRejectionSchema).default([]),
});

/** The rejections recorded in one import artefact, with the id each is about. */
function rejectionsIn(dataDir: string, file: string): { id: string | null; rejection: ImportRejection }[] {
  try {
    const text = readFileSync(join(dataDir, file), 'utf8');
    if (/\.reprise\.json/.test(file))
      return checkpointRejectionsSchema.parse(JSON.parse(text)).rejections.map((r) => ({
        id: r.beneficiaryId,
        rejection: { file, line: r.line, flowType: r.flowType, reason: r.reason },
      }));
    const rows = z.array(rejectionRowSchema).parse(parse(text, { delimiter: ';', columns: true, bom: true }));
    return rows.map((r) => ({
      id: r.id_pseudonyme || null,
      rejection: { file, line: r.ligne, flowType: r.type_flux || null, reason: r.motif },
    }));
  } catch {
    // Not an artefact Jalons wrote (or damaged): it holds nothing Jalons can attribute.
    return [];
  }
}

/** Everything the data folder holds about `beneficiaryId`. */
export function fileTracesOf(dataDir: string, beneficiaryId: string): FileTraces {
  const workflowId = pathWorkflowId(beneficiaryId);
  const importRejections = existsSync(dataDir)
    ? readdirSync(dataDir)
        .filter((f) => importArtefact.test(f))
        .sort()
        .flatMap((f) => rejectionsIn(dataDir, f))
        .filter((r) => r.id === beneficiaryId)
        .map((r) => r.rejection)
    : [];
  const mail = mailFiles(dataDir)
    .filter(({ mail }) => workflowOfMail(mail) === workflowId)
    .map(({ name, mail }) => ({
      file: join('mail', name),
      receivedAt: mail.receivedAt,
      subject: mail.subject,
      template: mail.headers['x-jalons-template'] ?? null,
    }));
  return { importRejections, mail };
}

/** What the workers report about one person (the read model and the data folder they hold). */
export interface PersonRecord {
  readModel: ReadModelRecord | null;
  files: FileTraces;
}
