/**
 * Where a CAF import stands: rows settle in any order (a bounded number run at
 * once), the watermark advances over the rows settled in file order, and the
 * checkpoint (./checkpoint.ts) records it, at most every 250 ms, so that an
 * interrupted import resumes after the watermark.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { Outcome } from './apply.js';
import type { ImportCheckpoint } from './checkpoint.js';
import type { CafRecord } from './parse.js';
import type { ImportCounts, Rejection } from './report.js';

export class ImportProgress {
  readonly settled: ImportCounts;
  readonly settledRejections: Rejection[];
  /** The records after the checkpoint's line. */
  readonly todo: CafRecord[];
  readonly total: number;
  // The watermark: every record up to todo[next - 1] is done (what the checkpoint records).
  private readonly outcomes: (Outcome | undefined)[];
  next = 0;
  watermark: number;
  doneCount: number;
  private lastSave = 0;

  constructor(
    records: CafRecord[],
    checkpoint: ImportCheckpoint | null,
    private readonly checkpointFile: string,
    private readonly sha256: string,
    private readonly options: { onProgress?: (done: number, total: number) => void },
  ) {
    const lastLineBefore = checkpoint?.lastLine ?? 0;
    this.settled = {
      created: 0,
      existing: 0,
      ended: 0,
      alreadyEnded: 0,
      rejected: 0,
      ...checkpoint?.counts,
    };
    this.settledRejections = [...(checkpoint?.rejections ?? [])];
    this.todo = records.filter((r) => r.line > lastLineBefore);
    this.total = records.length;
    this.outcomes = new Array(this.todo.length);
    this.watermark = lastLineBefore;
    this.doneCount = this.total - this.todo.length;
  }

  save(): void {
    const content: ImportCheckpoint = {
      version: 1,
      sha256: this.sha256,
      lastLine: this.watermark,
      updatedAt: new Date().toISOString(),
      counts: { ...this.settled },
      rejections: this.settledRejections,
    };
    const tmp = `${this.checkpointFile}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`);
    renameSync(tmp, this.checkpointFile);
    this.lastSave = Date.now();
  }

  settle(index: number, outcome: Outcome): void {
    this.outcomes[index] = outcome;
    this.doneCount++;
    for (
      let o = this.outcomes[this.next];
      o !== undefined && this.next < this.todo.length;
      o = this.outcomes[this.next]
    ) {
      const record = this.todo[this.next]!;
      this.settled[o.kind]++;
      if (o.kind === 'rejected')
        this.settledRejections.push({
          line: record.line,
          beneficiaryId: record.beneficiaryId,
          flowType: record.flowType,
          reason: o.reason,
        });
      this.watermark = record.line;
      this.next++;
    }
    if (Date.now() - this.lastSave >= 250) this.save();
    this.options.onProgress?.(this.doneCount, this.total);
  }
}
