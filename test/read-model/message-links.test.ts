/**
 * Every message about a path links to its case, a grant's to its cycle, and the
 * référents' digest links each line (issue 17, point 4): the real activities
 * send through SMTP to the real sink (dev/mail-sink.ts), which parses the
 * message as a mail client would; the digest reads a real read model (PGlite)
 * in which its paths were recorded by the read model's own writer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSink, type ReceivedMail } from '../../dev/mail-sink.js';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { recordPath } from '../../store/record.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import { loadDirectory } from '../../activities/notifications/directory.js';
import { createNotificationActivities } from '../../activities/notifications/notifications.js';
import { createDigestActivities } from '../../activities/notifications/digest.js';
import { publicUrlFromEnv } from '../../activities/notifications/links.js';
import { smtpTransport } from '../../workers/worker.js';

const PUBLIC = 'https://jalons.departement.example';
const DAY = 86_400_000;
let sink: MailSink;
let db: ReadModelDb;
let notifications: ReturnType<typeof createNotificationActivities>;

beforeAll(async () => {
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  notifications = createNotificationActivities({
    transport: smtpTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined }),
    directory: loadDirectory('config/directory.json'),
    readModel: async () => db,
    publicUrl: PUBLIC,
  });
});
afterAll(async () => {
  await db?.close();
  await sink?.close();
});

async function received(key: string): Promise<ReceivedMail> {
  const mails = await sink.waitFor((all) => all.some((m) => m.headers['x-jalons-key'] === key));
  return mails.find((m) => m.headers['x-jalons-key'] === key)!;
}

describe('messages link to their page in the web app', () => {
  it('a reminder about a path links to /parcours/<id>, in its text and as an HTML link', async () => {
    await notifications.sendNotification({
      key: 'parcours-LNK-001/first-appointment#1:J-3',
      template: 'reminder.first-appointment',
      to: { referent: 'ref-1' },
      data: {
        beneficiaryId: 'LNK-001',
        territory: 'lens-lievin',
        deadline: 'first-appointment',
        dueAt: '2026-03-02T22:59:59.999Z',
      },
    });
    const mail = await received('parcours-LNK-001/first-appointment#1:J-3');
    expect(mail.text).toContain(`Ouvrir le dossier : ${PUBLIC}/parcours/LNK-001`);
    expect(mail.html).toContain(`<a href="${PUBLIC}/parcours/LNK-001">`);
  });

  it('a grant milestone links to /subventions/<id>', async () => {
    await notifications.sendNotification({
      key: 'subvention-G-LNK/transmission:J-7',
      template: 'escalation.grant-milestone',
      to: { role: 'grants-team' },
      data: {
        grantId: 'G-LNK',
        programmeTitle: 'AMI CNSA',
        milestone: 'transmission',
        milestoneTitle: 'Transmission du dossier',
        dueAt: '2026-03-02T16:00:00.000Z',
        consequence: 'Le dossier ne serait pas recevable.',
      },
    });
    const mail = await received('subvention-G-LNK/transmission:J-7');
    expect(mail.text).toContain(`Ouvrir la subvention : ${PUBLIC}/subventions/G-LNK`);
  });

  it('the référents’ digest links each line to its case, and the whole list', async () => {
    // Two paths of ref-5, oriented 20 and 10 days ago, recorded as the read model's writer records
    // them: the first appointment is late on one (its timer fired: breached), due in 5 days on the other.
    const now = new Date();
    for (const [id, daysAgo] of [
      ['LNK-010', 20],
      ['LNK-011', 10],
    ] as const) {
      const opened = newPathState({
        beneficiaryId: id,
        rightsOpenedAt: new Date(now.getTime() - (daysAgo + 1) * DAY).toISOString(),
        territory: 'lens-lievin',
      });
      const state = applyPathEvent(
        opened,
        {
          type: 'orientation.decided',
          at: new Date(now.getTime() - daysAgo * DAY).toISOString(),
          data: { track: 'social', organisation: 'cd62', referent: 'ref-5' },
        },
        now,
      );
      for (const d of state.deadlines) if (d.kind === 'first-appointment') d.breached = daysAgo > 15;
      await recordPath(db, { workflowId: `parcours-${id}`, revision: 1, state });
    }
    const digest = createDigestActivities({
      readModel: async () => db,
      send: notifications.sendNotification,
    });
    expect(await digest.sendReferentDigest({ at: now.toISOString(), referent: 'ref-5' })).toEqual({
      sent: true,
    });
    const mail = (
      await sink.waitFor((all) => all.some((m) => m.to.includes('ref-5@referents.departement.example')))
    ).find((m) => m.to.includes('ref-5@referents.departement.example'))!;
    expect(mail.text).toMatch(new RegExp(`• LNK-010 — .* : ${PUBLIC}/parcours/LNK-010`));
    expect(mail.text).toMatch(new RegExp(`• LNK-011 — .* : ${PUBLIC}/parcours/LNK-011`));
    expect(mail.text).toContain(`Toutes vos échéances : ${PUBLIC}/?referent=ref-5`);
    expect(mail.html).toContain(`<a href="${PUBLIC}/parcours/LNK-010">`);
  });

  it('the public address comes from JALONS_PUBLIC_URL, else the embedded stack’s web port; a wrong one is refused in French', () => {
    expect(publicUrlFromEnv({})).toBe('http://127.0.0.1:8080');
    expect(publicUrlFromEnv({ JALONS_WEB_PORT: '9090' })).toBe('http://127.0.0.1:9090');
    expect(publicUrlFromEnv({ JALONS_PUBLIC_URL: 'https://jalons.cd62.fr/' })).toBe('https://jalons.cd62.fr');
    expect(() => publicUrlFromEnv({ JALONS_PUBLIC_URL: 'jalons.cd62.fr' })).toThrow(
      'JALONS_PUBLIC_URL : adresse http(s) attendue',
    );
  });
});
