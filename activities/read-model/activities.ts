/** The read-model activities the workflows call. */
import type { ReadModelDb } from '../../store/db.js';
import { ApplicationFailure } from '@temporalio/common';
import { READ_MODEL_BASE_MISSING } from '../../domain/path/state-changes.js';
import {
  ReadModelBaseMissing,
  recordPath,
  recordPathChanges,
  type PathChanges,
  type PathSnapshot,
} from '../../store/record.js';
import { recordGrant, type GrantSnapshot } from '../../store/grants.js';
import {
  purgeAccessRequests,
  purgeAccountEvents,
  purgeExpiredBatch,
  readModelRecord,
  type RetentionBatch,
} from '../../store/retention.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { retentionCutoff } from '../../domain/retention.js';
import { fileTracesOf, purgeDataFiles, type PersonRecord, type PurgedFiles } from '../../store/data-files.js';
import { loadConfig } from '../../workers/config.js';
import { observeReadModelWrite } from '../../observability/metrics.js';

export function createReadModelActivities(db: () => Promise<ReadModelDb>) {
  return {
    /**
     * Idempotent: keyed by workflow id and revision. A path sends its changes (since 1.1)
     * or, as 1.0 did and a task scheduled before an upgrade still does, its whole state.
     */
    async recordPath(input: PathSnapshot | PathChanges): Promise<boolean> {
      const written = await recordEither(await db(), input);
      observeReadModelWrite(); // the read model's lag behind the workflow (observability/metrics.ts)
      return written;
    },
    /** Idempotent: keyed by grant id and revision. */
    async recordGrant(snapshot: GrantSnapshot): Promise<boolean> {
      return recordGrant(await db(), snapshot);
    },
    ...createRetentionActivities(db),
  };
}

/** Whole state or changes; a missing base is not retried: the path sends its whole state instead. */
async function recordEither(db: ReadModelDb, input: PathSnapshot | PathChanges): Promise<boolean> {
  if ('state' in input) return recordPath(db, input);
  try {
    return await recordPathChanges(db, input);
  } catch (err) {
    if (err instanceof ReadModelBaseMissing)
      throw ApplicationFailure.nonRetryable(err.message, READ_MODEL_BASE_MISSING);
    throw err;
  }
}

/** What the purge did (or would do) to the accounts' journal. */
export interface AccountLogPurge {
  months: number;
  cutoff: string;
  /** Rows of account_events before the cutoff. */
  events: number;
  /** Access requests not seen again since the cutoff (absent from reports recorded before 05/12/2026). */
  accessRequests?: number;
}

/** RGPD (workflows/retention/retention.ts): the worker's own settings decide the retention and the data folder. */
function createRetentionActivities(db: () => Promise<ReadModelDb>) {
  return {
    async retentionPlan(input: { at: string; months?: number }): Promise<{ months: number; cutoff: string }> {
      const months = input.months ?? loadConfig().retentionMonths;
      return { months, cutoff: retentionCutoff(new Date(input.at), months).toISOString() };
    },
    async purgeExpiredBatch(input: {
      cutoff: string;
      dryRun: boolean;
      after: string | null;
    }): Promise<RetentionBatch> {
      return purgeExpiredBatch(await db(), { ...input, cutoff: new Date(input.cutoff) });
    },
    /** The accounts' journal past JALONS_ACCOUNT_LOG_MONTHS (the workers' setting). */
    async purgeAccountLog(input: { at: string; dryRun: boolean }): Promise<AccountLogPurge> {
      const months = loadConfig().accountLogMonths;
      const cutoff = retentionCutoff(new Date(input.at), months);
      const events = await purgeAccountEvents(await db(), { cutoff, dryRun: input.dryRun });
      const accessRequests = await purgeAccessRequests(await db(), { cutoff, dryRun: input.dryRun });
      return { months, cutoff: cutoff.toISOString(), events, accessRequests };
    },
    async purgeExpiredFiles(input: {
      cutoff: string;
      dryRun: boolean;
      workflowIds: string[];
    }): Promise<PurgedFiles> {
      return purgeDataFiles({ ...input, cutoff: new Date(input.cutoff), dataDir: loadConfig().dataDir });
    },
    async personRecord(input: { beneficiaryId: string }): Promise<PersonRecord> {
      return {
        readModel: await readModelRecord(
          await db(),
          pathWorkflowId(input.beneficiaryId),
          input.beneficiaryId,
        ),
        files: fileTracesOf(loadConfig().dataDir, input.beneficiaryId),
      };
    },
  };
}
