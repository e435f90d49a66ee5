/**
 * Grant cycles on the Temporal CLI dev server (the server the stack runs; the
 * test server has no Schedules and drops refused Updates): the recurring duties'
 * Schedules created idempotently and, triggered, emailing their reminder once a
 * day; the `jalons grant` commands; refusals from the workflow's validators in
 * French, through the CLI (exit 3) and the client, changing nothing.
 */
import { describe, expect, it } from 'vitest';
import { civilDateOf, formatParis } from '../../domain/calendar.js';
import type { GrantState } from '../../domain/grants/cycle.js';
import {
  ActionRefused,
  actOnGrant,
  ensureGrantSchedules,
  showGrant,
  startGrantCycle,
} from '../../services/grants.js';
import { devServerWithWorker } from '../support/temporal.js';
import { jalonsCli } from '../support/cli.js';

const DAY = 86_400_000;
const taskQueue = 'e2e-grants';
const t = devServerWithWorker(taskQueue);

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 80 && !(await check()); i++) await new Promise((r) => setTimeout(r, 250));
}

const jalons = jalonsCli(() => ({ address: t.env.address, taskQueue }));

describe('recurring duties as Schedules', () => {
  it('are created once under deterministic ids, updated in place, and a triggered one emails its reminder once a day', async () => {
    const first = await ensureGrantSchedules(t.env.client, taskQueue);
    // docs/rules.md §3.2–3.5: CIE (Pilot'Actions, dialogue de gestion), CLS (Pilot'Actions), France Travail
    // (comité de pilotage), the autonomy platform's comités stratégique and technique, équipe projet.
    expect(first).toEqual(
      [
        'jalons-duty-etat-cie-2025-2027-pilot-actions',
        'jalons-duty-etat-cie-2025-2027-management-dialogue',
        'jalons-duty-etat-cls-2025-pilot-actions',
        'jalons-duty-ft-conseillers-autonomie-2023-steering-committee',
        'jalons-duty-plateforme-metiers-autonomie-strategic-committee',
        'jalons-duty-plateforme-metiers-autonomie-technical-committee',
        'jalons-duty-plateforme-metiers-autonomie-project-team',
      ].map((scheduleId) => ({ scheduleId, created: true })),
    );
    const second = await ensureGrantSchedules(t.env.client, taskQueue);
    expect(second.every((s) => !s.created)).toBe(true);

    const id = 'jalons-duty-plateforme-metiers-autonomie-technical-committee';
    const handle = t.env.client.schedule.getHandle(id);
    const described = await handle.describe();
    expect(described.spec.timezone).toBe('Europe/Paris');
    // Quarterly: January (from the 2nd, the 1st is a holiday), April, July, October, at 09:00.
    expect(described.spec.calendars?.map((c) => [c.month, c.dayOfMonth, c.hour])).toEqual([
      [
        [{ start: 'JANUARY', end: 'JANUARY', step: 1 }],
        [{ start: 2, end: 2, step: 1 }],
        [{ start: 9, end: 9, step: 1 }],
      ],
      [
        [{ start: 'JANUARY', end: 'JANUARY', step: 1 }],
        [
          { start: 3, end: 3, step: 1 },
          { start: 4, end: 4, step: 1 },
        ],
        [{ start: 9, end: 9, step: 1 }],
      ],
      [
        [
          { start: 'APRIL', end: 'APRIL', step: 1 },
          { start: 'JULY', end: 'JULY', step: 1 },
          { start: 'OCTOBER', end: 'OCTOBER', step: 1 },
        ],
        [{ start: 1, end: 1, step: 1 }],
        [{ start: 9, end: 9, step: 1 }],
      ],
      [
        [
          { start: 'APRIL', end: 'APRIL', step: 1 },
          { start: 'JULY', end: 'JULY', step: 1 },
          { start: 'OCTOBER', end: 'OCTOBER', step: 1 },
        ],
        [
          { start: 2, end: 2, step: 1 },
          { start: 3, end: 3, step: 1 },
        ],
        [{ start: 9, end: 9, step: 1 }],
      ],
    ]);
    const next = described.info.nextActionTimes[0];
    expect(next && formatParis(next, true).endsWith('09:00')).toBe(true);

    await handle.trigger();
    const key = `duty/plateforme-metiers-autonomie/technical-committee/${civilDateOf(new Date())}`;
    await t.sink.waitFor((m) => m.some((x) => x.headers['x-jalons-key'] === key), 20_000);
    const mail = t.sink.messages().find((m) => m.headers['x-jalons-key'] === key);
    expect(mail?.to).toEqual(['subventions@departement.example']);
    expect(mail?.subject).toBe(
      '[Jalons] Comité technique (échéance trimestrielle) — Consortium de la plateforme des métiers de l’autonomie',
    );
    expect(mail?.text).toContain('Rappel de l’échéance trimestrielle (au moins) : Comité technique.');

    // Triggered again the same day: nothing new is sent (outbox).
    await handle.trigger();
    await new Promise((r) => setTimeout(r, 3_000));
    expect(t.sink.messages().filter((m) => m.headers['x-jalons-key'] === key)).toHaveLength(1);
    await ensureGrantSchedules(t.env.client, taskQueue);
  });
});

describe('jalons grant …', () => {
  it('lists programmes and deadlines, starts, shows and completes; a refusal exits 3 in French and changes nothing', async () => {
    const deadlines = await jalons('subvention', 'echeances', 'cnsa-ami-2026', '--json');
    expect(deadlines.code).toBe(0);
    const transmission = (
      JSON.parse(deadlines.stdout) as { milestones: { id: string; dueAt: string; dueAtParis: string }[] }
    ).milestones.find((m) => m.id === 'transmission');
    expect(transmission).toMatchObject({
      dueAt: '2025-12-15T16:00:00.000Z',
      dueAtParis: '15/12/2025 à 17:00',
    });

    const started = await jalons(
      'subvention',
      'demarrer',
      'E2E-G1',
      '--programme',
      'etat-cls-2025',
      '--json',
    );
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toEqual({ workflowId: 'subvention-E2E-G1', created: true });
    expect(
      (await jalons('subvention', 'demarrer', 'E2E-G1', '--programme', 'etat-cls-2025')).stdout,
    ).toContain('existe déjà : rien n’a changé');

    // What cannot be true is refused: an act dated in the future.
    const refused = await jalons(
      'subvention',
      'jalon',
      'E2E-G1',
      'notification',
      '--date',
      '2099-01-01T10:00:00+01:00',
    );
    expect(refused.code).toBe(3);
    expect(refused.stderr.trim()).toBe(
      'Refusé : Un acte ne peut être daté dans le futur (01/01/2099 à 10:00, heure de Paris).',
    );
    const unknown = await jalons('subvention', 'jalon', 'E2E-G1', 'vote');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('Refusé : Le programme « etat-cls-2025 » n’a pas de jalon « vote »');

    const done = await jalons(
      'subvention',
      'jalon',
      'E2E-G1',
      'convention-signature',
      '--par',
      'agent-7',
      '--json',
    );
    expect(done.code).toBe(0);
    const state = JSON.parse(done.stdout) as GrantState;
    expect(state.milestones.find((m) => m.id === 'convention-signature')).toMatchObject({
      status: 'done',
      by: 'agent-7',
    });
    const shown = await jalons('subvention', 'voir', 'E2E-G1');
    expect(shown.stdout).toContain('Subvention E2E-G1 — Contrat local des solidarités');
    expect(shown.stdout).toMatch(/convention-signature\s+fait/);
    const missing = await jalons('subvention', 'voir', 'NOPE-1');
    expect(missing.code).toBe(3);
    expect(missing.stderr.trim()).toBe('Refusé : Aucune subvention « NOPE-1 ».');
    // Eight CLI processes (each starts Node and compiles TypeScript): slow on a loaded 2-core machine.
  }, 180_000);

  it('records an ordre de reversement and a formal notice from the CLI; a wrong action exits 3 in French', async () => {
    await startGrantCycle(t.env.client, taskQueue, {
      grantId: 'E2E-CIE',
      programme: 'etat-cie-2025-2027',
      startedAt: '2025-09-22T10:00:00+02:00',
    });
    await actOnGrant(t.env.client, 'E2E-CIE', {
      type: 'complete',
      milestone: 'convention-signature',
      at: '2025-11-20T10:00:00+01:00',
    });
    await actOnGrant(t.env.client, 'E2E-CIE', {
      type: 'report',
      kind: 'interim',
      spent: 2_500_000,
      at: '2025-12-15T09:00:00+01:00',
    });
    const order = await jalons(
      'subvention',
      'reversement',
      'E2E-CIE',
      '--reference',
      'OR-2025-77',
      '--date',
      '2025-12-15T09:30:00+01:00',
      '--par',
      'agent-7',
      '--json',
    );
    expect(order.code).toBe(0);
    // 60 % of 5 124 190 € due at the signature, 2 500 000 € spent: 574 514 € to pay back.
    expect((JSON.parse(order.stdout) as GrantState).ledger.order).toMatchObject({
      amount: 574_514_00,
      reference: 'OR-2025-77',
      by: 'agent-7',
    });
    const wrong = await jalons('subvention', 'mise-en-demeure', 'E2E-CIE', '--action', 'envoyée');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('served (mise en demeure reçue ou envoyée) ou complied');
    const notice = await jalons(
      'subvention',
      'mise-en-demeure',
      'E2E-CIE',
      '--action',
      'served',
      '--motif',
      'Bilan incomplet',
      '--date',
      '2025-12-15T09:45:00+01:00',
      '--json',
    );
    expect(notice.code).toBe(0);
    // Two months to comply (CIE): the termination takes effect at the end of 15/02/2026, Paris.
    expect((JSON.parse(notice.stdout) as GrantState).termination).toMatchObject({
      kind: 'breach',
      party: 'departement',
      effectiveAt: '2026-02-15T22:59:59.999Z',
      reason: 'Bilan incomplet',
      compliedAt: null,
    });
  }, 180_000);

  it('a France Travail denunciation outside the month before the end is refused by the validator', async () => {
    await startGrantCycle(t.env.client, taskQueue, {
      grantId: 'E2E-FT',
      programme: 'ft-conseillers-autonomie-2023',
      startedAt: new Date().toISOString(),
    });
    // Started today: the renewals since 2023 are caught up at once (one period a year from 01/01/2023).
    const year = Number(civilDateOf(new Date()).slice(0, 4));
    await until(async () => (await showGrant(t.env.client, 'E2E-FT')).convention?.period === year - 2023);
    const before = await showGrant(t.env.client, 'E2E-FT');
    expect(before.convention).toMatchObject({ start: `${year}-01-01`, end: `${year}-12-31` });
    // A date in the current period, outside December (the window).
    let at = new Date(Date.now() - 3_600_000);
    if (civilDateOf(at).slice(5, 7) === '12') at = new Date(at.getTime() - 40 * DAY);
    const error = await actOnGrant(t.env.client, 'E2E-FT', { type: 'denounce', at: at.toISOString() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ActionRefused);
    expect((error as Error).message).toBe(
      `Dénonciation refusée : reçue le ${formatParis(at)}, hors de la fenêtre du 01/12/${year} au 31/12/${year} ` +
        '(le mois précédant la fin de la convention) ; sans dénonciation dans cette fenêtre, la convention est reconduite.',
    );
    const after = await showGrant(t.env.client, 'E2E-FT');
    expect(after.status).toBe('active');
    expect(after.history).toEqual(before.history);
    const cli = await jalons('subvention', 'denoncer', 'E2E-FT', '--date', at.toISOString());
    expect(cli.code).toBe(3);
    expect(cli.stderr).toContain('Refusé : Dénonciation refusée');
  });
});
