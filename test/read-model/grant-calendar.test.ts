/**
 * The grant screens' reads of the read model: the secret links of the
 * deadlines' calendar (only their SHA-256 stored, one per account, revocable,
 * useless once the account is disabled or limited to a perimeter, journaled),
 * and « Prochaines échéances » (every deadline still to meet of the open
 * cycles, earliest first; a milestone done or a closed cycle leaves the list),
 * as the feed gives them: one event per deadline, at its instant in UTC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { recordGrant } from '../../store/grants.js';
import {
  applyGrantAction,
  grantWorkflowId,
  newGrantState,
  type GrantState,
} from '../../domain/grants/cycle.js';
import { getPolicy } from '../../domain/policy.js';
import { createAccount, setDisabled } from '../../store/accounts.js';
import { daysLeft } from '../../apps/web/grants-data.js';
import { upcomingDeadlines } from '../../apps/web/grants-deadlines.js';
import {
  accountByCalendarToken,
  calendarFeed,
  calendarTokenSince,
  issueCalendarToken,
  revokeCalendarToken,
} from '../../apps/web/grants-ical.js';

let db: ReadModelDb;
beforeAll(async () => {
  db = await openReadModel('memory:');
  const accounts: [string, { allCases?: boolean; territories?: string[] }][] = [
    ['equipe-a', { allCases: true }],
    ['equipe-b', { allCases: true }],
    ['agent-lens', { territories: ['lens-lievin'] }],
  ];
  for (const [login, perimeter] of accounts)
    await createAccount(db, { login, role: 'agent', ...perimeter }, { channel: 'cli' });
});
afterAll(async () => {
  await db?.close();
});

describe('secret links of the grant deadlines’ calendar', () => {
  it('stores only a hash, one link per account; a new link, a revocation or a disabled account ends the old one', async () => {
    const first = await issueCalendarToken(db, 'equipe-a', '127.0.0.1');
    expect(first).toMatch(/^jcal_[A-Za-z0-9_-]{43}$/);
    expect((await accountByCalendarToken(db, first))?.login).toBe('equipe-a');
    const stored = await db.query<{ token_hash: string }>('select token_hash from grant_calendar_tokens');
    expect(stored.map((r) => r.token_hash)).not.toContain(first);
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await calendarTokenSince(db, 'equipe-a')).toMatch(/^\d{4}-\d\d-\d\dT/);

    const second = await issueCalendarToken(db, 'equipe-a');
    expect(await accountByCalendarToken(db, first)).toBeNull();
    expect((await accountByCalendarToken(db, second))?.login).toBe('equipe-a');
    // Another account's link is its own.
    const other = await issueCalendarToken(db, 'equipe-b');
    expect((await accountByCalendarToken(db, other))?.login).toBe('equipe-b');

    expect(await revokeCalendarToken(db, 'equipe-a')).toBe(true);
    expect(await revokeCalendarToken(db, 'equipe-a')).toBe(false);
    expect(await accountByCalendarToken(db, second)).toBeNull();
    expect(await calendarTokenSince(db, 'equipe-a')).toBeNull();

    await setDisabled(db, 'equipe-b', true, { channel: 'cli' });
    expect(await accountByCalendarToken(db, other)).toBeNull();
    // Grant cycles are for accounts that see every case.
    const limited = await issueCalendarToken(db, 'agent-lens');
    expect(await accountByCalendarToken(db, limited)).toBeNull();
    // Malformed: never reaches the database.
    for (const bad of ['', 'jcal_', `${second}x`, second.replace('jcal_', 'jalons_')])
      expect(await accountByCalendarToken(db, bad)).toBeNull();

    const journal = await db.query<{ event: string; login: string }>(
      `select event, login from account_events where event like 'calendar.%' order by id`,
    );
    expect(journal).toEqual([
      { event: 'calendar.issued', login: 'equipe-a' },
      { event: 'calendar.issued', login: 'equipe-a' },
      { event: 'calendar.issued', login: 'equipe-b' },
      { event: 'calendar.revoked', login: 'equipe-a' },
      { event: 'calendar.issued', login: 'agent-lens' },
    ]);
  });
});

const hours = getPolicy('pas-de-calais').businessHours;
let revision = 0;
const save = (s: GrantState) =>
  recordGrant(db, { workflowId: grantWorkflowId(s.id), revision: ++revision, state: s });

describe('« Prochaines échéances »', () => {
  it('lists the deadlines still to meet of the open cycles, earliest first, and the feed gives each at its instant', async () => {
    const start = new Date('2025-11-17T09:00:00+01:00');
    const cnsa = newGrantState({ grantId: 'CNSA-RM', programme: 'cnsa-ami-2026' }, start, hours);
    const cls = newGrantState({ grantId: 'CLS-RM', programme: 'etat-cls-2025' }, start, hours);
    await save(cnsa);
    await save(cls);
    let items = await upcomingDeadlines(db);
    expect(items.map((d) => d.dueAt)).toEqual(items.map((d) => d.dueAt).sort());
    const application = items.find((d) => d.grantId === 'CNSA-RM' && d.milestone === 'application');
    // « avant le 21 novembre 2025 »: strictly before that day, 00:00 Paris.
    expect(application).toMatchObject({
      dueAt: '2025-11-20T23:00:00.000Z',
      due: 'avant le 21/11/2025 à 00:00',
    });
    expect(application?.reading).toContain('strictement avant');
    expect(items.find((d) => d.milestone === 'mid-term-report')).toMatchObject({
      grantId: 'CLS-RM',
      due: 'au plus tard le 31/03/2026 (fin de journée)',
    });

    const pieces = ['annexe-1', 'annexe-2'];
    applyGrantAction(
      cnsa,
      { type: 'complete', milestone: 'application', at: '2025-11-20T10:00:00+01:00', pieces },
      new Date('2025-11-20T10:00:00+01:00'),
    );
    await save(cnsa);
    items = await upcomingDeadlines(db);
    expect(items.some((d) => d.grantId === 'CNSA-RM' && d.milestone === 'application')).toBe(false);
    expect(items.some((d) => d.grantId === 'CNSA-RM' && d.milestone === 'transmission')).toBe(true);

    const feed = await calendarFeed(db, 'https://jalons.example', new Date('2025-11-20T10:00:00Z'));
    const events = feed.split('BEGIN:VEVENT').slice(1);
    expect(events).toHaveLength(items.length);
    const transmission = events.find((e) => e.includes('UID:CNSA-RM.transmission@jalons'));
    // « avant le 15/12/2025 à 17h (heure de Paris) »: 16:00 UTC.
    expect(transmission).toContain('DTSTART:20251215T160000Z');
    expect(transmission).toContain('URL;VALUE=URI:https://jalons.example/subventions/CNSA-RM');

    // A closed cycle's deadlines no longer run.
    await save({ ...cls, status: 'completed' });
    expect((await upcomingDeadlines(db)).some((d) => d.grantId === 'CLS-RM')).toBe(false);
  });
});

describe('days left', () => {
  it('counts Paris civil days to the last day still on time, at each boundary', () => {
    const left = (due: string, now: string) => daysLeft(due, new Date(now)).text;
    // « avant le 15/12/2025 à 17h »: 16:00 UTC.
    const transmission = '2025-12-15T16:00:00.000Z';
    expect(left(transmission, '2025-12-13T22:59:59.999Z')).toBe('2 j');
    expect(left(transmission, '2025-12-13T23:00:00.000Z')).toBe('demain');
    expect(left(transmission, '2025-12-14T23:00:00.000Z')).toBe('aujourd’hui');
    expect(left(transmission, '2025-12-15T15:59:59.999Z')).toBe('aujourd’hui');
    expect(left(transmission, '2025-12-15T16:00:00.000Z')).toBe('dépassé aujourd’hui');
    expect(left(transmission, '2025-12-15T23:00:00.000Z')).toBe('dépassé de 1 j');
    // « avant le 21 novembre 2025 »: 00:00 Paris on the 21st, so the 20th is the last day.
    const application = '2025-11-20T23:00:00.000Z';
    expect(left(application, '2025-11-20T22:59:59.999Z')).toBe('aujourd’hui');
    expect(left(application, '2025-11-20T23:00:00.000Z')).toBe('dépassé de 1 j');
    // « au plus tard le 31/03/2026 »: the whole day (summer time from the 29th).
    const report = '2026-03-31T21:59:59.999Z';
    expect(left(report, '2026-03-31T21:59:59.998Z')).toBe('aujourd’hui');
    expect(left(report, '2026-03-31T22:00:00.000Z')).toBe('dépassé de 1 j');
  });
});
