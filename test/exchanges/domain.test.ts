/**
 * The pure parts of the exchanges: ISO weeks of the weekly list (worked out
 * from the calendar: 1 January 2026 is a Thursday, so 2026 has 53 weeks), the
 * list's file format, the activity plan's rule on the contract, the reporting
 * campaigns' periods.
 */
import { describe, expect, it } from 'vitest';
import { planHours, planRefusal } from '../../domain/path/activity-plan.js';
import {
  isoWeekOf,
  isoWeekSchema,
  previousIsoWeek,
  weekBounds,
  weeklyListCsv,
  weeksBefore,
} from '../../domain/exchanges/weekly-list.js';
import { applyPathEvent, newPathState, refusalOf } from '../../domain/path/path-machine.js';
import { campaignPeriod, formatIndicator } from '../../domain/reporting.js';
import { checkWeeklyList } from '../../dev/simulators/exchanges.js';

describe('ISO weeks', () => {
  it('follow the Thursday rule at the turn of the year', () => {
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01'); // a Thursday
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01'); // its Monday
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01'); // Monday of the week of Thursday 2 Jan 2025
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53'); // a Friday: its Thursday is in 2026
    expect(isoWeekOf('2026-06-01')).toBe('2026-W23'); // 154 days after 29 Dec 2025 = 22 weeks
  });

  it('span Monday 00:00 to the next Monday 00:00, Paris time, across the DST change', () => {
    const w = weekBounds('2026-W13'); // 23–29 March 2026; summer time from Sunday 29 March
    expect(w.monday).toBe('2026-03-23');
    expect(w.sunday).toBe('2026-03-29');
    expect(w.start.toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(w.end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('a Monday-morning run sends the week before; the look-back lists the weeks before', () => {
    expect(previousIsoWeek(new Date('2026-06-08T06:00:00+02:00'))).toBe('2026-W23');
    expect(previousIsoWeek(new Date('2026-01-04T06:00:00+01:00'))).toBe('2025-W52');
    expect(weeksBefore('2026-W02', 3)).toEqual(['2025-W51', '2025-W52', '2026-W01']);
  });

  it('refuse a week that does not exist, in French', () => {
    expect(isoWeekSchema.safeParse('2026-W53').success).toBe(true);
    const w53 = isoWeekSchema.safeParse('2025-W53'); // 2025 starts on a Wednesday: 52 weeks
    expect(w53.success).toBe(false);
    expect(w53.error?.issues[0]?.message).toBe('semaine inexistante');
    expect(isoWeekSchema.safeParse('2026-23').error?.issues[0]?.message).toBe(
      'semaine ISO attendue (ex. 2026-W23)',
    );
  });
});

describe('the weekly list file', () => {
  const rows = [
    {
      week: '2026-W23',
      beneficiaryId: 'CAF-000101',
      reason: 'ouverture' as const,
      eventDate: '2026-06-02',
      rightsOpenedOn: '2026-06-02',
      territory: 'lens-lievin',
      track: null,
      organisation: null,
      referent: null,
    },
    {
      week: '2026-W23',
      beneficiaryId: 'CAF-000057',
      reason: 'orientation' as const,
      eventDate: '2026-06-03',
      rightsOpenedOn: '2026-05-20',
      territory: 'audomarois',
      track: 'socio-professional' as const,
      organisation: 'cd62;ccas', // a separator in a value is quoted
      referent: 'ref-42',
    },
  ];

  it('is « ; »-separated, CRLF, a fixed header, track codes in French', () => {
    expect(weeklyListCsv(rows)).toBe(
      'semaine;id_pseudonyme;motif;date_evenement;date_ouverture_droit;territoire;parcours;organisme_referent;referent\r\n' +
        '2026-W23;CAF-000101;ouverture;2026-06-02;2026-06-02;lens-lievin;;;\r\n' +
        '2026-W23;CAF-000057;orientation;2026-06-03;2026-05-20;audomarois;socio-professionnel;"cd62;ccas";ref-42\r\n',
    );
  });

  it('is what France Travail’s check accepts, and it names the line it refuses', () => {
    expect(checkWeeklyList(weeklyListCsv(rows), 2)).toBeNull();
    expect(checkWeeklyList(weeklyListCsv(rows), 3)).toBe('2 ligne(s) reçue(s) pour 3 annoncée(s)');
    const broken = weeklyListCsv([{ ...rows[1]!, track: null }]);
    expect(checkWeeklyList(broken, 1)).toBe(
      'ligne 2 : parcours : parcours et organisme référent requis pour une orientation',
    );
  });
});

describe('the activity plan counts towards the contract’s weekly hours', () => {
  const plan = [
    { offerId: 'LL-remob', label: 'Atelier', weeklyHours: 6, theme: 'remobilisation' as const },
    { offerId: 'LL-pmsmp', label: 'Immersion', weeklyHours: 9, theme: 'immersion' as const },
  ];
  it('may fill the hours, or part of them, never more', () => {
    expect(planHours(plan)).toBe(15);
    expect(planRefusal(plan, 15)).toBeNull();
    expect(planRefusal(plan.slice(0, 1), 15)).toBeNull();
    expect(planRefusal(plan, 12)).toBe(
      'Le plan d’activités totalise 15 h par semaine, plus que les 12 h du contrat : réduisez les heures du plan ou augmentez celles du contrat.',
    );
    expect(planRefusal([plan[0]!, { ...plan[0]!, weeklyHours: 2 }], 15)).toMatch(/LL-remob figure deux fois/);
    expect(planRefusal(plan, 0)).toBe(
      'Un contrat exempté d’heures d’activité (0 h) n’a pas de plan d’activités.',
    );
  });

  function oriented() {
    const s = newPathState({
      beneficiaryId: 'T-PLAN',
      rightsOpenedAt: '2026-01-05T09:00:00+01:00',
      territory: 'lens-lievin',
    });
    const at = '2026-01-12T10:00:00+01:00';
    return applyPathEvent(
      s,
      {
        type: 'orientation.decided',
        at,
        data: { track: 'socio-professional', organisation: 'cd62', referent: 'ref-42' },
      },
      new Date(at),
    );
  }
  const signedAt = '2026-01-20T10:00:00+01:00';

  it('is kept in the contract when the contract is signed', () => {
    const s = applyPathEvent(
      oriented(),
      { type: 'contract.signed', at: signedAt, data: { weeklyHours: 15, intensive: true, plan } },
      new Date(signedAt),
    );
    expect(s.contract?.plan).toEqual(plan);
    expect(s.step).toBe('intensive-accompaniment');
  });

  it('a plan above the contract’s hours is refused in French and changes nothing', () => {
    const s = oriented();
    const before = JSON.stringify(s);
    const contract = { weeklyHours: 12, reduction: 'santé', intensive: false, plan };
    expect(
      refusalOf(s, { type: 'contract.signed', at: signedAt, data: contract }, new Date(signedAt)),
    ).toMatch(/^Le plan d’activités totalise 15 h par semaine, plus que les 12 h du contrat/);
    expect(JSON.stringify(s)).toBe(before);
    const invalid = refusalOf(
      s,
      {
        type: 'contract.signed',
        at: signedAt,
        data: { weeklyHours: 15, intensive: false, plan: [{ label: '', weeklyHours: 0 }] },
      },
      new Date(signedAt),
    );
    expect(invalid).toContain('intitulé de l’activité requis');
    expect(invalid).toContain('nombre d’heures par semaine strictement positif attendu');
  });

  it('a contract without a plan is as before (no plan field)', () => {
    const s = applyPathEvent(
      oriented(),
      { type: 'contract.signed', at: signedAt, data: { weeklyHours: 15, intensive: false } },
      new Date(signedAt),
    );
    expect(s.contract).not.toHaveProperty('plan');
  });
});

describe('reporting campaigns', () => {
  it('report on the year before, or on the semester before', () => {
    expect(campaignPeriod('previous-year', new Date('2027-05-03T09:00:00+02:00'))).toEqual({
      from: '2026-01-01',
      to: '2026-12-31',
    });
    expect(campaignPeriod('previous-semester', new Date('2027-01-04T09:00:00+01:00'))).toEqual({
      from: '2026-07-01',
      to: '2026-12-31',
    });
    expect(campaignPeriod('previous-semester', new Date('2027-07-01T09:00:00+02:00'))).toEqual({
      from: '2027-01-01',
      to: '2027-06-30',
    });
  });

  it('show values as a French reader expects', () => {
    expect(formatIndicator(0.857, 'share')).toBe('85,7 %');
    expect(formatIndicator(12.5, 'days')).toBe('12,5 j');
    expect(formatIndicator(null, 'count')).toBe('—');
  });
});
