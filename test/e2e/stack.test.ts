/**
 * The README's first command, as a newcomer runs it: the embedded stack comes
 * up on its own ports, loads the demo, the reminders can be read in the mail
 * page, the first accounts' passwords are in a mode-600 file and the demo's agent
 * sees only its territory; Ctrl-C stops everything; a second run finds its data
 * (and its sessions) and sends nothing twice.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReceivedMail } from '../../dev/mail-sink.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'jalons-stack-'));
const ports = {
  temporal: await freePort(),
  ui: await freePort(),
  smtp: await freePort(),
  mail: await freePort(),
  web: await freePort(),
  codec: await freePort(),
  simulators: await freePort(),
};
const children: ChildProcess[] = [];

function startStack(): { child: ChildProcess; out: () => string; err: () => string; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/cli.ts', 'demarrer'], {
    env: {
      ...process.env,
      JALONS_DATA_DIR: dataDir,
      JALONS_TEMPORAL_PORT: String(ports.temporal),
      JALONS_TEMPORAL_UI_PORT: String(ports.ui),
      SMTP_PORT: String(ports.smtp),
      JALONS_MAIL_UI_PORT: String(ports.mail),
      JALONS_WEB_PORT: String(ports.web),
      JALONS_DEMO_CAF_COUNT: '30',
      JALONS_CODEC_PORT: String(ports.codec),
      JALONS_SIMULATORS_PORT: String(ports.simulators),
      TEMPORAL_ADDRESS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ctrl-C pour tout arrêter')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`la pile s’est arrêtée (code ${code}) : ${err.slice(-2000)}`)),
    );
  });
  return { child, out: () => out, err: () => err, ready };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

/** Logs in through the login form; returns the session cookie. */
async function login(user: string, password: string): Promise<string> {
  const base = `http://127.0.0.1:${ports.web}`;
  const form = await fetch(`${base}/connexion`);
  const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ login: user, password, _csrf: csrf }).toString(),
  });
  expect(res.status).toBe(303);
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

/** `jalons <args>` with the stack's data folder, as a second terminal would run it. */
const cli = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/cli/cli.ts', ...args],
      {
        env: {
          ...process.env,
          JALONS_DATA_DIR: dataDir,
          JALONS_READMODEL_URL: '',
          JALONS_WEB_PORT: String(ports.web),
          JALONS_TEMPORAL_PORT: String(ports.temporal),
          TEMPORAL_ADDRESS: '',
        },
      },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    ),
  );

const messages = async (): Promise<ReceivedMail[]> =>
  (await fetch(`http://127.0.0.1:${ports.mail}/api/messages`)).json() as Promise<ReceivedMail[]>;

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the one-command stack', () => {
  it(
    'comes up with the demo, shows the reminders, stops on Ctrl-C and finds its data again',
    { timeout: 240_000 },
    async () => {
      const first = startStack();
      await first.ready;
      expect(first.out()).toContain(`Interface Temporal     http://127.0.0.1:${ports.ui}`);
      expect(first.out()).toContain(`Courriels envoyés      http://127.0.0.1:${ports.mail}`);
      expect(first.err()).toContain('démo : 5 parcours créés, 0 déjà présents.');

      const page = await (await fetch(`http://127.0.0.1:${ports.mail}/`)).text();
      expect(page).toContain('Rappel : orientation de DEMO-002 à décider avant le');
      expect(page).toContain('Retard : orientation de DEMO-003 non décidée au');
      const sent = await messages();
      const keys = sent.map((m) => m.headers['x-jalons-key']);
      expect(keys).toContain('parcours-DEMO-002/orientation.local#1:reminder:J-3');
      expect(keys).toContain('parcours-DEMO-003/orientation.local#1:escalation');
      expect(keys).toContain('parcours-DEMO-005/orientation.legal#2:escalation');
      expect(keys.filter((k) => k?.startsWith('parcours-DEMO-001/'))).toEqual([]);
      expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
      expect(first.out()).toContain(`Exploitation (web)     http://127.0.0.1:${ports.web}`);
      const passwordFile = join(dataDir, 'admin-password.txt');
      expect(first.out()).toContain(
        `Connexion              comptes créés : admin, agent-lens-lievin — mots de passe dans ${passwordFile}`,
      );
      expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
      const passwords = Object.fromEntries(
        readFileSync(passwordFile, 'utf8')
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => l.split(' ') as [string, string]),
      );
      expect(Object.keys(passwords)).toEqual(['admin', 'agent-lens-lievin']);
      expect((await fetch(`http://127.0.0.1:${ports.web}/`, { redirect: 'manual' })).status).toBe(303);
      const adminCookie = await login('admin', passwords.admin!);
      const dashboard = async (cookie = adminCookie, query = '') =>
        (await fetch(`http://127.0.0.1:${ports.web}/${query}`, { headers: { cookie } })).text();
      // The read model caught up with the demo: DEMO-005 (opened 50 days ago) is late. The demo's CAF
      // flow imports older cases beside it (paged by 50): its territory's list, the latest first.
      const montreuillois = '?territoire=montreuillois&ordre=decroissant';
      let late = '';
      for (let i = 0; i < 30 && !late.includes('/parcours/DEMO-005'); i++) {
        late = await dashboard(adminCookie, montreuillois);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(late).toContain('<a href="/parcours/DEMO-005">DEMO-005</a>');
      // The demo's agent sees its territory (lens-lievin: DEMO-002 is due this week), not the others.
      const agentView = await dashboard(await login('agent-lens-lievin', passwords['agent-lens-lievin']!));
      expect(agentView).toContain('<a href="/parcours/DEMO-002">DEMO-002</a>');
      expect(agentView).not.toContain('DEMO-005');
      expect(agentView).not.toContain('montreuillois');
      // The embedded read model is the stack's alone while it runs: the CLI says so instead of corrupting it.
      const busy = await cli('compte', 'liste');
      expect(busy.code).toBe(3);
      expect(busy.stderr).toContain('est ouvert par la pile');
      // …but the late list is read through the stack's own API: the same list as the page.
      const lateCli = await cli('retards', '--json');
      expect(lateCli.code).toBe(0);
      expect(
        (JSON.parse(lateCli.stdout) as { beneficiaryId: string }[]).map((i) => i.beneficiaryId),
      ).toContain('DEMO-005');
      // The codec server decrypts for the Temporal UI only with its token.
      const decode = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${ports.codec}/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ payloads: [] }),
        });
      expect((await decode({})).status).toBe(401);
      const token = readFileSync(join(dataDir, 'codec-token'), 'utf8');
      expect((await decode({ authorization: `Bearer ${token}` })).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${ports.simulators}/_health`)).status).toBe(200);
      // A demo path's first appointment is a convocation through RDV-Insertion (its simulator, by default).
      const oriented = { track: 'social', organisation: 'cd62', referent: 'ref-1' };
      for (const [type, data] of [
        ['orientation.decided', oriented],
        ['appointment.scheduled', { at: new Date(Date.now() + 7 * 86_400_000).toISOString() }],
      ] as const) {
        const act = await cli('parcours', 'acte', 'DEMO-001', type, '--donnees', JSON.stringify(data));
        expect(act.code, act.stderr).toBe(0);
      }
      const invites = async () =>
        (
          (await (await fetch(`http://127.0.0.1:${ports.simulators}/_rdv-insertion/requests`)).json()) as {
            operation: string;
            status: number;
          }[]
        ).filter((r) => r.operation === 'invite' && r.status === 200);
      for (let i = 0; i < 40 && (await invites()).length === 0; i++)
        await new Promise((r) => setTimeout(r, 250));
      const [invite] = (await invites()) as unknown as { path: string }[];
      // …and RDV-Insertion's signed webhook (the appointment honoured) reaches the web app.
      const seen = await fetch(`http://127.0.0.1:${ports.simulators}/_rdv-insertion/participations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          userId: Number(/users\/(\d+)\/invite/.exec(invite!.path)![1]),
          departmentInternalId: 'DEMO-001',
          status: 'seen',
          startsAt: new Date().toISOString(),
        }),
      });
      expect(await seen.json()).toMatchObject({ status: 200, body: { recu: [{ resultat: 'applied' }] } });

      // The demo's CAF flow is imported in the background.
      for (let i = 0; i < 120 && !first.err().includes('démo : flux CAF importé'); i++)
        await new Promise((r) => setTimeout(r, 500));
      expect(first.err()).toMatch(/démo : flux CAF importé — \d+ créés, 0 déjà présents/);
      expect(await stop(first.child)).toBe(0);
      expect(first.err()).toContain('arrêté. Les données restent dans');

      const second = startStack();
      await second.ready;
      expect(second.err()).toContain('démo : 0 parcours créés, 5 déjà présents.');
      await new Promise((r) => setTimeout(r, 3_000));
      // Nothing sent twice across the restart (the demo's and the CAF flow's messages alike).
      const after = (await messages()).map((m) => m.headers['x-jalons-key']);
      expect(new Set(after).size).toBe(after.length);
      expect(after).toEqual(expect.arrayContaining(keys));
      expect(second.out()).toContain(`Connexion              admin — mots de passe dans ${passwordFile}`);
      // The embedded read model kept its data across the restart, and the session key its sessions.
      expect(await dashboard()).toContain('<a href="/parcours/DEMO-005">DEMO-005</a>');
      expect(await stop(second.child)).toBe(0);
      // Stack stopped: the CLI manages the accounts.
      const list = await cli('compte', 'liste');
      expect(list).toMatchObject({ code: 0 });
    },
  );
});
