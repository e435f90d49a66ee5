/**
 * `jalons simulate`, the public contract of docs/architecture.md: a scenario in, one JSON
 * report out, on the real workflows and activities (time-skipping server).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from '../../domain/validation.js';
import { loadScenario, simulate, type SimulationReport } from '../../dev/simulate.js';
import { quietRuntime } from '../support/temporal.js';

const run = promisify(execFile);
const iso = z.iso.datetime();
/** The report of docs/architecture.md, field by field. */
const reportSchema = z
  .object({
    beneficiaries: z.array(
      z
        .object({
          id: z.string(),
          step: z.string(),
          status: z.enum(['active', 'closed']),
          deadlines: z.array(
            z.object({ kind: z.string(), dueAt: iso, metAt: iso.nullable(), breached: z.boolean() }).strict(),
          ),
          notifications: z.array(z.object({ at: iso, to: z.string(), template: z.string() }).strict()),
          sanctions: z.array(
            z
              .object({
                decidedAt: iso,
                rate: z.number(),
                months: z.number(),
                endedAt: iso.nullable(),
                endedBy: z.string().nullable(),
                epAvis: z.object({ favourable: z.boolean() }).strict().optional(),
                appeal: z
                  .object({
                    filedAt: iso,
                    answerDue: iso,
                    answeredAt: iso.nullable(),
                    outcome: z.string().nullable(),
                  })
                  .strict()
                  .optional(),
              })
              .strict(),
          ),
          rejected: z.array(z.object({ event: z.string(), error: z.string() }).strict()),
          history: z.array(z.object({ at: iso, step: z.string() }).strict()),
          exit: z.object({ at: iso, reason: z.string() }).strict().optional(),
        })
        .strict(),
    ),
    grants: z.array(z.unknown()),
  })
  .strict();

let report: SimulationReport;
const beneficiary = (id: string) => report.beneficiaries.find((b) => b.id === id)!;

beforeAll(async () => {
  quietRuntime();
  const started = Date.now();
  report = await simulate(loadScenario('examples/scenarios/dix-parcours-deux-ans.json'), {
    testServerPath: inject('testServerPath'),
    workflowBundlePath: inject('workflowBundlePath'),
    log: () => undefined,
  });
  console.error(`[simulate] 10 allocataires sur 2 ans : ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 120_000);

describe('jalons simulate: ten beneficiaries over two years', () => {
  it('reports in the shape of the contract, one entry per beneficiary, in scenario order', () => {
    expect(reportSchema.safeParse(report).error).toBeUndefined();
    expect(report.beneficiaries.map((b) => b.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `B-${String(i + 1).padStart(3, '0')}`),
    );
  });

  it('a path kept on time sends nothing and ends with the exit', () => {
    const b = beneficiary('B-001');
    expect(b).toMatchObject({ status: 'closed', step: 'closed', notifications: [] });
    expect(b.deadlines.every((d) => d.metAt !== null && !d.breached)).toBe(true);
  });

  it('past the legal 6 weeks, France Travail is told to orient (opened 12 January → 23 February)', () => {
    const b = beneficiary('B-003');
    expect(b.deadlines.find((d) => d.kind === 'orientation.legal')).toMatchObject({
      dueAt: '2026-02-23T22:59:59.999Z',
      breached: true,
    });
    // Tuesday 24 February, 09:00 Paris.
    expect(b.notifications).toContainEqual({
      at: '2026-02-24T08:00:00.000Z',
      to: 'france-travail',
      template: 'transfer.orientation',
    });
  });

  it('refuses a sanction above the 50 % cap for a household of three, then applies one within it', () => {
    const b = beneficiary('B-005');
    expect(b.rejected).toEqual([
      {
        event: 'sanction.decided',
        error:
          'Le taux est plafonné à 50 % pour un foyer de plus d’une personne ou un RSA majoré (CASF R262-68-6).',
      },
    ]);
    expect(b.sanctions).toEqual([
      {
        decidedAt: '2026-05-11T08:05:00.000Z',
        rate: 0.5,
        months: 2,
        endedAt: '2026-06-01T08:00:00.000Z',
        endedBy: 'remobilisation',
      },
    ]);
  });

  it('a réorientation restarts the contract month (6 February → 6 March)', () => {
    const contracts = beneficiary('B-006').deadlines.filter((d) => d.kind === 'contract');
    expect(contracts).toEqual([
      {
        kind: 'contract',
        dueAt: '2026-03-06T22:59:59.999Z',
        metAt: '2026-03-05T09:00:00.000Z',
        breached: false,
      },
    ]);
  });

  it('on repetition, a suppression needs the EP’s avis recorded; four months of it propose removal', () => {
    const b = beneficiary('B-008');
    expect(b.rejected.map((r) => r.error)).toEqual([
      'Une suppression exige l’avis de l’équipe pluridisciplinaire (CASF L262-37 III).',
    ]);
    // 12 June + 4 months = 12 October, 00:00 Paris.
    expect(b.sanctions[1]).toMatchObject({
      rate: 1,
      months: 4,
      endedAt: '2026-10-11T22:00:00.000Z',
      endedBy: 'term',
    });
    // The proposal leaves in business hours: Monday 12 October, 09:00 Paris (docs/rules.md §1).
    expect(b.notifications).toContainEqual({
      at: '2026-10-12T07:00:00.000Z',
      to: 'france-travail',
      template: 'proposal.removal',
    });
  });

  it('after death nothing more is accepted; a zero-hour contract needs a legal exemption', () => {
    expect(beneficiary('B-009')).toMatchObject({ status: 'closed', rejected: [{ event: 'interview.held' }] });
    expect(beneficiary('B-010').rejected.map((r) => r.event)).toEqual(['contract.signed']);
    expect(beneficiary('B-010').step).toBe('accompaniment');
  });
});

describe('jalons simulate on the command line', () => {
  const jalons = (...args: string[]) =>
    run('npx', ['tsx', 'apps/cli/cli.ts', ...args], { encoding: 'utf8' }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  const file = (content: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), 'jalons-scenario-')), 'scenario.json');
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const base = {
    name: 'x',
    start: '2026-01-05T09:00:00+01:00',
    until: '2026-02-01T00:00:00+01:00',
    beneficiaries: [{ id: 'B-1', rightsOpenedAt: '2026-01-05T09:00:00+01:00', territory: 'lens-lievin' }],
  };

  it.each([
    ['not JSON', '{', /Scénario illisible/],
    ['an unknown field', { ...base, extra: 1 }, /Scénario invalide : Clé non reconnue : "extra"/],
    [
      'an unknown event type',
      { ...base, events: [{ at: '2026-01-06T10:00:00+01:00', target: 'B-1', type: 'x.y' }] },
      /type d’événement inconnu : « x\.y »/,
    ],
    [
      'an event for nobody',
      { ...base, events: [{ at: '2026-01-06T10:00:00+01:00', target: 'B-9', type: 'appointment.attended' }] },
      /allocataire inconnu : « B-9 »/,
    ],
    [
      'bad event data',
      {
        ...base,
        events: [
          {
            at: '2026-01-06T10:00:00+01:00',
            target: 'B-1',
            type: 'orientation.decided',
            data: { track: 'x' },
          },
        ],
      },
      /events\.0\.data/,
    ],
  ])('exits 2 with a French message on %s', async (_what, content, message) => {
    const r = await jalons('simuler', file(content));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('prints the report alone on stdout and exits 0', async () => {
    const r = await jalons('simuler', 'examples/scenarios/parcours.json');
    expect(r.code).toBe(0);
    const printed = reportSchema.parse(JSON.parse(r.stdout));
    expect(printed.beneficiaries.map((b) => [b.id, b.status])).toEqual([
      ['B-001', 'active'],
      ['B-002', 'closed'],
    ]);
  }, 120_000);
});

describe('jalons simulate: grant events (CNSA, 15/12/2025 17:00 Paris)', () => {
  it('a transmission at 16:59 is on time; at 17:01 the application is no longer admissible', async () => {
    const report = await simulate(loadScenario('examples/scenarios/subventions.json'), {
      testServerPath: inject('testServerPath'),
      workflowBundlePath: inject('workflowBundlePath'),
      log: () => undefined,
    });
    const [onTime, late] = report.grants;
    const transmission = (g: typeof onTime) => g?.milestones.find((m) => m.id === 'transmission');
    expect(onTime).toMatchObject({
      id: 'G-A-TEMPS',
      programme: 'cnsa-ami-2026',
      status: 'active',
      rejected: [],
    });
    // 17:00 Paris in winter = 16:00 UTC.
    expect(transmission(onTime)).toMatchObject({
      dueAt: '2025-12-15T16:00:00.000Z',
      doneAt: '2025-12-15T15:59:00.000Z',
      status: 'done',
    });
    // A transmission is a fact: recorded at 17:01, late, and the application is not admissible.
    expect(late).toMatchObject({ id: 'G-EN-RETARD', status: 'not-admissible', rejected: [] });
    expect(transmission(late)).toMatchObject({ doneAt: '2025-12-15T16:01:00.000Z', status: 'late' });
  }, 120_000);
});

const simulateFile = (file: string) =>
  simulate(loadScenario(file), {
    testServerPath: inject('testServerPath'),
    workflowBundlePath: inject('workflowBundlePath'),
    log: () => undefined,
  });

describe('jalons simulate: grant cycles the grants team can trust (issue 15)', () => {
  it('facts recorded without the steps before them: admissible, the steps shown as not recorded', async () => {
    const r = await simulateFile('examples/scenarios/subventions-faits.json');
    const [cnsa, cls] = r.grants;
    expect(cnsa).toMatchObject({ id: 'G-CNSA-SANS-AVIS', status: 'active', rejected: [] });
    expect(cnsa?.milestones.find((m) => m.id === 'committee-opinions')?.status).toBe('not-recorded');
    expect(cnsa?.advice.map((a) => a.milestone)).toEqual(['committee-opinions']);
    expect(cls?.milestones.find((m) => m.id === 'convention-signature')?.status).toBe('not-recorded');
    // 16/10/2025 + 15 days: 31/10/2025, end of day (winter time).
    expect(cls?.payments).toEqual([
      { kind: 'balance', amount: 3_342_548, dueAt: '2025-10-31T22:59:59.999Z' },
    ]);
  }, 120_000);

  it('« avant le 15/12/2025 à 17h »: 16:59:59 is on time, 17:00:00 is late', async () => {
    const r = await simulateFile('examples/scenarios/subventions-lecture.json');
    expect(
      r.grants.map((g) => [g.id, g.status, g.milestones.find((m) => m.id === 'transmission')?.status]),
    ).toEqual([
      ['G-165959', 'active', 'done'],
      ['G-170000', 'not-admissible', 'late'],
    ]);
  }, 120_000);

  it('the CIE ledger: advance due at signature, ordre de reversement of 574 514 € due two months after its emission', async () => {
    const r = await simulateFile('examples/scenarios/subventions-registre.json');
    const [cie] = r.grants;
    expect(cie?.rejected).toEqual([]);
    expect(cie?.ledger.expected.map((e) => [e.kind, e.amount, e.dueAt, e.received])).toEqual([
      ['advance', 3_074_514, '2025-10-10T21:59:59.999Z', 0],
      ['repayment', 574_514, '2026-11-15T22:59:59.999Z', 574_514],
    ]);
    expect(cie?.ledger.received).toEqual([
      { kind: 'repayment', amount: 574_514, receivedAt: '2026-10-20T08:00:00.000Z' },
    ]);
  }, 120_000);

  it('France Travail: a formal notice left 60 days without effect terminates the convention, repaid pro rata', async () => {
    const r = await simulateFile('examples/scenarios/subventions-fin.json');
    const [ft] = r.grants;
    expect(ft).toMatchObject({ id: 'G-FT-2023', status: 'terminated', rejected: [] });
    expect(ft?.notifications.map((n) => n.template)).toContain('notice.grant-terminated');
    const proRata = ft?.ledger.expected.find((e) => e.kind === 'repayment');
    expect(proRata).toMatchObject({ direction: 'to-departement', dueAt: null });
    // 244 days of 365 left after 01/05/2023: about two thirds of 198 000 €.
    expect(proRata!.amount).toBeGreaterThan(132_000);
    expect(proRata!.amount).toBeLessThan(132_500);
  }, 120_000);
});
