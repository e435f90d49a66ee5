/**
 * What a workflow's clock must never wait for: writing the read model and
 * sending e-mails (docs/architecture.md, « L'horloge n'attend jamais un effet de bord »).
 * The loop asks and goes on at once; each lane works beside it, in order,
 * catches up when its system is back (the activities retry without end), and
 * is drained before continue-as-new and before the workflow returns.
 */
import * as wf from '@temporalio/workflow';
import { sendRecorded, type RecordedMessage } from '../notifications/notify.js';

export class SideEffects {
  private wanted = -1;
  private recorded = -1;
  private recording = false;
  private readonly mail: RecordedMessage[] = [];
  private sending = false;

  /**
   * @param write records the workflow's current state under this revision (one activity)
   * @param records the workflow's message records, where a permanent refusal is noted
   * @param settled called after each message, whatever its outcome (the state may have changed)
   */
  constructor(
    private readonly write: (revision: number) => Promise<void>,
    private readonly records: () => { id: string; failed?: string }[],
    private readonly settled: () => void,
  ) {}

  /** Asks for this revision to be recorded; only the latest one asked is written after an outage. */
  record(revision: number): void {
    if (revision === this.wanted) return;
    this.wanted = revision;
    if (!this.recording) void this.recordLoop();
  }

  /** Queues a message; messages leave one after the other, in the order they were queued. */
  send(message: RecordedMessage): void {
    this.mail.push(message);
    if (!this.sending) void this.sendLoop();
  }

  get idle(): boolean {
    return !this.recording && !this.sending && this.mail.length === 0 && this.wanted === this.recorded;
  }

  /** True while the read model has not yet received the latest revision asked for. */
  get recordBehind(): boolean {
    return this.recording || this.wanted !== this.recorded;
  }

  /** Messages not yet handed to the relay (shown by the workflow's query). */
  get queued(): number {
    return this.mail.length + (this.sending ? 1 : 0);
  }

  private async recordLoop(): Promise<void> {
    this.recording = true;
    try {
      while (this.wanted !== this.recorded) {
        const revision = this.wanted;
        try {
          await this.write(revision);
        } catch (err) {
          // Only a bug ends the activity's endless retries: the next change writes again.
          wf.log.error('écriture du modèle de lecture abandonnée', { revision, error: String(err) });
        }
        this.recorded = revision;
      }
    } finally {
      this.recording = false;
    }
  }

  private async sendLoop(): Promise<void> {
    this.sending = true;
    try {
      for (let m = this.mail.shift(); m; m = this.mail.shift()) {
        await sendRecorded(this.records(), m);
        this.settled();
      }
    } finally {
      this.sending = false;
    }
  }
}
