/**
 * `npm run build:workflows`: bundles the workflow code once (with the encoded
 * failure converter) into dist/workflows.js; a worker started with
 * JALONS_WORKFLOW_BUNDLE=dist/workflows.js loads it instead of bundling at start.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../workers/codec.js';
import { workflowsPath } from '../workers/worker.js';
import { workflowBundlerOptions } from '../workers/workflow-bundle.js';

const out = process.argv[2] ?? 'dist/workflows.js';
const { code } = await bundleWorkflowCode({
  workflowsPath,
  failureConverterPath,
  ...workflowBundlerOptions,
});
mkdirSync(out.replace(/\/[^/]+$/, ''), { recursive: true });
writeFileSync(out, code);
console.log(`Workflows empaquetés : ${out} (${(code.length / 1024 / 1024).toFixed(1)} Mio)`);
