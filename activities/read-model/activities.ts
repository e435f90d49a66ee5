/** The read-model activities the workflows call. */
import type { ReadModelDb } from './db.js';
import { recordPath, type PathSnapshot } from './record.js';
import { recordGrant, type GrantSnapshot } from './grants.js';
import { purgeExpiredBatch, readModelRecord, type RetentionBatch } from './retention.js';
import { pathWorkflowId } from '../../domain/ids.js';
import {
  fileTracesOf,
  purgeDataFiles,
  retentionCutoff,
  type PersonRecord,
  type PurgedFiles,
} from '../../ops/rgpd.js';
import { loadConfig } from '../../workers/config.js';

export function createReadModelActivities(db: () => Promise<ReadModelDb>) {
  return {
    /** Idempotent: keyed by workflow id and revision. */
    async recordPath(snapshot: PathSnapshot): Promise<boolean> {
      return recordPath(await db(), snapshot);
    },
    /** Idempotent: keyed by grant id and revision. */
    async recordGrant(snapshot: GrantSnapshot): Promise<boolean> {
      return recordGrant(await db(), snapshot);
    },
    ...createRetentionActivities(db),
  };
}

/** RGPD (workflows/retention.ts): the worker's own settings decide the retention and the data folder. */
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
