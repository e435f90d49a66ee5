/**
 * Emails leave through their own task queue, whose activities-per-second limit
 * the Temporal server enforces over every worker polling it: a wave of due
 * messages is spread out, none lost, none twice. On the dev server (the test
 * server does not enforce task queue rate limits).
 */
import { describe, expect, it } from 'vitest';
import { pathWorkflowId } from '../../domain/ids.js';
import { startPath } from '../../services/paths.js';
import { notificationQueue } from '../../workflows/shared/queues.js';
import { devServerWithWorker } from '../support/temporal.js';

const DAY = 86_400_000;
const PATHS = 20;
const PER_SECOND = 2;
/** The dev server's default number of partitions of a task queue. */
const PARTITIONS = 4;
/** The server's timestamps are its own: a margin for its clock reads, not for the test's load. */
const CLOCK_MS = 100;
const ids = Array.from({ length: PATHS }, (_, i) => `RATE-${String(i + 1).padStart(3, '0')}`);

const taskQueue = 'e2e-notification-rate';
const t = devServerWithWorker(taskQueue, PER_SECOND);

/** When each activity of the notifications' queue started, from the workflow's history (ms). */
async function notificationStarts(workflowId: string): Promise<number[]> {
  const { events } = await t.env.client.workflow.getHandle(workflowId).fetchHistory();
  const queued = new Set(
    (events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes?.taskQueue?.name === notificationQueue(taskQueue))
      .map((e) => Number(e.eventId)),
  );
  return (events ?? [])
    .filter((e) => queued.has(Number(e.activityTaskStartedEventAttributes?.scheduledEventId)))
    .map((e) => Number(e.eventTime!.seconds) * 1000 + (e.eventTime!.nanos ?? 0) / 1e6);
}

describe('the notifications’ task queue', () => {
  it(`sends a wave of ${PATHS} due escalations at no more than ${PER_SECOND} a second, each once`, async () => {
    // Opened 20 days ago: the 15-day orientation target is past, its escalation is due at once.
    const opened = new Date(Date.now() - 20 * DAY).toISOString();
    for (const id of ids)
      await startPath(t.env.client, taskQueue, {
        beneficiaryId: id,
        rightsOpenedAt: opened,
        territory: 'audomarois',
      });
    const isEscalation = (m: { headers: Record<string, string> }) =>
      /^parcours-RATE-\d{3}\/orientation\.local#1:escalation$/.test(m.headers['x-jalons-key'] ?? '');
    const mails = (await t.sink.waitFor((ms) => ms.filter(isEscalation).length >= PATHS, 120_000)).filter(
      isEscalation,
    );
    expect(new Set(mails.map((m) => m.headers['x-jalons-key'])).size).toBe(PATHS);
    // Nothing more arrives (each once), and every send's completion is in its history.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(t.sink.messages().filter(isEscalation)).toHaveLength(PATHS);
    // When the server handed each send to a worker: its own clock, in the paths' histories,
    // unmoved by how busy the test process (worker, SMTP sink) happens to be.
    const times = (await Promise.all(ids.map((id) => notificationStarts(pathWorkflowId(id))))).flat();
    times.sort((a, b) => a - b);
    expect(times.length).toBeGreaterThanOrEqual(PATHS);
    // The server splits a task queue into PARTITIONS, each with its share of the rate and a
    // burst of one task: a token bucket of rate PER_SECOND and burst PARTITIONS. In any window
    // of T seconds it lets through at most PARTITIONS + PER_SECOND × T tasks, so n sends span
    // at least (n − PARTITIONS) / PER_SECOND seconds. Without a limit, all go within a second.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(
      ((times.length - PARTITIONS) / PER_SECOND) * 1000 - CLOCK_MS,
    );
    const inOneSecond = times.map((start) => times.filter((x) => x >= start && x < start + 1_000).length);
    console.error(
      `[mesure] ${times.length} envois en ${Math.round(times.at(-1)! - times[0]!)} ms, au plus ${Math.max(...inOneSecond)} en une seconde ; écarts (ms) : ${times
        .slice(1)
        .map((x, i) => Math.round(x - times[i]!))
        .join(' ')}`,
    );
    expect(Math.max(...inOneSecond)).toBeLessThanOrEqual(PARTITIONS + PER_SECOND);
    for (const id of ids) await t.env.client.workflow.getHandle(pathWorkflowId(id)).terminate('fin du test');
  }, 180_000);
});
