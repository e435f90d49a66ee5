/**
 * Replays every history recorded at a release (test/histories/<version>/, by
 * scripts/record-release-histories.ts) against today's workflow bundle: a change
 * that would break a workflow running since that release fails here, by file.
 * Such a change belongs behind patched(), never in a re-recorded history
 * (test/histories/README.md). The latest release must hold a history of every
 * workflow type the worker registers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import * as registered from '../../workflows/index.js';
import { quietRuntime, testDataConverter } from '../support/temporal.js';

quietRuntime();
const root = 'test/histories';
/** Not recorded, with the reason in test/histories/README.md. */
const SKIPPED = ['benchBaseline'];

const releases = readdirSync(root)
  .filter((d) => /^\d+\.\d+(\.\d+)?$/.test(d) && statSync(`${root}/${d}`).isDirectory())
  .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
const latest = releases.at(-1);

interface Recorded {
  file: string;
  type: string;
  history: { events?: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[] };
}
const historiesOf = (version: string): Recorded[] =>
  readdirSync(`${root}/${version}`)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = JSON.parse(readFileSync(`${root}/${version}/${file}`, 'utf8')) as Recorded['history'];
      const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
      return { file, type, history };
    });

describe('release histories', () => {
  it('has a release folder, and in the latest one a history of every registered workflow type', () => {
    expect(latest).toBeDefined();
    const recorded = new Set(historiesOf(latest!).map((h) => h.type));
    const missing = Object.keys(registered).filter((t) => !SKIPPED.includes(t) && !recorded.has(t));
    expect(missing, `types sans historique dans ${root}/${latest}`).toEqual([]);
  });

  it('names each file after the workflow type it holds', () => {
    for (const version of releases)
      for (const h of historiesOf(version))
        expect(h.file.startsWith(`${h.type}-`), `${version}/${h.file}`).toBe(true);
  });
});

describe.each(releases)('replay of the %s histories against today’s code', (version) => {
  const histories = historiesOf(version);
  const errors = new Map<string, string | null>();
  beforeAll(async () => {
    // One replay worker for the whole folder: each history is still replayed and reported on its own.
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter },
      histories.map((h) => ({ workflowId: h.file, history: h.history })) as never,
    ))
      errors.set(result.workflowId, result.error ? `${result.error.name}: ${result.error.message}` : null);
  }, 300_000);

  it.each(histories.map((h) => h.file))('%s replays without non-determinism', (file) => {
    expect(errors.has(file), `${file} non rejoué`).toBe(true);
    expect(errors.get(file)).toBeNull();
  });
});
