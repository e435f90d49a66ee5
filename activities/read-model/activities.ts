/** The read-model activities the workflows call. */
import type { ReadModelDb } from './db.js';
import { recordPath, type PathSnapshot } from './record.js';

export function createReadModelActivities(db: () => Promise<ReadModelDb>) {
  return {
    /** Idempotent: keyed by workflow id and revision. */
    async recordPath(snapshot: PathSnapshot): Promise<boolean> {
      return recordPath(await db(), snapshot);
    },
  };
}
