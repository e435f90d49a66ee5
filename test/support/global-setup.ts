/**
 * Once per test run: provision the Temporal servers (cached outside the work
 * tree) and bundle the workflow code once for every test file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { workflowsPath } from '../../workers/worker.js';
import { failureConverterPath } from '../../workers/codec.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import { workflowBundlerOptions } from '../../workers/workflow-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCliPath: string;
    testServerPath: string;
    workflowBundlePath: string;
    simulatorsPort: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const out = execFileSync('bash', ['scripts/provision-temporal.sh', 'all'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const paths = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );
  project.provide('temporalCliPath', paths.TEMPORAL_CLI_PATH ?? '');
  project.provide('testServerPath', paths.TEMPORAL_TEST_SERVER_PATH ?? '');

  // One set of partner simulators for every test worker (and the CLIs they start): paths call partners.
  // A test that injects faults starts its own (faults here would reach other files' workers).
  const simulators = await PartnerSimulators.start({ port: 0 });
  process.env.JALONS_SIMULATORS_PORT = String(simulators.port);
  project.provide('simulatorsPort', simulators.port);

  const { code } = await bundleWorkflowCode({
    workflowsPath,
    failureConverterPath,
    logger: quietLogger,
    ...workflowBundlerOptions,
  });
  const dir = mkdtempSync(join(tmpdir(), 'jalons-bundle-'));
  writeFileSync(join(dir, 'workflows.js'), code);
  project.provide('workflowBundlePath', join(dir, 'workflows.js'));
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    await simulators.close();
  };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
