/**
 * Emails leave through their own task queue, whose activities-per-second limit
 * the Temporal server enforces over every worker polling it: a wave of due
 * messages is spread out, none lost, none twice. On the dev server (the test
 * server does not enforce task queue rate limits).
 */
import { describe, expect, it } from 'vitest';
import { startPath } from '../../ops/paths.js';
import { devServerWithWorker } from '../support/temporal.js';

const DAY = 86_400_000;
const PATHS = 20;
const PER_SECOND = 2;
/** The dev server's default number of partitions of a task queue. */
const PARTITIONS = 4;
const JITTER_MS = 500;

const taskQueue = 'e2e-notification-rate';
const t = devServerWithWorker(taskQueue, PER_SECOND);

describe('the notifications’ task queue', () => {
  it(`sends a wave of ${PATHS} due escalations at no more than ${PER_SECOND} a second, each once`, async () => {
    // Opened 20 days ago: the 15-day orientation target is past, its escalation is due at once.
    const opened = new Date(Date.now() - 20 * DAY).toISOString();
    for (let i = 1; i <= PATHS; i++)
      await startPath(t.env.client, taskQueue, {
        beneficiaryId: `RATE-${String(i).padStart(3, '0')}`,
        rightsOpenedAt: opened,
        territory: 'audomarois',
      });
    const isEscalation = (m: { headers: Record<string, string> }) =>
      /^parcours-RATE-\d{3}\/orientation\.local#1:escalation$/.test(m.headers['x-jalons-key'] ?? '');
    const mails = (await t.sink.waitFor((ms) => ms.filter(isEscalation).length >= PATHS, 120_000)).filter(
      isEscalation,
    );
    expect(new Set(mails.map((m) => m.headers['x-jalons-key'])).size).toBe(PATHS);
    const times = mails.map((m) => Date.parse(m.receivedAt)).sort((a, b) => a - b);
    // The server splits a task queue into PARTITIONS, each with its share of the rate and
    // a burst of one task: a token bucket of rate PER_SECOND and burst PARTITIONS. In any
    // window of T seconds it lets through at most PARTITIONS + PER_SECOND × T tasks, so the
    // wave spans at least (PATHS − PARTITIONS) / PER_SECOND seconds; JITTER is the SMTP
    // receipt's own spread. A queue without a limit sends all 20 within a second.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(
      ((PATHS - PARTITIONS) / PER_SECOND) * 1000 - JITTER_MS,
    );
    const inOneSecond = times.map((start) => times.filter((x) => x >= start && x < start + 1_000).length);
    expect(Math.max(...inOneSecond)).toBeLessThanOrEqual(PARTITIONS + PER_SECOND);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(t.sink.messages().filter(isEscalation)).toHaveLength(PATHS);
    for (let i = 1; i <= PATHS; i++)
      await t.env.client.workflow
        .getHandle(`parcours-RATE-${String(i).padStart(3, '0')}`)
        .terminate('fin du test');
  }, 180_000);
});
