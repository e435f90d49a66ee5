/**
 * Replays the committed histories of representative grant cycles
 * (scripts/record-grant-histories.ts) against today's workflow code: a change
 * that would break a running grant cycle fails here. Such a change belongs
 * behind patched(), never in a re-recorded history.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { quietRuntime, testDataConverter } from '../support/temporal.js';

quietRuntime();
const dir = 'test/histories';
const files = readdirSync(dir).filter((f) => f.startsWith('grant-') && f.endsWith('.json'));

describe('replay of recorded grant-cycle histories', () => {
  it('has the representative cycles to replay', () => {
    expect(files.sort()).toEqual([
      'grant-cie-repayment.json',
      'grant-cnsa-not-admissible.json',
      'grant-ft-denounced.json',
    ]);
  });

  it('replays every history without non-determinism', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as unknown,
    }));
    const results = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter },
      histories as never,
    ))
      results.push({ workflowId: result.workflowId, error: result.error?.message ?? null });
    expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: null })));
  });
});
