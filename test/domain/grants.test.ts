// Grant programmes (docs/rules.md §3.1–3.5): every figure and date of the rules, written here by hand
// from docs/rules.md and the acts it cites, so that a change in the data fails a test.
import { describe, expect, it } from 'vitest';
import {
  autonomyPlatformGovernance,
  getMilestone,
  getProgramme,
  isOnTime,
  milestoneSchema,
  programmeIds,
  programmeSchema,
  resolveDeadline,
  type Completed,
  type MilestoneId,
  type ProgrammeDefinition,
} from '../../domain/grants/index.js';
import { frenchIssues } from '../../domain/validation.js';

const due = (programme: string, milestone: MilestoneId, completed: Completed = {}): string | null =>
  resolveDeadline(getMilestone(getProgramme(programme), milestone), completed)?.toISOString() ?? null;

describe('programme registry', () => {
  it('holds the four seed programmes under their public ids', () => {
    expect(programmeIds()).toEqual([
      'cnsa-ami-2026',
      'etat-cie-2025-2027',
      'etat-cls-2025',
      'ft-conseillers-autonomie-2023',
    ]);
  });
  it('refuses an unknown id with a French error naming the known ones', () => {
    expect(() => getProgramme('cnsa-ami-2027')).toThrow(RangeError);
    expect(() => getProgramme('cnsa-ami-2027')).toThrow(
      /programme de subvention inconnu : « cnsa-ami-2027 » \(connus : cnsa-ami-2026, /,
    );
  });
  it('refuses a milestone a programme does not use', () => {
    expect(() => getMilestone(getProgramme('etat-cls-2025'), 'application')).toThrow(
      'le programme « etat-cls-2025 » n’a pas de jalon « application »',
    );
  });
});

describe('milestones of each programme, in order', () => {
  it.each<[string, MilestoneId[]]>([
    [
      'cnsa-ami-2026',
      [
        'application',
        'committee-opinions',
        'vote',
        'transmission',
        'prefecture-transmission',
        'funder-decision',
        'financial-report',
      ],
    ],
    [
      'etat-cie-2025-2027',
      [
        'convention-signature',
        'advance-payment',
        'interim-report',
        'balance-payment',
        'repayment',
        'final-report',
      ],
    ],
    ['etat-cls-2025', ['convention-signature', 'notification', 'balance-payment', 'mid-term-report']],
    [
      'ft-conseillers-autonomie-2023',
      ['convention-signature', 'funds-call', 'balance-payment', 'denunciation', 'renewal'],
    ],
  ])('%s', (id, milestones) => {
    expect(getProgramme(id).milestones.map((m) => m.id)).toEqual(milestones);
  });
});

describe('fixed deadlines (end of the civil day in Paris, or a Paris instant)', () => {
  // Winter (UTC+1): 23:59:59.999 Paris = 22:59:59.999Z; summer (UTC+2): 21:59:59.999Z.
  it.each<[string, MilestoneId, string | null]>([
    // « avant le 21 novembre 2025 », read strictly: the boundary is 21/11 00:00 Paris, itself late.
    ['cnsa-ami-2026', 'application', '2025-11-20T23:00:00.000Z'],
    ['cnsa-ami-2026', 'committee-opinions', '2025-11-24T22:59:59.999Z'],
    ['cnsa-ami-2026', 'vote', '2025-12-08T22:59:59.999Z'],
    ['cnsa-ami-2026', 'transmission', '2025-12-15T16:00:00.000Z'],
    ['cnsa-ami-2026', 'prefecture-transmission', null],
    ['cnsa-ami-2026', 'funder-decision', null],
    ['cnsa-ami-2026', 'financial-report', '2027-07-31T21:59:59.999Z'],
    ['etat-cie-2025-2027', 'convention-signature', null],
    ['etat-cie-2025-2027', 'advance-payment', null],
    ['etat-cie-2025-2027', 'interim-report', '2026-06-30T21:59:59.999Z'],
    ['etat-cie-2025-2027', 'balance-payment', null],
    ['etat-cie-2025-2027', 'final-report', '2028-06-30T21:59:59.999Z'],
    ['etat-cls-2025', 'mid-term-report', '2026-03-31T21:59:59.999Z'],
    ['ft-conseillers-autonomie-2023', 'funds-call', null],
    ['ft-conseillers-autonomie-2023', 'denunciation', '2023-12-31T22:59:59.999Z'],
    ['ft-conseillers-autonomie-2023', 'renewal', '2023-12-31T22:59:59.999Z'],
  ])('%s %s → %s', (programme, milestone, expected) => {
    expect(due(programme, milestone)).toBe(expected);
  });
});

describe('CNSA transmission before 15/12/2025 17:00 Paris, or the application is not admissible', () => {
  const transmission = getMilestone(getProgramme('cnsa-ami-2026'), 'transmission');
  const dueAt = resolveDeadline(transmission, {});
  it('keeps the seed’s words and reads « avant le … à 17h » strictly', () => {
    expect(transmission.quote).toMatch(/^avant le 15\/12\/2025 à 17h \(heure de Paris\)/);
    expect(transmission.reading).toBe('strictly-before');
  });
  it.each([
    ['16:59:59.999 Paris (the last instant before)', '2025-12-15T16:59:59.999+01:00', true],
    ['16:59 Paris', '2025-12-15T16:59:00+01:00', true],
    ['17:00:00.000 Paris (« avant 17h »: 17:00 itself is late)', '2025-12-15T17:00:00+01:00', false],
    ['17:00:01 Paris', '2025-12-15T17:00:01+01:00', false],
    ['17:01 Paris', '2025-12-15T17:01:00+01:00', false],
    ['16:30 UTC, i.e. 17:30 Paris', '2025-12-15T16:30:00Z', false],
  ])('transmitted at %s (%s): on time = %s', (_label, at, onTime) => {
    expect(dueAt).not.toBeNull();
    expect(isOnTime(new Date(at), dueAt as Date, transmission.reading)).toBe(onTime);
  });
  it.each<MilestoneId>(['application', 'transmission'])('missing %s makes it not admissible', (id) => {
    expect(getMilestone(getProgramme('cnsa-ami-2026'), id).onMiss).toBe('not-admissible');
  });
  it('the complementary envelope is lost with a late financial report', () => {
    expect(getMilestone(getProgramme('cnsa-ami-2026'), 'financial-report').onMiss).toBe('funding-lost');
  });
});

describe('a Paris instant maps to UTC with the offset of its season', () => {
  const parse = (at: string) =>
    milestoneSchema.parse({
      id: 'transmission',
      title: 't',
      responsible: 'grants-team',
      deadline: { at, tz: 'Europe/Paris' },
    });
  it.each([
    ['2025-12-15T17:00', '2025-12-15T16:00:00.000Z'],
    ['2026-07-01T17:00', '2026-07-01T15:00:00.000Z'],
    ['2026-03-29T01:59', '2026-03-29T00:59:00.000Z'],
    ['2026-03-29T03:00', '2026-03-29T01:00:00.000Z'],
    ['2026-10-25T12:00', '2026-10-25T11:00:00.000Z'],
  ])('%s Paris = %s', (at, expected) => {
    expect(resolveDeadline(parse(at), {})?.toISOString()).toBe(expected);
  });
  it('refuses a wall-clock time skipped by the spring change', () => {
    const r = milestoneSchema.safeParse({
      id: 'transmission',
      title: 't',
      responsible: 'grants-team',
      deadline: { at: '2026-03-29T02:30', tz: 'Europe/Paris' },
    });
    expect(r.success).toBe(false);
    if (!r.success) expect(frenchIssues(r.error)).toBe('deadline.at : date ou heure inexistante à Paris');
  });
});

describe('deadlines relative to another milestone', () => {
  it.each<[string, MilestoneId, Completed, string | null]>([
    // CLS: 100 % paid 15 days after notification of the avenant. 20 Oct + 15 days = 4 Nov.
    [
      'etat-cls-2025',
      'balance-payment',
      { notification: new Date('2025-10-20T10:00:00+02:00') },
      '2025-11-04T22:59:59.999Z',
    ],
    // 31 Oct 23:30 UTC is 1 Nov 00:30 Paris: counted from 1 Nov → 16 Nov.
    [
      'etat-cls-2025',
      'balance-payment',
      { notification: new Date('2025-10-31T23:30:00Z') },
      '2025-11-16T22:59:59.999Z',
    ],
    ['etat-cls-2025', 'balance-payment', {}, null],
    // CIE: repayment within 2 months of the ordre de reversement (issued when the balance is settled).
    [
      'etat-cie-2025-2027',
      'repayment',
      { 'balance-payment': new Date('2026-09-15T10:00:00+02:00') },
      '2026-11-15T22:59:59.999Z',
    ],
    [
      'etat-cie-2025-2027',
      'repayment',
      { 'balance-payment': new Date('2026-12-31T15:00:00+01:00') },
      '2027-02-28T22:59:59.999Z',
    ],
    ['etat-cie-2025-2027', 'repayment', {}, null],
  ])('%s %s after %o → %s', (programme, milestone, completed, expected) => {
    expect(due(programme, milestone, completed)).toBe(expected);
  });

  it('30 June of year N+1 counts N from a milestone in Paris time', () => {
    const m = milestoneSchema.parse({
      id: 'interim-report',
      title: 'bilan',
      responsible: 'grants-team',
      deadline: { on: '06-30', yearOffset: 1, reference: { milestone: 'convention-signature' } },
    });
    expect(resolveDeadline(m, {})).toBeNull();
    // 31 Dec 2025 23:30 UTC is already 1 Jan 2026 in Paris: N = 2026, due 30/06/2027.
    const signed: Completed = { 'convention-signature': new Date('2025-12-31T23:30:00Z') };
    expect(resolveDeadline(m, signed)?.toISOString()).toBe('2027-06-30T21:59:59.999Z');
  });
});

describe('who, what and when to remind', () => {
  it('every seed milestone reminds at J-30, J-7, J-2 and the morning of J-0 unless told otherwise', () => {
    for (const id of programmeIds())
      for (const m of getProgramme(id).milestones) expect(m.remindDaysBefore).toEqual([30, 7, 2, 0]);
  });
  it.each<[string, MilestoneId, string]>([
    ['cnsa-ami-2026', 'application', 'grants-team'],
    ['cnsa-ami-2026', 'transmission', 'grants-team'],
    ['cnsa-ami-2026', 'vote', 'head-of-service'],
    ['ft-conseillers-autonomie-2023', 'funds-call', 'france-travail'],
    ['ft-conseillers-autonomie-2023', 'denunciation', 'head-of-service'],
  ])('%s %s is the job of %s', (programme, milestone, role) => {
    expect(getMilestone(getProgramme(programme), milestone).responsible).toBe(role);
  });
  it('the CNSA application: annexe 1 completed but unsigned, annexe 2 signed', () => {
    expect(getMilestone(getProgramme('cnsa-ami-2026'), 'application').pieces).toEqual([
      { id: 'annexe-1', title: expect.any(String), signed: false },
      { id: 'annexe-2', title: expect.any(String), signed: true },
    ]);
  });
  it('the CNSA transmission: vote result, annexe 1 signed, annexes 3, 4, 5', () => {
    const pieces = getMilestone(getProgramme('cnsa-ami-2026'), 'transmission').pieces;
    expect(pieces.map((p) => [p.id, p.signed])).toEqual([
      ['deliberation', false],
      ['annexe-1', true],
      ['annexe-3', false],
      ['annexe-4', false],
      ['annexe-5', false],
    ]);
  });
});

describe('CNSA AMI 2026 figures (§3.1)', () => {
  const p = getProgramme('cnsa-ami-2026');
  it('closed call to the 16 existing platforms, launched October 2025', () => {
    expect(p.call).toEqual({ launchedIn: '2025-10', closed: true, eligible: 16 });
  });
  it('base grant ≤ 200 000 €, complementary envelope ≤ 100 000 €', () => {
    expect(p.figures.caps).toEqual({ base: 20_000_000, complementary: 10_000_000 });
  });
  it('budget 2026: 500 000 € expenses = 200 000 € own resources + 300 000 € CNSA, line C02-428N01', () => {
    expect(p.figures.budget).toEqual({ expenses: 50_000_000, ownResources: 20_000_000, funder: 30_000_000 });
    expect(p.figures.budgetLine).toBe('C02-428N01');
  });
  it('voted 08/12/2025 (43 for, 0 against, 0 abstention); act transmitted and published 23/12/2025', () => {
    expect(p.source.vote).toEqual({
      body: 'commission-permanente',
      date: '2025-12-08',
      for: 43,
      against: 0,
      abstention: 0,
    });
    expect(p.source.prefecture).toEqual({ transmittedOn: '2025-12-23', publishedOn: '2025-12-23' });
    expect(p.source.seed).toBe('000_a4f6f3841279ea35.txt');
  });
});

describe('État CIE 2025-2027 figures (§3.2)', () => {
  const p = getProgramme('etat-cie-2025-2027');
  it('5 124 190 € in 2025 = volet 1 50 000 € + volet 2 5 074 190 €', () => {
    expect(p.figures.commitment).toBe(512_419_000);
    expect(p.figures.breakdown).toEqual({ 'volet-1': 5_000_000, 'volet-2': 507_419_000 });
  });
  it('advance 60 % = 3 074 514 € paid at signature; Département ≥ 50 %', () => {
    expect(p.figures.advance).toEqual({ rate: 0.6, amount: 307_451_400 });
    expect(getMilestone(p, 'advance-payment').pays).toEqual({ rate: 0.6 });
    expect(p.figures.departementShareMin).toBe(0.5);
  });
  it('period 2025-01-01 → 2028-03-31, execution up to 2028-06-30', () => {
    expect(p.period).toEqual({ from: '2025-01-01', to: '2028-03-31', executionUntil: '2028-06-30' });
  });
  it('the repayment applies only below the advance; termination for breach 2 months after notice', () => {
    expect(getMilestone(p, 'repayment').condition).toBe('balance-below-advance');
    expect(p.termination).toEqual({ forBreach: { months: 2 }, proRataRepayment: false });
  });
  it('yearly Pilot’Actions reporting and dialogue de gestion; voted 22/09/2025 (78 for)', () => {
    expect(p.recurring.map((r) => [r.id, r.cadence])).toEqual([
      ['pilot-actions', 'yearly'],
      ['management-dialogue', 'yearly'],
    ]);
    expect(p.source.vote).toEqual({
      body: 'conseil-departemental',
      date: '2025-09-22',
      for: 78,
      against: 0,
      abstention: 0,
    });
  });
});

describe('État CLS 2025 figures (§3.3)', () => {
  const p = getProgramme('etat-cls-2025');
  it('3 342 548 € = axis 1 1 659 288 € + axis 3 1 010 000 € + axis 4 673 260 €', () => {
    expect(p.figures.commitment).toBe(334_254_800);
    expect(p.figures.breakdown).toEqual({ 'axe-1': 165_928_800, 'axe-3': 101_000_000, 'axe-4': 67_326_000 });
  });
  it('100 % paid after notification; mid-term report covers 2024-01-01 → 2025-12-31', () => {
    expect(getMilestone(p, 'balance-payment').pays).toEqual({ rate: 1 });
    expect(getMilestone(p, 'mid-term-report').covers).toEqual({ from: '2024-01-01', to: '2025-12-31' });
  });
  it('several Pilot’Actions campaigns a year', () => {
    expect(p.recurring.map((r) => [r.id, r.cadence])).toEqual([['pilot-actions', 'several-a-year']]);
  });
});

describe('France Travail convention figures (§3.4)', () => {
  const p = getProgramme('ft-conseillers-autonomie-2023');
  it('198 000 € paid in full by the Département upon a funds call', () => {
    expect(p.figures.commitment).toBe(19_800_000);
    expect(p.departement).toBe('payer');
    expect(getMilestone(p, 'balance-payment').pays).toEqual({ rate: 1 });
  });
  it('12 months from 2023-01-01, renewed for 12 months unless denounced in the month before the end', () => {
    expect(p.renewal).toEqual({
      start: '2023-01-01',
      months: 12,
      renewalMonths: 12,
      denunciationWindowMonths: 1,
    });
    expect(getMilestone(p, 'denunciation')).toMatchObject({ onMiss: 'renewal', condition: 'optional' });
  });
  it('termination: 6 months’ notice on request, 60 days after a formal notice for breach, pro rata repayment', () => {
    expect(p.termination).toEqual({
      onRequest: { months: 6 },
      forBreach: { days: 60 },
      proRataRepayment: true,
    });
  });
  it('steering committee once a semester; ≥ 500 job seekers; three indicators', () => {
    expect(p.recurring.map((r) => [r.id, r.cadence])).toEqual([['steering-committee', 'semiannual']]);
    expect(p.figures.targets).toEqual({ 'job-seekers-accompanied': 500 });
    expect(p.indicators).toHaveLength(3);
    expect(p.indicators[2]).toMatch(/sorties emploi ou formation à 6 mois/);
  });
});

describe('governance cadences of the autonomy platform consortium (§3.5)', () => {
  it('strategic yearly, technical quarterly, project team monthly, at least; until 30/06/2024, renewed by avenant', () => {
    const g = autonomyPlatformGovernance;
    expect(g.recurring.map((r) => [r.id, r.cadence, r.atLeast])).toEqual([
      ['strategic-committee', 'yearly', true],
      ['technical-committee', 'quarterly', true],
      ['project-team', 'monthly', true],
    ]);
    expect([g.effectiveUntil, g.renewedBy, g.source.seed]).toEqual([
      '2024-06-30',
      'avenant',
      '001_4c08e740d4061f9f.txt',
    ]);
  });
});

describe('an invalid definition is refused with a French message', () => {
  const valid: ProgrammeDefinition = {
    id: 'essai',
    funder: 'etat',
    title: 'Essai',
    source: { seed: '003_e7122d632176dcab.txt', act: 'Délibération' },
    figures: { commitment: 10_000, breakdown: { a: 4_000, b: 6_000 }, advance: { rate: 0.6, amount: 6_000 } },
    milestones: [
      { id: 'notification', title: 'Notification', responsible: 'grants-team' },
      {
        id: 'balance-payment',
        title: 'Versement',
        responsible: 'grants-team',
        deadline: { after: 'notification', delay: { days: 15 } },
      },
    ],
  };
  const issues = (patch: object): string => {
    const r = programmeSchema.safeParse({ ...valid, ...patch });
    return r.success ? 'accepté' : frenchIssues(r.error);
  };
  const one = (patch: object) => ({ milestones: [{ ...valid.milestones[0], ...patch }] });

  it('accepts the valid one', () => expect(issues({})).toBe('accepté'));
  it.each<[string, object, string | RegExp]>([
    [
      'a milestone id outside the public contract',
      one({ id: 'payment' }),
      /^milestones\.0\.id : Option invalide : une valeur parmi "application"/,
    ],
    [
      'an amount not in whole cents',
      { figures: { commitment: 10.5 } },
      'figures.commitment : Entrée invalide : entier attendu, nombre reçu',
    ],
    ['an unknown field', { amount: 3 }, 'Clé non reconnue : "amount"'],
    [
      'another time zone',
      one({ deadline: { at: '2025-12-15T17:00', tz: 'UTC' } }),
      'milestones.0.deadline.tz : seul le fuseau « Europe/Paris » est pris en charge',
    ],
    [
      'an instant without time zone',
      one({ deadline: { at: '2025-12-15T17:00' } }),
      /^milestones\.0\.deadline : échéance attendue : \{ at, tz \}/,
    ],
    [
      'a date that does not exist',
      one({ deadline: { by: '2025-02-30' } }),
      'milestones.0.deadline.by : date inexistante',
    ],
    [
      'a yearly deadline on 29 February',
      one({ deadline: { on: '02-29', yearOffset: 1, reference: { date: '2025-01-01' } } }),
      'milestones.0.deadline.on : jour inexistant certaines années',
    ],
    ['an unknown role', one({ responsible: 'mayor' }), /^milestones\.0\.responsible : Option invalide/],
    ['an unknown consequence', one({ onMiss: 'fine' }), /^milestones\.0\.onMiss : Option invalide/],
    [
      'a reminder twice',
      one({ remindDaysBefore: [7, 7] }),
      'milestones.0.remindDaysBefore : rappels en double',
    ],
  ])('%s', (_label, patch, expected) => {
    expect(issues(patch)).toMatch(expected);
  });
  it.each<[string, object, string]>([
    [
      'a deadline after a milestone the programme lacks',
      { milestones: [valid.milestones[1]] },
      'milestones.0.deadline : l’échéance de « balance-payment » dépend de « notification », qui n’est pas un autre jalon du programme',
    ],
    [
      'a milestone twice',
      { milestones: [valid.milestones[0], valid.milestones[0]] },
      'milestones : jalon « notification » défini deux fois',
    ],
    [
      'a breakdown that misses the commitment',
      { figures: { commitment: 10_000, breakdown: { a: 4_000 } } },
      'figures.breakdown : la ventilation (40,00\u00A0€) ne fait pas l’engagement (100,00\u00A0€)',
    ],
    [
      'an advance that is not its rate of the commitment',
      { figures: { commitment: 10_000, advance: { rate: 0.6, amount: 6_001 } } },
      'figures.advance : l’avance ne correspond pas au taux appliqué à l’engagement',
    ],
    [
      'an unbalanced budget',
      { figures: { budget: { expenses: 500, ownResources: 200, funder: 200 } } },
      'figures.budget : budget non équilibré (dépenses ≠ ressources propres + financeur)',
    ],
    [
      'a denunciation without renewal terms',
      {
        milestones: [...valid.milestones, { id: 'denunciation', title: 'D', responsible: 'head-of-service' }],
      },
      'renewal : un jalon « denunciation » suppose des règles de reconduction',
    ],
  ])('%s', (_label, patch, expected) => {
    expect(issues(patch)).toBe(expected);
  });
});
