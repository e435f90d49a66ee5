/**
 * The path's writes to the read model: what changed since the revision the read
 * model last received, not the whole state (docs/architecture.md, « Ce que reçoit
 * le modèle de lecture »). The first write of a run, and any write the read model
 * cannot apply (its base is missing: a restored backup, a rebuild), send it whole.
 */
import * as wf from '@temporalio/workflow';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import type { PathState } from '../../domain/path/path.js';
import { READ_MODEL_BASE_MISSING, stateChanges, type SentState } from '../../domain/path/state-changes.js';

const { recordPath } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // The database may be down for days: retried beside the loop, never dropped; caught up within
  // five minutes of its return.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export class ReadModelFeed {
  private sent: SentState | null = null;
  private sentRevision: number | null = null;

  constructor(private readonly state: () => PathState) {}

  /** Records this revision (the workflow's SideEffects calls it, one write at a time). */
  async write(revision: number): Promise<void> {
    try {
      await this.send(revision);
    } catch (err) {
      if (!baseMissing(err)) throw err;
      this.sent = null;
      this.sentRevision = null;
      await this.send(revision);
    }
  }

  private async send(revision: number): Promise<void> {
    const { changes, sent } = stateChanges(this.state(), this.sent);
    const workflowId = wf.workflowInfo().workflowId;
    await recordPath({ workflowId, revision, base: this.sentRevision, changes });
    this.sent = sent;
    this.sentRevision = revision;
  }
}

const baseMissing = (err: unknown): boolean =>
  err instanceof ActivityFailure &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === READ_MODEL_BASE_MISSING;
