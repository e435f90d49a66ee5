/**
 * RGPD: the retention purge and the export of one person's data.
 *
 * What Jalons keeps about a person, and where (docs/deploy.md, « RGPD et
 * conservation »): the path workflow in Temporal (removed by the namespace's
 * retention once the workflow is closed), the read model (removed here, N
 * months after the exit), and in the data folder the embedded stack's copies of
 * sent mail (`mail/`) and the CAF import's rejection reports and checkpoints
 * (removed here once older than N months). The purge runs as a workflow (a daily
 * Schedule, or `jalons rgpd purge`) so that it reaches the read model the worker
 * holds, the embedded one included.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { onWorkers } from './temporal-errors.js';
import { formatParis } from '../domain/calendar.js';
import { pathWorkflowId, pseudonymousIdSchema } from '../domain/ids.js';
import type { DeadlineRecord, NotificationRecord, PathState } from '../domain/path/path.js';
import { frenchIssues } from '../domain/validation.js';
import type { OutboxDelivery, ReadModelRecord } from '../store/retention.js';
import {
  rgpdPersonRecord,
  rgpdPurge,
  type PurgeReport,
  type PurgeRequest,
} from '../workflows/retention/retention.js';
import { stateQuery } from '../workflows/path/messages.js';
import { ActionRefused } from './paths.js';
import { retentionCutoff } from '../domain/retention.js';
import {
  fileTracesOf,
  purgeDataFiles,
  type FileTraces,
  type ImportRejection,
  type PersonRecord,
  type PurgedFiles,
} from '../store/data-files.js';

export { retentionCutoff, fileTracesOf, purgeDataFiles };
export type { FileTraces, ImportRejection, PersonRecord, PurgedFiles };

// ---------------------------------------------------------------------------
// Retention

/** What each table of the read model holds, for a person reading the report. */
const tableLabels: Record<string, string> = {
  paths: 'Parcours',
  deadlines: 'Échéances',
  notifications: 'Messages (parcours)',
  outbox: 'Boîte d’envoi',
  sanctions: 'Sanctions',
  journal: 'Journal d’audit',
};

/** The purge's report, in French, for a person. */
export function describePurge(r: PurgeReport): string {
  const { paths = 0, ...others } = r.counts;
  const lines = [
    r.dryRun
      ? 'Purge RGPD — SIMULATION : rien n’a été supprimé.'
      : 'Purge RGPD — les données ci-dessous ont été supprimées.',
    `  Conservation : ${r.months} mois après la sortie ; parcours sortis avant le ${formatParis(new Date(r.cutoff))}.`,
    `  ${r.dryRun ? 'Parcours qui seraient supprimés' : 'Parcours supprimés'} : ${paths}`,
    ...Object.entries(others).map(
      ([t, n]) => `    ${`${tableLabels[t] ?? `Table ${t}`} :`.padEnd(28)} ${n} ligne(s)`,
    ),
    `    ${'Copies de courriels :'.padEnd(28)} ${r.files.mail.length} fichier(s)`,
    `    ${'Rapports d’import CAF :'.padEnd(28)} ${r.files.imports.length} fichier(s)`,
  ];
  if (r.accountLog)
    lines.push(
      `  Journal des comptes (connexions, adresses) : conservé ${r.accountLog.months} mois ; ` +
        `${r.accountLog.events} ligne(s) antérieure(s) au ${formatParis(new Date(r.accountLog.cutoff))}` +
        (r.dryRun ? ' seraient supprimées.' : ' supprimée(s).'),
      `  Demandes d’accès (nom, courriel, SIRET) sans nouvelle connexion depuis cette date : ` +
        `${r.accountLog.accessRequests ?? 0}` +
        (r.dryRun ? ' seraient supprimées.' : ' supprimée(s).'),
    );
  if (r.paths.length) {
    lines.push('', 'Allocataires concernés (identifiant pseudonyme, date de sortie) :');
    for (const p of r.paths)
      lines.push(`  ${p.beneficiaryId}  sorti le ${formatParis(new Date(p.closedAt))}`);
  }
  if (r.files.mail.length + r.files.imports.length) lines.push('', 'Fichiers :');
  for (const f of [...r.files.mail, ...r.files.imports]) lines.push(`  ${f}`);
  return lines.join('\n');
}

/** A job run on the workers, its failure told in French. */
/** Runs the purge workflow on the workers (which hold the read model) and waits for its report. */
export async function runPurge(
  client: Client,
  taskQueue: string,
  request: PurgeRequest,
): Promise<PurgeReport> {
  return onWorkers('La purge n’a pas abouti', () =>
    client.workflow.execute(rgpdPurge, {
      args: [request],
      taskQueue,
      workflowId: `rgpd-purge-${new Date().toISOString()}`,
      workflowExecutionTimeout: '1 hour',
    }),
  );
}

// ---------------------------------------------------------------------------
// Export of one person's data

export const EXPORT_FORMAT = 'jalons-export-rgpd/1';

type PathFacts = Omit<
  PathState,
  'deadlines' | 'dropped' | 'notifications' | 'sanctions' | 'journal' | 'rejected'
>;

/** One person's data (docs/deploy.md documents each key). */
export interface PersonExport {
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  beneficiaryId: string;
  workflowId: string;
  /** Where `path` and the lists below were read: the live workflow, else the read model's last snapshot. */
  source: 'temporal' | 'read-model' | null;
  workflow: { status: string; startedAt: string; closedAt: string | null } | null;
  path: PathFacts | null;
  deadlines: DeadlineRecord[];
  notifications: (NotificationRecord & { delivery: Omit<OutboxDelivery, 'key' | 'template'> | null })[];
  sanctions: PathState['sanctions'];
  journal: PathState['journal'];
  rejectedEvents: PathState['rejected'];
  readModel: Omit<ReadModelRecord, 'workflowId' | 'state'> | null;
  files: FileTraces;
}

/** Other people's addresses (référents, services) never leave in an export, not even in an error message. */
const maskAddresses = (s: string): string => s.replace(/[^\s<>"'@,;:]+@[^\s<>"',;:]+/g, '[adresse masquée]');
function masked<T>(value: T): T {
  if (typeof value === 'string') return maskAddresses(value) as T;
  if (Array.isArray(value)) return value.map(masked) as T;
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)])) as T;
  return value;
}

export function parseBeneficiaryId(raw: string): string {
  const parsed = pseudonymousIdSchema.safeParse(raw);
  if (!parsed.success) throw new ActionRefused(`Identifiant invalide : ${frenchIssues(parsed.error)}`);
  return parsed.data;
}

/** The path workflow as Temporal holds it now, or null when Temporal holds nothing (any more). */
async function temporalState(
  client: Client,
  workflowId: string,
): Promise<{ workflow: NonNullable<PersonExport['workflow']>; state: PathState | null } | null> {
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
  const workflow = {
    status: description.status.name,
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString() ?? null,
  };
  try {
    // A closed workflow answers through a replay on a worker; without one, the read model answers.
    const state = await client.connection.withDeadline(Date.now() + 15_000, () => handle.query(stateQuery));
    return { workflow, state };
  } catch {
    return { workflow, state: null };
  }
}

/** Builds the export from what Temporal and the workers hold; null when they hold nothing. */
export function assembleExport(
  beneficiaryId: string,
  live: Awaited<ReturnType<typeof temporalState>>,
  record: PersonRecord,
  exportedAt = new Date(),
): PersonExport | null {
  const rm = record.readModel;
  const state = live?.state ?? rm?.state ?? null;
  const { importRejections, mail } = record.files;
  if (!live && !rm && importRejections.length === 0 && mail.length === 0) return null;
  const workflowId = pathWorkflowId(beneficiaryId);
  const outbox = rm?.outbox ?? [];
  const delivery = (id: string) => {
    const o = outbox.find((x) => x.key === `${workflowId}/${id}`);
    return o
      ? {
          status: o.status,
          error: o.error,
          createdAt: o.createdAt,
          sentAt: o.sentAt,
          subject: o.subject,
          body: o.body,
        }
      : null;
  };
  const { deadlines, dropped, notifications, sanctions, journal, rejected, ...facts } = state ?? {};
  return masked({
    format: EXPORT_FORMAT,
    exportedAt: exportedAt.toISOString(),
    beneficiaryId,
    workflowId,
    source: live?.state ? 'temporal' : rm?.state ? 'read-model' : null,
    workflow: live?.workflow ?? null,
    path: state ? (facts as PathFacts) : null,
    deadlines: [...(deadlines ?? []), ...(dropped ?? [])],
    notifications: (notifications ?? []).map((n) => ({ ...n, delivery: delivery(n.id) })),
    sanctions: sanctions ?? [],
    journal: journal ?? [],
    rejectedEvents: rejected ?? [],
    readModel: rm
      ? { revision: rm.revision, updatedAt: rm.updatedAt, outbox: rm.outbox, related: rm.related }
      : null,
    files: record.files,
  });
}

/** Everything Jalons holds on one pseudonymous person; a French refusal when it holds nothing. */
export async function exportPerson(client: Client, taskQueue: string, rawId: string): Promise<PersonExport> {
  const beneficiaryId = parseBeneficiaryId(rawId);
  const live = await temporalState(client, pathWorkflowId(beneficiaryId));
  const record = await onWorkers('L’export n’a pas abouti', () =>
    client.workflow.execute(rgpdPersonRecord, {
      args: [{ beneficiaryId }],
      taskQueue,
      workflowId: `rgpd-export-${beneficiaryId}-${Date.now()}`,
      workflowExecutionTimeout: '5 minutes',
    }),
  );
  const exported = assembleExport(beneficiaryId, live, record);
  if (!exported)
    throw new ActionRefused(`Jalons ne détient aucune donnée sur l’allocataire ${beneficiaryId}.`);
  return exported;
}
