/**
 * The letters the law requires, on the real workflow, activities, read model and
 * SMTP sink (docs/courriers.md), the time-skipping server's clock on real Paris
 * dates: the read model keeps a letter for each event that calls for one; the
 * mail room's batch prints them into one PDF whose text is read back, and
 * records them sent; the receipt of the notice moves the 10 days, so the
 * window's closing message goes after the new end, not the assumed one; the
 * decision leaves by e-mail to the mail room with its PDF attached, once; the
 * RGPD export holds the letters and the purge removes them.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSink } from '../../dev/mail-sink.js';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathEventInput } from '../../domain/path/path-events.js';
import type { PathState } from '../../domain/path/path.js';
import { letterLookFromEnv } from '../../services/letter-pdf.js';
import { emailLetters, printBatch } from '../../services/letters.js';
import { actOnPath } from '../../services/paths.js';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { lettersOf, type LetterRow } from '../../store/letters.js';
import { purgeExpiredBatch, readModelRecord } from '../../store/retention.js';
import { activitiesFor } from '../../workers/worker.js';
import { startWebApp } from '../../apps/web/server.js';
import { createAccount } from '../../store/accounts.js';
import { randomBytes } from 'node:crypto';
import { beneficiaryPath, stateQuery } from '../../workflows/path/path.js';
import { advanceTo, testWorker, timeSkippingEnv } from '../support/temporal.js';

const ID = 'T-LET-1';
const PASSWORD = 'mot de passe de test assez long';
const WF = pathWorkflowId(ID);
let env: TestWorkflowEnvironment;
let db: ReadModelDb;
let sink: MailSink;
let worker: Worker;
let running: Promise<void>;
const look = letterLookFromEnv({ JALONS_DEPARTEMENT_NOM: 'Département du Pas-de-Calais' });

beforeAll(async () => {
  // Monday 2 March 2026, 09:00 Paris.
  env = await timeSkippingEnv(new Date('2026-03-02T09:00:00+01:00'));
  db = await openReadModel('memory:');
  sink = await MailSink.start({ smtpPort: 0 });
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db));
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await sink?.close();
  await db?.close();
});

const act = (event: PathEventInput): Promise<PathState> => actOnPath(env.client, ID, event);
const now = async () => new Date(await env.currentTimeMs());

/** The read model's letters once `ready` holds (it is written beside the workflow's loop). */
async function letters(ready: (rows: LetterRow[]) => boolean): Promise<LetterRow[]> {
  for (let i = 0; i < 200; i++) {
    const rows = await lettersOf(db, WF);
    if (ready(rows)) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`courriers du modèle de lecture : ${JSON.stringify(await lettersOf(db, WF))}`);
}

async function pdfText(pdf: Uint8Array): Promise<string[]> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: false });
  // Lines wrap where the page ends (after a hyphen too): the words are compared, not the lines.
  return text.map((page) => page.replace(/\s+/g, ' ').replace(/(\p{L})- (\p{L})/gu, '$1-$2'));
}

/** Signs in through the login form (CSRF token, session cookie); returns a fetch with the session. */
async function signedIn(
  base: string,
  login: string,
): Promise<(path: string, init?: RequestInit) => Promise<Response>> {
  let cookie = '';
  const get = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie },
    });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    if (set.length)
      cookie = [
        ...new Map([...cookie.split('; '), ...set].filter(Boolean).map((c) => [c.split('=')[0], c])).values(),
      ].join('; ');
    return res;
  };
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await get('/connexion')).text())?.[1] ?? '';
  const res = await get('/connexion', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password: PASSWORD, _csrf: csrf, suite: '/' }).toString(),
  });
  expect(res.status).toBe(303);
  return get;
}

/** The case page's « Courriers » section and each PDF, within the account's perimeter only. */
async function caseSection(kept: LetterRow[]): Promise<void> {
  const web = await startWebApp({ client: env.client, db, port: 0, sessionKeys: [randomBytes(32)] });
  try {
    const base = `http://127.0.0.1:${web.port}`;
    for (const [login, territories] of [
      ['agent-lens', ['lens-lievin']],
      ['agent-audo', ['audomarois']],
    ] as const)
      await createAccount(
        db,
        { login, role: 'agent', territories: [...territories], password: PASSWORD },
        { channel: 'cli' },
      );
    const lens = await signedIn(base, 'agent-lens');
    const page = await (await lens(`/parcours/${ID}`)).text();
    expect(page).toContain('<h2 id="courriers">Courriers</h2>');
    for (const l of kept) expect(page).toContain(`href="/parcours/${ID}/courriers/${l.ref}.pdf"`);
    expect(page).toContain('03/03/2026 à 09:00 (courrier postal)');
    expect(page).toContain('06/03/2026 à 11:00');
    // The orientation's letter awaits its receipt: one form in its row records it.
    expect(page).toContain(`<label for="recu-${kept[0]!.ref}">Reçu le (heure de Paris)</label>`);
    expect(page).not.toContain(`id="recu-${kept[1]!.ref}"`);
    const form =
      /<form method="post" action="\/parcours\/T-LET-1\/actes" class="receipt">([\s\S]*?)<\/form>/.exec(
        page,
      )![1]!;
    const fields = Object.fromEntries(
      [...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    expect(fields).toMatchObject({ type: 'letter.received', letter: 'orientation', ref: kept[0]!.ref });
    const posted = await lens(`/parcours/${ID}/actes`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, dateActe: '2026-03-05T10:00:00' }).toString(),
    });
    expect(posted.status).toBe(303);
    const letters = (await env.client.workflow.getHandle(WF).query(stateQuery)).letters ?? [];
    expect(letters.find((l) => l.ref === kept[0]!.ref)?.receivedAt).toBe('2026-03-05T09:00:00.000Z');
    const pdf = await lens(`/parcours/${ID}/courriers/${kept[1]!.ref}.pdf`);
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    const [text] = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain('Référence : T-LET-1-AS-5');
    expect((await lens(`/parcours/${ID}/courriers/T-LET-2-AS-5.pdf`)).status).toBe(404);
    const audo = await signedIn(base, 'agent-audo');
    expect((await audo(`/parcours/${ID}/courriers/${kept[1]!.ref}.pdf`)).status).toBe(404);
  } finally {
    await web.app.close();
  }
}

describe('the letters of a sanction procedure', () => {
  it('keeps, prints, records, moves the 10 days at the receipt, e-mails, exports and purges', async () => {
    await env.client.workflow.start(beneficiaryPath, {
      args: [{ beneficiaryId: ID, rightsOpenedAt: '2026-01-05T09:00:00+01:00', territory: 'lens-lievin' }],
      workflowId: WF,
      taskQueue: worker.options.taskQueue,
    });
    const orientation = { track: 'socio-professional', organisation: 'cd62', referent: 'ref-42' } as const;
    await act({ type: 'orientation.decided', at: '2026-01-12T10:00:00+01:00', data: orientation });
    await act({ type: 'appointment.attended', at: '2026-01-20T14:00:00+01:00' });
    await act({ type: 'diagnostic.completed', at: '2026-01-20T15:00:00+01:00', data: { barriers: [] } });
    await act({
      type: 'contract.signed',
      at: '2026-02-02T10:00:00+01:00',
      data: { weeklyHours: 15, intensive: false },
    });
    await act({
      type: 'breach.reported',
      at: await advanceTo(env, '2026-03-02T10:00:00+01:00'),
      data: { kind: 'obligations' },
    });
    const kept = await letters((r) => r.length === 2);
    expect(kept.map((l) => [l.ref, l.letter, l.sentAt])).toEqual([
      ['T-LET-1-OR-1', 'orientation', null],
      ['T-LET-1-AS-5', 'sanction-notice', null],
    ]);

    // Tuesday 3 March, 09:00: the mail room prints the batch.
    await advanceTo(env, '2026-03-03T09:00:00+01:00');
    const batchAt = await now();
    const batch = await printBatch(db, env.client, { look, at: batchAt, by: 'courrier' });
    expect(batch.printed.map((o) => [o.ref, o.refused])).toEqual([
      ['T-LET-1-OR-1', null],
      ['T-LET-1-AS-5', null],
    ]);
    const [orientationPage, noticePage] = await pdfText(batch.pdf!);
    expect(orientationPage).toContain('Référence : T-LET-1-OR-1');
    expect(orientationPage).toContain(
      'vous a orienté(e) vers un parcours socio-professionnel. Votre accompagnement est confié à : Département du Pas-de-Calais (service insertion).',
    );
    expect(orientationPage).toContain(
      'Recours administratif préalable obligatoire : dans un délai de 2 mois',
    );
    expect(noticePage).toContain('Référence : T-LET-1-AS-5');
    expect(noticePage).toContain(
      'Le 02/03/2026, nous avons constaté le non-respect des engagements de votre contrat d’engagement.',
    );
    expect(noticePage).toContain(
      'décider une suspension d’au moins 30 % de votre allocation pendant 1 à 2 mois. Aucune décision n’est prise à ce jour.',
    );
    expect(noticePage).toContain(
      'Vous disposez d’un délai de 10 jours à compter de la réception de ce courrier pour présenter vos observations écrites.',
    );
    expect(noticePage).toContain('Vous pouvez demander, dans le même délai, à être entendu(e)');
    expect(noticePage).toContain('Vous pouvez vous faire assister de la personne de votre choix');
    expect(noticePage).toContain('Jalons ne détient aucune donnée d’identité');
    const printed = await letters((r) => r.every((l) => l.sentAt !== null));
    expect(printed.map((l) => [l.channel, l.sentAt, l.batch, l.hasPdf])).toEqual([
      ['post', batchAt.toISOString(), 'lot-20260303-0800', true],
      ['post', batchAt.toISOString(), 'lot-20260303-0800', true],
    ]);
    // Run again: nothing awaits, nothing is printed or recorded twice.
    const again = await printBatch(db, env.client, { look, at: await now() });
    expect([again.pdf, again.printed, again.resumed]).toEqual([null, [], []]);

    // Friday 6 March 11:00, the acknowledgement of receipt: 6 + 10 days = Monday 16 March, to its end.
    const received = await act({
      type: 'letter.received',
      at: await advanceTo(env, '2026-03-06T11:00:00+01:00'),
      data: { letter: 'sanction-notice', ref: 'T-LET-1-AS-5' },
    });
    expect(received.procedure?.observationsDue).toBe('2026-03-16T22:59:59.999Z');
    await letters((r) => r[1]?.receivedAt === '2026-03-06T10:00:00.000Z');

    // The assumed window (to 12 March) would have told the decider on Friday 13 March: nothing goes.
    const closing = (s: PathState) => s.notifications.filter((n) => n.id.endsWith(':closed'));
    await advanceTo(env, '2026-03-16T23:59:59+01:00');
    const handle = env.client.workflow.getHandle(WF);
    expect(closing(await handle.query(stateQuery))).toEqual([]);
    // The new window's end: the next opening, Tuesday 17 March 09:00 Paris.
    await advanceTo(env, '2026-03-17T09:00:01+01:00');
    let state = await handle.query(stateQuery);
    for (let i = 0; i < 100 && closing(state).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await handle.query(stateQuery);
    }
    expect(closing(state).map((n) => [n.template, n.at])).toEqual([
      ['decision.sanction', '2026-03-17T08:00:00.000Z'],
    ]);

    // The decision, then its letter by e-mail to the mail room, the PDF attached.
    state = await act({
      type: 'sanction.decided',
      at: (await now()).toISOString(),
      data: { rate: 0.3, months: 1 },
    });
    const ref = `T-LET-1-DS-${state.seq}`;
    await letters((r) => r.length === 3);
    const sent = await emailLetters(db, env.client, { look, at: await now() });
    expect(sent.map((o) => [o.ref, o.refused])).toEqual([[ref, null]]);
    // The path sends it through its outbox, at once (Tuesday 09:00, business hours).
    const key = `${WF}/courrier:${ref}`;
    await sink.waitFor((all) => all.some((m) => m.headers['x-jalons-key'] === key));
    // Run again before the read model has caught up: the same event id, nothing sent twice.
    await emailLetters(db, env.client, { look, at: await now() });
    await letters((r) => r[2]?.sentAt !== null && r[2]?.sentAt !== undefined);
    await emailLetters(db, env.client, { look, at: await now() });
    const mails = sink.messages().filter((m) => m.headers['x-jalons-key'] === key);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['courrier@departement.example']);
    expect(mails[0]!.subject).toBe(`[Jalons] Courrier à adresser : Décision de sanction ${ref}`);
    const [attached] = mails[0]!.attachments ?? [];
    expect([attached?.filename, attached?.contentType]).toEqual([`courrier-${ref}.pdf`, 'application/pdf']);
    const [decision] = await pdfText(new Uint8Array(Buffer.from(attached!.content, 'base64')));
    expect(decision).toContain(
      'a décidé la suspension de votre allocation de 30 % pour une durée de 1 mois, à compter du 17/03/2026 et jusqu’au 17/04/2026.',
    );
    expect(decision).toContain('auprès du Président du Conseil départemental');
    expect(decision).toContain('devant le tribunal administratif dans un délai de deux mois');
    const withEmail = await letters((r) => r[2]?.sentAt !== null && r[2]?.sentAt !== undefined);
    expect(withEmail[2]!.channel).toBe('email');

    await caseSection(withEmail);

    // RGPD: the export holds the three letters with their PDF; the purge takes them with the path.
    const exported = await readModelRecord(db, WF, ID);
    expect((exported?.related.letters ?? []).map((l) => [l.ref, typeof l.pdf])).toEqual([
      ['T-LET-1-OR-1', 'string'],
      ['T-LET-1-AS-5', 'string'],
      [ref, 'string'],
    ]);
    await act({ type: 'rights.ended', at: (await now()).toISOString(), data: { reason: 'moved-out' } });
    await handle.result();
    for (
      let i = 0;
      i < 100 &&
      (await db.query(`select 1 from paths where workflow_id = $1 and status = 'closed'`, [WF])).length === 0;
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    const purged = await purgeExpiredBatch(db, { cutoff: new Date('2030-01-01T00:00:00Z'), dryRun: false });
    expect(purged.counts.letters).toBe(3);
    expect(await db.query('select ref from letters')).toEqual([]);
  });
});
