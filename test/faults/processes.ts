/**
 * Real processes for the fault tests: the Temporal dev server on a SQLite file
 * and the Jalons worker (`npx tsx workers/main.ts`), each in its own process
 * group so that a signal reaches the whole tree (npx → tsx → node), as when a
 * container is killed. Every child is killed when the test ends, even on failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../../workflows/shared/search-attributes.js';
import { TEST_PAYLOAD_KEYS, testDataConverter } from '../support/keys.js';

/** Every group started: a group outlives its first process (npx → tsx → node), so each is killed at the end. */
const groups = new Set<ChildProcess>();
const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
};
process.once('exit', () => {
  for (const child of groups) killGroup(child, 'SIGKILL');
});

/** A child process in its own group, its output in `log`. */
export class Child {
  readonly exited: Promise<void>;
  private constructor(
    readonly process: ChildProcess,
    readonly log: string,
  ) {
    groups.add(process);
    this.exited = new Promise((resolve) => process.once('exit', () => resolve()));
  }

  static spawn(command: string, args: string[], log: string, env: NodeJS.ProcessEnv = process.env): Child {
    const out = openSync(log, 'a');
    const child = spawn(command, args, { detached: true, env, stdio: ['ignore', out, out] });
    closeSync(out);
    return new Child(child, log);
  }

  /** Sends `signal` to the whole group and waits until the child is gone. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    killGroup(this.process, signal);
    await this.exited;
  }

  /** The last lines of its output, to explain a failure. */
  tail(lines = 30): string {
    return readFileSync(this.log, 'utf8').split('\n').slice(-lines).join('\n');
  }

  /** `work`, unless the child exits first; a failure shows the end of the child's output. */
  async whileAlive<T>(work: Promise<T>): Promise<T> {
    const died = this.exited.then(() =>
      Promise.reject(
        new Error(`le processus s’est arrêté (${this.process.exitCode ?? this.process.signalCode})`),
      ),
    );
    died.catch(() => undefined);
    try {
      return await Promise.race([work, died]);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- fin de ${this.log} ---\n${this.tail()}`, {
        cause: err,
      });
    }
  }

  /** Resolves once the output contains `text`; rejects if the child exits first or after `timeoutMs`. */
  async waitForOutput(text: string, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!readFileSync(this.log, 'utf8').includes(text)) {
      if (this.process.exitCode !== null || this.process.signalCode !== null)
        throw new Error(`processus arrivé à son terme avant « ${text} » (voir ${this.log})`);
      if (Date.now() > until)
        throw new Error(`« ${text} » jamais écrit en ${timeoutMs} ms (voir ${this.log})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function killAll(): Promise<void> {
  for (const child of groups) killGroup(child, 'SIGKILL');
  groups.clear();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The dev server on `dbFile` and `port` (the same on a restart: the worker reconnects to it). */
export async function startDevServer(cli: string, dbFile: string, port: number, log: string): Promise<Child> {
  const args = ['server', 'start-dev', ...searchAttributeFlags(), '--db-filename', dbFile];
  args.push('--ip', '127.0.0.1', '--port', String(port), '--headless', '--log-level', 'warn');
  const child = Child.spawn(cli, args, log);
  await connectClient(`127.0.0.1:${port}`, 60_000);
  return child;
}

/** A client with the tests' key ring, once the server answers. */
export async function connectClient(address: string, timeoutMs = 60_000): Promise<Client> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService.getSystemInfo({});
      return new Client({ connection, dataConverter: testDataConverter });
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

export interface WorkerSettings {
  address: string;
  taskQueue: string;
  smtpPort: number;
  simulatorsPort: number;
  /** The embedded read model's folder (the outbox lives there). */
  readModel: string;
  dataDir: string;
}

/** The real worker process, as production starts it; resolves once it polls its task queue. */
export async function startWorker(s: WorkerSettings, log: string): Promise<Child> {
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: s.address,
    JALONS_TASK_QUEUE: s.taskQueue,
    JALONS_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(s.smtpPort),
    JALONS_SIMULATORS_PORT: String(s.simulatorsPort),
    JALONS_READMODEL_URL: s.readModel,
    JALONS_DATA_DIR: s.dataDir,
  };
  const child = Child.spawn('npx', ['tsx', 'workers/main.ts'], log, env);
  await child.waitForOutput('[worker] démarré', 240_000);
  return child;
}
