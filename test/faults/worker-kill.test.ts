/**
 * The worker killed (SIGKILL) while it sends, then restarted: every path
 * resumes, every message due goes out, nothing is lost. Real processes: the
 * Temporal dev server on a SQLite file, the worker as production starts it
 * (`npx tsx workers/main.ts`, embedded read model on disk: the outbox survives
 * the kill), a real SMTP sink and the partner simulators in the test process.
 * What must arrive is worked out from the pure domain (test/faults/paths.ts).
 *
 * "Never twice" is checked against what the outbox promises: a message the
 * outbox recorded as sent never goes out again. The one resend SMTP leaves
 * possible is a message the relay had accepted in the instant before the kill,
 * before the outbox could record it (the kill below is triggered by a message's
 * arrival, so it lands there on purpose): that message may arrive a second
 * time, with the same Message-ID (a relay or mailbox drops such a duplicate).
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
  outboxStatuses,
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
  type WorkerSettings,
} from './processes.js';

let dir: string;
let sink: MailSink;
let simulators: PartnerSimulators;
let client: Client;
let settings: WorkerSettings;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jalons-faults-worker-'));
  mkdirSync(join(dir, 'data'));
  sink = await MailSink.start({ smtpPort: 0 });
  simulators = await PartnerSimulators.start({ port: 0 });
  const port = await freePort();
  await startDevServer(inject('temporalCliPath'), join(dir, 'temporal.db'), port, join(dir, 'temporal.log'));
  client = await connectClient(`127.0.0.1:${port}`);
  settings = {
    address: `127.0.0.1:${port}`,
    taskQueue: 'faults-worker-kill',
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

const keyOf = (m: { headers: Record<string, string> }) => m.headers['x-jalons-key'] ?? '';

describe('worker killed while sending', () => {
  it('every path resumes after a SIGKILL and a restart; nothing lost, nothing recorded as sent goes twice', async () => {
    const paths = faultPaths('FLT-W', 50, new Date());
    const expected = paths.flatMap((p) => p.expected.keys).sort();
    await startPathsWithoutWorker(client, settings.taskQueue, paths);

    const first = await startWorker(settings, join(dir, 'worker-1.log'));
    await first.whileAlive(sink.waitFor((m) => m.length >= Math.ceil(expected.length / 3), 600_000));
    await first.kill('SIGKILL');
    const beforeRestart = sink.messages();
    // The kill really happened in the middle of the sending.
    expect(beforeRestart.length).toBeLessThan(expected.length);
    // The worker is gone: its embedded database can be read, as it was at the kill.
    const outboxAtKill = await outboxStatuses(settings.readModel);

    const restartedAt = Date.now();
    const second = await startWorker(settings, join(dir, 'worker-2.log'));
    await second.whileAlive(allReceived(sink, expected, 600_000));
    await second.whileAlive(settled(client, paths, 600_000));
    await quiet(sink, 5_000);
    const counts = deliveries(sink);

    // Nothing lost, nothing unexpected.
    expect(Object.keys(counts)).toEqual(expected);
    // A message the outbox had recorded as sent never went out again.
    const recorded = [...outboxAtKill].filter(([, status]) => status === 'sent').map(([k]) => k);
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.filter((k) => counts[k] !== 1)).toEqual([]);
    // A second copy only for a message the relay had accepted before the kill and the outbox had not recorded.
    const twice = Object.keys(counts).filter((k) => counts[k] !== 1);
    for (const k of twice) {
      const copies = sink.messages().filter((m) => keyOf(m) === k);
      expect([k, copies.length, outboxAtKill.get(k)]).toEqual([k, 2, 'sending']);
      expect(beforeRestart.filter((m) => keyOf(m) === k)).toHaveLength(1);
      expect(copies[1]?.messageId).toBe(copies[0]?.messageId);
    }
    expect(twice.length).toBeLessThanOrEqual(
      [...outboxAtKill.values()].filter((s) => s === 'sending').length,
    );

    // Every path stands where the domain says; the closed ones have completed.
    expect(await second.whileAlive(pathOutcomes(client, paths))).toEqual(expectedOutcomes(paths));
    console.error(
      `[mesure] arrêt du worker (SIGKILL) : ${paths.length} parcours, ${expected.length} messages attendus, ` +
        `${beforeRestart.length} reçus avant l’arrêt, ${twice.length} renvoyé(s) (accepté(s) par le relais, non ` +
        `enregistré(s)), tous les envois terminés ${Math.round((Date.now() - restartedAt) / 1000)} s après le redémarrage`,
    );

    // Stopped for good: the outbox holds every message as sent.
    await second.kill('SIGTERM');
    const outbox = await outboxStatuses(settings.readModel);
    expect(expected.map((k) => [k, outbox.get(k)]).filter(([, s]) => s !== 'sent')).toEqual([]);
  }, 1_500_000);
});
