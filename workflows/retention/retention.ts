/**
 * RGPD jobs run on the workers, which hold the read model: the retention purge
 * (started each night by a Schedule, or by `jalons rgpd purge`) and the reading
 * of what the read model and the data folder hold about one person (for
 * `jalons rgpd export`). The purge goes batch by batch, one activity and one
 * transaction each, so a worker lost half-way loses at most one batch's report.
 */
import * as wf from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import type { ExpiredPath, RetentionBatch, RetentionCounts } from '../../store/retention.js';
import type { AccountLogPurge } from '../../activities/read-model/activities.js';
import type { PersonRecord, PurgedFiles } from '../../store/data-files.js';

const { retentionPlan, purgeExpiredBatch, purgeExpiredFiles, purgeAccountLog, personRecord } =
  wf.proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });

export interface PurgeRequest {
  /** Months kept after the exit; default: the workers' JALONS_RETENTION_MONTHS. */
  months?: number;
  /** Reports what would go, deletes nothing. */
  dryRun?: boolean;
}

export interface PurgeReport {
  dryRun: boolean;
  months: number;
  /** When the purge ran, and the instant before which a closed path is purged. */
  at: string;
  cutoff: string;
  paths: ExpiredPath[];
  counts: RetentionCounts;
  files: PurgedFiles;
  /** The accounts' journal past its own retention (absent in purges run before it was added). */
  accountLog?: AccountLogPurge;
}

export async function rgpdPurge(request: PurgeRequest = {}): Promise<PurgeReport> {
  const months = request.months;
  if (months !== undefined && (!Number.isInteger(months) || months < 1 || months > 600))
    throw ApplicationFailure.nonRetryable(
      'Durée de conservation invalide : de 1 à 600 mois.',
      'InvalidRequest',
    );
  const dryRun = request.dryRun === true;
  const at = new Date(Date.now()).toISOString();
  const plan = await retentionPlan({ at, ...(months !== undefined ? { months } : {}) });
  let batch: RetentionBatch = await purgeExpiredBatch({ cutoff: plan.cutoff, dryRun, after: null });
  const paths: ExpiredPath[] = [...batch.paths];
  let counts = batch.counts;
  while (batch.last !== null) {
    batch = await purgeExpiredBatch({ cutoff: plan.cutoff, dryRun, after: batch.last });
    paths.push(...batch.paths);
    counts = sum(counts, batch.counts);
  }
  const workflowIds = paths.map((p) => p.workflowId);
  const files = await purgeExpiredFiles({ cutoff: plan.cutoff, dryRun, workflowIds });
  const report: PurgeReport = { dryRun, months: plan.months, at, cutoff: plan.cutoff, paths, counts, files };
  report.accountLog = await purgeAccountLog({ at, dryRun });
  return report;
}

function sum(a: RetentionCounts, b: RetentionCounts): RetentionCounts {
  const total = { ...a };
  for (const [table, n] of Object.entries(b)) total[table] = (total[table] ?? 0) + n;
  return total;
}

export async function rgpdPersonRecord(input: { beneficiaryId: string }): Promise<PersonRecord> {
  return personRecord(input);
}
