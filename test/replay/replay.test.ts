/**
 * Replays the committed histories of representative paths against today's
 * workflow code: a change that would break running workflows fails here.
 * Such a change belongs behind patched(), never in a re-recorded history.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { quietRuntime, testDataConverter } from '../support/temporal.js';

quietRuntime();
const dir = 'test/histories';
const files = readdirSync(dir).filter((f) => f.startsWith('path-') && f.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as unknown;
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter },
        history,
        file,
      ),
    ).resolves.toBeUndefined();
  });
});
