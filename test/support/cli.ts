/** The `jalons` CLI run as a child process against a test server, as a person would run it. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_PAYLOAD_KEYS } from './keys.js';

const run = promisify(execFile);

export interface CliResult {
  stdout: string;
  /** Without npm's own warnings about the machine's configuration. */
  stderr: string;
  code: number;
}

const withoutNpmWarnings = (s: string) =>
  s
    .split('\n')
    .filter((l) => !l.startsWith('npm warn'))
    .join('\n');

/**
 * A runner bound to a server address and task queue (and any other variables),
 * read when each command runs.
 */
export function jalonsCli(
  target: () => { address: string; taskQueue: string; env?: Record<string, string> },
) {
  return async (...args: string[]): Promise<CliResult> => {
    const { address, taskQueue, env: extra } = target();
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      JALONS_TASK_QUEUE: taskQueue,
      JALONS_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      ...extra,
    };
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'apps/cli/cli.ts', ...args], { env });
      return { stdout, stderr: withoutNpmWarnings(stderr), code: 0 };
    } catch (err) {
      const e = err as { stdout: string; stderr: string; code: number };
      return { stdout: e.stdout, stderr: withoutNpmWarnings(e.stderr), code: e.code };
    }
  };
}
