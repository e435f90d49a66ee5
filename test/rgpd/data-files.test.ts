/**
 * The RGPD side of the data folder and of the export document: the cutoff in
 * Paris calendar months, the files a purge removes (sent-mail copies, CAF import
 * reports) and those it must leave, what an export finds about one person and
 * what it never shows (other people's addresses).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionCsv } from '../../services/import-caf.js';
import {
  assembleExport,
  fileTracesOf,
  parseBeneficiaryId,
  purgeDataFiles,
  retentionCutoff,
} from '../../services/rgpd.js';
import { ActionRefused } from '../../services/paths.js';
import { pathFixture } from './fixtures.js';

describe('retention cutoff', () => {
  it('is 00:00 Paris, N calendar months before the day of the run', () => {
    expect(retentionCutoff(new Date('2028-03-15T10:00:00+01:00'), 24).toISOString()).toBe(
      '2026-03-14T23:00:00.000Z',
    );
    // Summer time on the cutoff's day: 00:00 Paris is 22:00 UTC the day before.
    expect(retentionCutoff(new Date('2026-10-30T03:00:00+01:00'), 7).toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    // 31 March minus one month: the last day of February (leap year).
    expect(retentionCutoff(new Date('2028-03-31T03:00:00+02:00'), 1).toISOString()).toBe(
      '2028-02-28T23:00:00.000Z',
    );
    // 02:30 Paris on 1 January is still 1 January in Paris (31 December in UTC).
    expect(retentionCutoff(new Date('2027-01-01T02:30:00+01:00'), 24).toISOString()).toBe(
      '2024-12-31T23:00:00.000Z',
    );
  });
});

describe('files of the data folder', () => {
  let dir: string;
  const cutoff = new Date('2026-03-14T23:00:00.000Z');
  const old = new Date('2026-01-05T10:00:00.000Z');
  const recent = new Date('2026-06-05T10:00:00.000Z');

  function mail(name: string, receivedAt: Date, key: string, subject = 'Retard') {
    const m = {
      id: name,
      receivedAt: receivedAt.toISOString(),
      from: 'jalons@departement.example',
      to: ['chef-service-insertion@departement.example'],
      subject,
      text: '',
      html: null,
      messageId: null,
      headers: { 'x-jalons-key': key, 'x-jalons-template': 'escalation.orientation' },
    };
    writeFileSync(join(dir, 'mail', `${name}.json`), JSON.stringify(m));
    writeFileSync(join(dir, 'mail', `${name}.eml`), `Subject: ${subject}\r\n\r\n`);
  }
  function file(name: string, content: string, modified: Date) {
    writeFileSync(join(dir, name), content);
    utimesSync(join(dir, name), modified, modified);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jalons-rgpd-'));
    mkdirSync(join(dir, 'mail'));
    mail('m1-old-other', old, 'parcours-RG-OPEN/orientation.local#1:escalation');
    mail('m2-recent-purged', recent, 'parcours-RG-OLD/contract#4:escalation', 'Retard : contrat de RG-OLD');
    mail('m3-recent-twin', recent, 'parcours-RG-OLD-BIS/contract#4:escalation');
    mail('m4-recent-digest', recent, 'digest/ref-1/2026-06-05');
    writeFileSync(join(dir, 'mail', 'm5-damaged.json'), '{ pas du json');
    const rejections = [
      {
        line: 3,
        beneficiaryId: 'RG-OLD',
        flowType: 'ouverture',
        reason: 'taille_foyer : entier de 1 à 99 attendu',
      },
      { line: 7, beneficiaryId: 'RG-OTHER', flowType: 'mutation', reason: 'territoire : requis' },
    ];
    file('flux-2026-01.csv', 'id_pseudonyme;type_flux\n', old);
    file('flux-2026-01.csv.rejets.csv', rejectionCsv(rejections), old);
    file('flux-2026-06.csv.rejets.csv', rejectionCsv([{ ...rejections[0]!, line: 12 }]), recent);
    file(
      'flux-2026-06.csv.reprise.json',
      JSON.stringify({
        version: 1,
        sha256: 'x',
        lastLine: 40,
        rejections: [{ ...rejections[0]!, line: 30 }],
      }),
      recent,
    );
    file('flux-2025-12.csv.reprise.json', JSON.stringify({ version: 1, sha256: 'y', lastLine: 2 }), old);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const listing = () =>
    [...readdirSync(dir), ...readdirSync(join(dir, 'mail')).map((f) => `mail/${f}`)].sort();

  it('a dry run lists mail older than the cutoff or about a purged path, and import reports past retention; deletes nothing', () => {
    const before = listing();
    const files = purgeDataFiles({ dataDir: dir, cutoff, workflowIds: ['parcours-RG-OLD'], dryRun: true });
    expect(files).toEqual({
      mail: [
        'mail/m1-old-other.json',
        'mail/m1-old-other.eml',
        'mail/m2-recent-purged.json',
        'mail/m2-recent-purged.eml',
      ],
      imports: ['flux-2025-12.csv.reprise.json', 'flux-2026-01.csv.rejets.csv'],
    });
    expect(listing()).toEqual(before);
  });

  it('the real run deletes exactly those files; the CAF flow itself, recent files and unreadable ones stay', () => {
    const files = purgeDataFiles({ dataDir: dir, cutoff, workflowIds: ['parcours-RG-OLD'], dryRun: false });
    expect(files.mail).toHaveLength(4);
    expect(listing()).toEqual([
      'flux-2026-01.csv',
      'flux-2026-06.csv.rejets.csv',
      'flux-2026-06.csv.reprise.json',
      'mail',
      'mail/m3-recent-twin.eml',
      'mail/m3-recent-twin.json',
      'mail/m4-recent-digest.eml',
      'mail/m4-recent-digest.json',
      'mail/m5-damaged.json',
    ]);
  });

  it('a data folder that does not exist (a production worker) holds nothing', () => {
    const none = join(dir, 'absent');
    expect(
      purgeDataFiles({ dataDir: none, cutoff, workflowIds: ['parcours-RG-OLD'], dryRun: false }),
    ).toEqual({
      mail: [],
      imports: [],
    });
    expect(fileTracesOf(none, 'RG-OLD')).toEqual({ importRejections: [], mail: [] });
  });

  it('finds the person’s import rejections and mail copies, and nobody else’s', () => {
    expect(fileTracesOf(dir, 'RG-OLD')).toEqual({
      importRejections: [
        {
          file: 'flux-2026-01.csv.rejets.csv',
          line: 3,
          flowType: 'ouverture',
          reason: 'taille_foyer : entier de 1 à 99 attendu',
        },
        {
          file: 'flux-2026-06.csv.rejets.csv',
          line: 12,
          flowType: 'ouverture',
          reason: 'taille_foyer : entier de 1 à 99 attendu',
        },
        {
          file: 'flux-2026-06.csv.reprise.json',
          line: 30,
          flowType: 'ouverture',
          reason: 'taille_foyer : entier de 1 à 99 attendu',
        },
      ],
      mail: [
        {
          file: 'mail/m2-recent-purged.json',
          receivedAt: recent.toISOString(),
          subject: 'Retard : contrat de RG-OLD',
          template: 'escalation.orientation',
        },
      ],
    });
    expect(JSON.stringify(fileTracesOf(dir, 'RG-OLD'))).not.toMatch(/RG-OTHER|RG-OLD-BIS|@/);
  });
});

describe('export document', () => {
  const s = pathFixture('RG-EXP', new Date('2026-01-05T09:00:00+01:00'), {
    referent: 'ref-9',
    rejectedAt: new Date('2026-01-20T10:00:00+01:00'),
    until: new Date('2026-04-01T10:00:00+02:00'),
  });
  s.notifications[0]!.failed =
    'Refus définitif du serveur SMTP (550) : 550 <ref-9@referents.departement.example> inconnu';
  const noFiles = { importRejections: [], mail: [] };

  it('takes the live state first, joins each message to its delivery, masks addresses', () => {
    const first = s.notifications[0]!;
    const exported = assembleExport(
      'RG-EXP',
      { workflow: { status: 'RUNNING', startedAt: s.rightsOpenedAt, closedAt: null }, state: s },
      {
        readModel: {
          workflowId: 'parcours-RG-EXP',
          revision: 3,
          updatedAt: '2026-04-01T08:00:00.000Z',
          state: { ...s, step: 'orientation' },
          outbox: [
            {
              key: `parcours-RG-EXP/${first.id}`,
              template: first.template,
              status: 'failed',
              error: '550 5.1.1 <ref-9@referents.departement.example>: Recipient address rejected',
              createdAt: first.at,
              sentAt: null,
              subject: null,
              body: null,
            },
          ],
          related: {
            monjob_assignments: [
              { beneficiary_id: 'RG-EXP', reason: 'refusé par ref-9@referents.departement.example' },
            ],
          },
        },
        files: noFiles,
      },
      new Date('2026-04-01T10:00:00+02:00'),
    );
    expect(exported?.source).toBe('temporal');
    expect(exported?.path?.step).toBe(s.step);
    expect(exported?.journal).toEqual(s.journal);
    expect(exported?.rejectedEvents).toEqual(s.rejected);
    expect(exported?.notifications.map((n) => n.id)).toEqual(s.notifications.map((n) => n.id));
    expect(exported?.notifications[0]?.delivery).toMatchObject({ status: 'failed', sentAt: null });
    expect(exported?.notifications[1]?.delivery).toBeNull();
    expect(JSON.stringify(exported)).not.toContain('@');
    expect(exported?.readModel?.related).toEqual({
      monjob_assignments: [{ beneficiary_id: 'RG-EXP', reason: 'refusé par [adresse masquée]' }],
    });
  });

  it('falls back on the read model when the workflow is gone; null when nothing is held', () => {
    const record = {
      workflowId: 'parcours-RG-EXP',
      revision: 3,
      updatedAt: 'x',
      state: s,
      outbox: [],
      related: {},
    };
    expect(assembleExport('RG-EXP', null, { readModel: record, files: noFiles })?.source).toBe('read-model');
    expect(assembleExport('RG-EXP', null, { readModel: null, files: noFiles })).toBeNull();
    const traces = {
      importRejections: [{ file: 'f.rejets.csv', line: 2, flowType: null, reason: 'x' }],
      mail: [],
    };
    expect(assembleExport('RG-EXP', null, { readModel: null, files: traces })).toMatchObject({
      source: null,
      path: null,
      files: traces,
    });
  });

  it('accepts pseudonymous ids only, with a French refusal', () => {
    expect(parseBeneficiaryId('RG-EXP')).toBe('RG-EXP');
    expect(() => parseBeneficiaryId('Jean Dupont')).toThrow(ActionRefused);
    expect(() => parseBeneficiaryId('Jean Dupont')).toThrow(
      /Identifiant invalide : identifiant pseudonyme attendu/,
    );
    expect(() => parseBeneficiaryId('../../etc/passwd')).toThrow(/identifiant pseudonyme attendu/);
  });
});
