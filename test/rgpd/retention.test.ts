/**
 * The retention purge in the read model, on both databases it runs on (PGlite
 * and a real PostgreSQL server): paths closed 25 and 23 months before the run,
 * and open ones (one whose id starts like the old one's). A dry run reports
 * exactly the old path and deletes nothing; the real run deletes exactly it, in
 * every table, and nothing else; a shorter retention reaches the other. Two
 * tables made for the test stand for those later migrations add (one referencing
 * `paths`, one keyed by the person's id): the purge finds them in the schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { purgeExpiredBatch, readModelRecord } from '../../store/retention.js';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathState } from '../../domain/path/path.js';
import { retentionCutoff } from '../../services/rgpd.js';
import { startPostgres } from '../support/postgres.js';
import { nonZero, pathFixture, rowsByWorkflow, writePath } from './fixtures.js';
import { letterDrafts } from '../../domain/path/letter-facts.js';

/** The purge runs on 15 March 2028 at 10:00 Paris; 24 months: closed before 15 March 2026, 00:00 Paris. */
const AT = new Date('2028-03-15T10:00:00+01:00');
const paris = (s: string) => new Date(s);

function fixtures() {
  const until = AT;
  return {
    // Closed 10 February 2026: 25 months before the run.
    old: pathFixture('RG-OLD', paris('2025-09-01T09:00:00+02:00'), {
      referent: 'ref-1',
      sanctioned: true,
      closedAt: paris('2026-02-10T10:00:00+01:00'),
      rejectedAt: paris('2025-09-20T10:00:00+02:00'),
      until,
    }),
    // Closed 14 March 2026, the day before the cutoff's day: also past 24 months.
    older: pathFixture('RG-EARLIER', paris('2025-10-01T09:00:00+02:00'), {
      referent: 'ref-2',
      closedAt: paris('2026-03-14T23:00:00+01:00'),
      until,
    }),
    // Closed 14 April 2026: 23 months before the run.
    recent: pathFixture('RG-RECENT', paris('2025-11-03T09:00:00+01:00'), {
      referent: 'ref-1',
      closedAt: paris('2026-04-14T10:00:00+02:00'),
      until,
    }),
    // Open paths; the first one's id starts with the old one's.
    openTwin: pathFixture('RG-OLD-BIS', paris('2028-01-10T09:00:00+01:00'), { referent: 'ref-1', until }),
    open: pathFixture('RG-OPEN', paris('2025-06-02T09:00:00+02:00'), { referent: 'ref-2', until }),
  };
}

describe.each([
  ['embedded (PGlite)', 'embedded'],
  ['PostgreSQL server', 'postgres'],
])('retention purge on %s', (_name, kind) => {
  let db: ReadModelDb;
  let stop = () => {};
  const f = fixtures();
  const id = (s: PathState) => pathWorkflowId(s.beneficiaryId);
  beforeAll(async () => {
    if (kind === 'postgres') {
      const pg = await startPostgres();
      stop = pg.stop;
      db = await openReadModel(pg.url);
    } else db = await openReadModel('memory:');
    for (const s of Object.values(f)) await writePath(db, s);
    await db.query(
      'create table rgpd_probe_by_path (workflow_id text not null references paths on delete cascade, n integer not null)',
    );
    await db.query('create table rgpd_probe_by_person (beneficiary_id text not null, note text not null)');
    for (const [w, n] of [
      [id(f.old), 1],
      [id(f.old), 2],
      [id(f.openTwin), 1],
    ] as const)
      await db.query('insert into rgpd_probe_by_path (workflow_id, n) values ($1, $2)', [w, n]);
    for (const b of ['RG-OLD', 'RG-OLD-BIS', 'RG-NO-PATH'])
      await db.query('insert into rgpd_probe_by_person (beneficiary_id, note) values ($1, $2)', [
        b,
        'échange',
      ]);
    // Messages that belong to no path: a référent's digest, a grant cycle's reminder.
    for (const key of ['digest/ref-1/2026-02-10', 'grant-G-CNSA-2026/application:reminder:J-7'])
      await db.query(
        `insert into outbox (key, template, recipients, message_id, status) values ($1, 'x', $2, $3, 'sent')`,
        [key, ['ref-1@referents.departement.example'], `<${key}@jalons>`],
      );
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    stop();
  });

  /** What the purge must report for a path, worked out from the path itself. */
  const probes: Record<string, Record<string, number>> = {
    'RG-OLD': { rgpd_probe_by_path: 2, rgpd_probe_by_person: 1 },
  };
  const expectedRows = (s: PathState): Record<string, number> => ({
    paths: 1,
    deadlines: s.deadlines.length + s.dropped.length,
    notifications: s.notifications.length,
    sanctions: s.sanctions.length,
    journal: s.journal.length,
    outbox: s.notifications.length,
    // The letters the path's acts called for (orientation, notice, decision: docs/courriers.md).
    letters: letterDrafts(s).length,
    ...probes[s.beneficiaryId],
  });
  const total = (...paths: PathState[]) => {
    const sum: Record<string, number> = {};
    for (const rows of paths.map(expectedRows))
      for (const [t, n] of Object.entries(rows)) sum[t] = (sum[t] ?? 0) + n;
    return nonZero(sum);
  };
  const probeRows = async () => ({
    byPath: await db.query('select workflow_id, n from rgpd_probe_by_path order by 1, 2'),
    byPerson: await db.query('select beneficiary_id from rgpd_probe_by_person order by 1'),
  });

  it('the fixtures are what the tests say: the old path has rows in every table', () => {
    expect(f.old.status).toBe('closed');
    expect(Object.values(expectedRows(f.old)).every((n) => n > 0)).toBe(true);
    expect(f.openTwin.status).toBe('active');
  });

  it('reads back everything it holds about one path, and only that path', async () => {
    const record = await readModelRecord(db, id(f.old), 'RG-OLD');
    expect(record?.state).toEqual(f.old);
    const { letters, ...related } = record?.related ?? {};
    expect(letters?.map((l) => [l.ref, l.workflow_id])).toEqual(
      letterDrafts(f.old).map((d) => [d.ref, id(f.old)]),
    );
    expect(related).toEqual({
      rgpd_probe_by_path: [
        { workflow_id: id(f.old), n: 1 },
        { workflow_id: id(f.old), n: 2 },
      ],
      rgpd_probe_by_person: [{ beneficiary_id: 'RG-OLD', note: 'échange' }],
    });
    expect(record?.outbox.map((o) => o.key).sort()).toEqual(
      f.old.notifications.map((n) => `${id(f.old)}/${n.id}`).sort(),
    );
    expect(await readModelRecord(db, 'parcours-RG-NOBODY', 'RG-NOBODY')).toBeNull();
    // No path, but a row about the person: held, so exported.
    expect(await readModelRecord(db, 'parcours-RG-NO-PATH', 'RG-NO-PATH')).toMatchObject({
      state: null,
      revision: null,
      related: { rgpd_probe_by_person: [{ beneficiary_id: 'RG-NO-PATH', note: 'échange' }] },
    });
  });

  it('a dry run reports exactly the paths closed before the cutoff, and deletes nothing', async () => {
    const before = await rowsByWorkflow(db);
    const probesBefore = await probeRows();
    const batch = await purgeExpiredBatch(db, { cutoff: retentionCutoff(AT, 24), dryRun: true });
    expect(batch.paths).toEqual([
      { beneficiaryId: 'RG-EARLIER', workflowId: id(f.older), closedAt: f.older.exit!.at },
      { beneficiaryId: 'RG-OLD', workflowId: id(f.old), closedAt: f.old.exit!.at },
    ]);
    expect(nonZero(batch.counts)).toEqual(total(f.old, f.older));
    // Every table about paths is counted, those with nothing to purge too.
    expect(batch.counts).toMatchObject({ rgpd_probe_by_path: 2, rgpd_probe_by_person: 1, sanctions: 1 });
    expect(await rowsByWorkflow(db)).toEqual(before);
    expect(await probeRows()).toEqual(probesBefore);
  });

  it('goes batch by batch in workflow-id order', async () => {
    const cutoff = retentionCutoff(AT, 24);
    const first = await purgeExpiredBatch(db, { cutoff, dryRun: true, limit: 1 });
    expect(first.paths.map((p) => p.beneficiaryId)).toEqual(['RG-EARLIER']);
    expect(nonZero(first.counts)).toEqual(total(f.older));
    const second = await purgeExpiredBatch(db, { cutoff, dryRun: true, limit: 1, after: first.last });
    expect(second.paths.map((p) => p.beneficiaryId)).toEqual(['RG-OLD']);
    const third = await purgeExpiredBatch(db, { cutoff, dryRun: true, limit: 1, after: second.last });
    expect(third.paths).toEqual([]);
    expect(third.last).toBeNull();
    expect(nonZero(third.counts)).toEqual({});
  });

  it('the real run deletes exactly those paths, from every table, and nothing else', async () => {
    const before = await rowsByWorkflow(db);
    const batch = await purgeExpiredBatch(db, { cutoff: retentionCutoff(AT, 24), dryRun: false });
    expect(batch.paths.map((p) => p.beneficiaryId)).toEqual(['RG-EARLIER', 'RG-OLD']);
    expect(nonZero(batch.counts)).toEqual(total(f.old, f.older));
    const after = await rowsByWorkflow(db);
    const { [id(f.old)]: _old, [id(f.older)]: _older, ...kept } = before;
    expect(after).toEqual(kept);
    expect(after['digest']).toEqual({ outbox: 1 });
    expect(after['grant-G-CNSA-2026']).toEqual({ outbox: 1 });
    expect(after[id(f.openTwin)]).toEqual(before[id(f.openTwin)]);
    expect(await probeRows()).toEqual({
      byPath: [{ workflow_id: id(f.openTwin), n: 1 }],
      byPerson: [{ beneficiary_id: 'RG-NO-PATH' }, { beneficiary_id: 'RG-OLD-BIS' }],
    });
    // Run again: nothing left to purge.
    expect((await purgeExpiredBatch(db, { cutoff: retentionCutoff(AT, 24), dryRun: false })).paths).toEqual(
      [],
    );
  });

  it('a shorter retention reaches the path closed 23 months ago; open paths are never purged', async () => {
    const dry = await purgeExpiredBatch(db, { cutoff: retentionCutoff(AT, 22), dryRun: true });
    expect(dry.paths.map((p) => p.beneficiaryId)).toEqual(['RG-RECENT']);
    expect(nonZero(dry.counts)).toEqual(total(f.recent));
    const all = await purgeExpiredBatch(db, { cutoff: new Date('2100-01-01T00:00:00Z'), dryRun: true });
    expect(all.paths.map((p) => p.beneficiaryId)).toEqual(['RG-RECENT']);
  });
});
