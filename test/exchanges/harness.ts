/**
 * What the exchanges' tests run on: a Temporal server (time-skipping or dev),
 * the real worker with every real activity, the partner simulators (France
 * Travail's exchange, the catalogue, MonJob62…) over HTTP, the SMTP sink, an
 * embedded read model.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { loadDirectory } from '../../activities/notifications/directory.js';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { MailSink, type ReceivedMail } from '../../dev/mail-sink.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import { smtpTransport } from '../../workers/worker.js';
import { testWorker } from '../support/temporal.js';

export interface Harness {
  env: TestWorkflowEnvironment;
  sims: PartnerSimulators;
  sink: MailSink;
  db: ReadModelDb;
  worker: Worker;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startHarness(env: TestWorkflowEnvironment, taskQueue: string): Promise<Harness> {
  const sims = await PartnerSimulators.start({ holdMs: 2_000 });
  const sink = await MailSink.start({ smtpPort: 0 });
  const db = await openReadModel('memory:');
  const activities = createActivities({
    transport: smtpTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined }),
    directory: loadDirectory('config/directory.json'),
    readModel: () => Promise.resolve(db),
    partners: sims.config({ timeoutMs: 2_000 }),
  });
  const worker = await testWorker(env, activities, { taskQueue });
  const running = worker.run();
  return {
    env,
    sims,
    sink,
    db,
    worker,
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await db.close();
      await sink.close();
      await sims.close();
    },
  };
}

/** Messages of one template, oldest first. */
export const mails = (sink: MailSink, template: string): ReceivedMail[] =>
  sink.messages().filter((m) => m.headers['x-jalons-template'] === template);

/** Polls `check` (250 ms) until it holds, for at most `ms`. */
export async function until(check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition non remplie en ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A person's browser over plain HTTP: keeps its cookies, follows no redirect. */
export class Visitor {
  constructor(private readonly base: string) {}
  cookies = new Map<string, string>();
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [name, ...value] = c.split(';')[0]!.split('=');
      if (value.join('=') === '' || /max-age=0/i.test(c)) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
    return res;
  }
  async page(path: string): Promise<{ status: number; text: string; csrf: string }> {
    const res = await this.fetch(path);
    const text = await res.text();
    return { status: res.status, text, csrf: /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? '' };
  }
  async post(path: string, fields: [string, string][]): Promise<{ status: number; text: string }> {
    const res = await this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, text: await res.text() };
  }
}

/** Signs in through the login page (CSRF token and session cookie), as a person does. */
export async function signIn(base: string, login: string, password: string): Promise<Visitor> {
  const v = new Visitor(base);
  const { csrf } = await v.page('/connexion');
  const res = await v.fetch('/connexion', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password, _csrf: csrf, suite: '/' }).toString(),
  });
  if (res.status !== 303) throw new Error(`connexion refusée (${res.status})`);
  return v;
}

/** The alerts and notices of a page, as the person reads them. */
export const alerts = (text: string): string[] =>
  [...text.matchAll(/<div class="(alert|notice)" role="(?:alert|status)">([\s\S]*?)<\/div>/g)].map((m) =>
    m[2]!
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
