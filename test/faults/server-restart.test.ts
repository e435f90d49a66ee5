/**
 * The Temporal dev server stopped and restarted on its SQLite file while the
 * worker runs: once politely (SIGTERM), once killed (SIGKILL), each time while
 * messages are going out. The worker waits for it and carries on: every path
 * resumes, every message due arrives exactly once (the worker itself never
 * dies, so the outbox always records what the relay accepted), nothing is lost.
 * Real processes, as in worker-kill.test.ts; expectations from the pure domain.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MailSink } from '../../dev/mail-sink.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import {
  allReceived,
  deliveries,
  expectedOutcomes,
  pathOutcomes,
  quiet,
  settled,
  startPathsWithoutWorker,
} from './checks.js';
import { faultPaths } from './paths.js';
import {
  connectClient,
  freePort,
  killAll,
  startDevServer,
  startWorker,
  type Child,
  type WorkerSettings,
} from './processes.js';

let dir: string;
let sink: MailSink;
let simulators: PartnerSimulators;
let client: Client;
let settings: WorkerSettings;
let port: number;
const startServer = (n: number) =>
  startDevServer(inject('temporalCliPath'), join(dir, 'temporal.db'), port, join(dir, `temporal-${n}.log`));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jalons-faults-server-'));
  mkdirSync(join(dir, 'data'));
  sink = await MailSink.start({ smtpPort: 0 });
  simulators = await PartnerSimulators.start({ port: 0 });
  port = await freePort();
  settings = {
    address: `127.0.0.1:${port}`,
    taskQueue: 'faults-server-restart',
    smtpPort: sink.smtpPort,
    simulatorsPort: simulators.port,
    readModel: join(dir, 'readmodel'),
    dataDir: join(dir, 'data'),
  };
}, 180_000);

afterAll(async () => {
  await killAll();
  await client?.connection.close();
  await simulators?.close();
  await sink?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('Temporal server restarted on its SQLite file', () => {
  it('stopped (SIGTERM) then killed (SIGKILL) while sending: every path resumes, each message arrives exactly once', async () => {
    let server: Child = await startServer(1);
    client = await connectClient(settings.address);
    const paths = faultPaths('FLT-S', 50, new Date());
    const expected = paths.flatMap((p) => p.expected.keys).sort();
    await startPathsWithoutWorker(client, settings.taskQueue, paths);
    const worker = await startWorker(settings, join(dir, 'worker.log'));

    const received: number[] = [];
    for (const [n, signal, share] of [
      [2, 'SIGTERM', 1 / 4],
      [3, 'SIGKILL', 1 / 2],
    ] as const) {
      await worker.whileAlive(sink.waitFor((m) => m.length >= Math.ceil(expected.length * share), 600_000));
      await server.kill(signal);
      received.push(sink.messages().length);
      // Down for a while: the worker's polls and completions fail, then it finds the server again.
      await new Promise((r) => setTimeout(r, 5_000));
      server = await startServer(n);
    }
    const restartedAt = Date.now();
    // Each stop really happened in the middle of the sending.
    expect(received[1]).toBeLessThan(expected.length);

    await worker.whileAlive(allReceived(sink, expected, 900_000));
    await worker.whileAlive(settled(client, paths, 600_000));
    await quiet(sink, 5_000);
    expect(deliveries(sink)).toEqual(Object.fromEntries(expected.map((k) => [k, 1])));
    expect(await worker.whileAlive(pathOutcomes(client, paths))).toEqual(expectedOutcomes(paths));
    console.error(
      `[mesure] redémarrages du serveur : ${paths.length} parcours, ${expected.length} messages attendus, ` +
        `arrêts après ${received.join(' et ')} messages reçus, chacun reçu une fois, tous les envois ` +
        `terminés ${Math.round((Date.now() - restartedAt) / 1000)} s après le second redémarrage`,
    );
  }, 1_800_000);
});
