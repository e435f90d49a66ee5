/**
 * The embedded stack's SMTP sink: a real SMTP server (smtp-server) that keeps
 * every message it receives on disk and shows them on a web page, in French.
 * Production uses the Département's SMTP relay instead.
 */
import { escapeHtml } from '../domain/html.js';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  messageId: string | null;
  headers: Record<string, string>;
  /** Attached files (a letter's PDF: docs/courriers.md), their content in base64. */
  attachments?: { filename: string; contentType: string; size: number; content: string }[];
}

export interface MailSinkOptions {
  host?: string;
  smtpPort: number;
  /** Web page port; omit for no page. */
  httpPort?: number;
  /** Folder where messages survive a restart; omit to keep them in memory. */
  dir?: string;
  /** Recipients refused with a permanent 550, to exercise bounces. */
  rejectRecipients?: RegExp;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? '')).filter(Boolean);

export class MailSink {
  private readonly mails: ReceivedMail[] = [];
  private readonly waiters = new Set<() => void>();
  private smtp!: SMTPServer;
  private http: FastifyInstance | null = null;
  smtpPort = 0;
  httpPort = 0;

  private constructor(private readonly options: MailSinkOptions) {}

  static async start(options: MailSinkOptions): Promise<MailSink> {
    const sink = new MailSink(options);
    sink.load();
    await sink.listenSmtp();
    if (options.httpPort !== undefined) await sink.listenHttp(options.httpPort);
    return sink;
  }

  messages(): ReceivedMail[] {
    return [...this.mails];
  }

  /** Resolves with the messages once `predicate` holds, or rejects after `timeoutMs`. */
  async waitFor(predicate: (mails: ReceivedMail[]) => boolean, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    if (predicate(this.mails)) return this.messages();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.mails)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.messages());
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`aucun message attendu reçu en ${timeoutMs} ms (${this.mails.length} reçus)`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    await this.http?.close();
    await new Promise<void>((resolve) => this.smtp.close(() => resolve()));
  }

  private load(): void {
    if (!this.options.dir) return;
    mkdirSync(this.options.dir, { recursive: true });
    for (const f of readdirSync(this.options.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      this.mails.push(JSON.parse(readFileSync(join(this.options.dir, f), 'utf8')) as ReceivedMail);
    }
  }

  private async store(raw: Buffer): Promise<void> {
    const parsed = await simpleParser(raw);
    const receivedAt = new Date().toISOString();
    const mail: ReceivedMail = {
      id: `${receivedAt.replace(/[:.]/g, '-')}-${this.mails.length.toString().padStart(6, '0')}`,
      receivedAt,
      from: addresses(parsed.from)[0] ?? '',
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : null,
      messageId: parsed.messageId ?? null,
      headers: Object.fromEntries(
        [...parsed.headers].map(([k, v]) => [
          k,
          String(typeof v === 'object' && v && 'text' in v ? v.text : v),
        ]),
      ),
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename ?? '',
        contentType: a.contentType,
        size: a.size,
        content: a.content.toString('base64'),
      })),
    };
    if (this.options.dir) {
      writeFileSync(join(this.options.dir, `${mail.id}.eml`), raw);
      writeFileSync(join(this.options.dir, `${mail.id}.json`), JSON.stringify(mail, null, 2));
    }
    this.mails.push(mail);
    for (const w of [...this.waiters]) w();
  }

  private listenSmtp(): Promise<void> {
    const { rejectRecipients } = this.options;
    this.smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      banner: 'Jalons — boîte de réception de développement',
      logger: false,
      onRcptTo(address, _session, callback) {
        if (rejectRecipients?.test(address.address)) {
          return callback(Object.assign(new Error('Destinataire inconnu'), { responseCode: 550 }));
        }
        callback();
      },
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.store(Buffer.concat(chunks)).then(() => callback(), callback);
        });
      },
    });
    return new Promise((resolve, reject) => {
      this.smtp.once('error', reject);
      this.smtp.listen(this.options.smtpPort, this.options.host ?? '127.0.0.1', () => {
        const addr = this.smtp.server.address();
        this.smtpPort = typeof addr === 'object' && addr ? addr.port : this.options.smtpPort;
        resolve();
      });
    });
  }

  private async listenHttp(port: number): Promise<void> {
    const app = Fastify({ logger: false });
    app.get('/api/messages', async () => this.messages());
    app.get('/', async (_req, reply) => {
      const rows = [...this.mails]
        .reverse()
        .map(
          (m) =>
            `<tr><td>${escapeHtml(new Date(m.receivedAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }))}</td>` +
            `<td>${escapeHtml(m.to.join(', '))}</td><td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject)}</a></td></tr>`,
        )
        .join('');
      return reply
        .type('text/html; charset=utf-8')
        .send(
          layout(
            'Courriels envoyés par Jalons',
            `<p>${this.mails.length} message(s) reçu(s) par la boîte de développement.</p>` +
              `<table><caption class="sr">Messages reçus, du plus récent au plus ancien</caption><thead><tr><th scope="col">Reçu le</th><th scope="col">Destinataires</th><th scope="col">Objet</th></tr></thead><tbody>${rows}</tbody></table>`,
          ),
        );
    });
    app.get<{ Params: { id: string } }>('/messages/:id', async (req, reply) => {
      const m = this.mails.find((x) => x.id === req.params.id);
      if (!m)
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(layout('Message introuvable', '<p><a href="/">Retour à la liste</a></p>'));
      return reply
        .type('text/html; charset=utf-8')
        .send(
          layout(
            m.subject,
            `<p><a href="/">← Tous les messages</a></p><dl><dt>De</dt><dd>${escapeHtml(m.from)}</dd><dt>À</dt><dd>${escapeHtml(m.to.join(', '))}</dd>` +
              `<dt>Reçu le</dt><dd>${escapeHtml(new Date(m.receivedAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }))}</dd></dl>` +
              `<h2>Texte</h2><pre>${escapeHtml(m.text)}</pre>` +
              (m.html
                ? `<h2>HTML</h2><iframe title="Version HTML du message" sandbox="" srcdoc="${escapeHtml(m.html)}"></iframe>`
                : ''),
          ),
        );
    });
    await app.listen({ port, host: this.options.host ?? '127.0.0.1' });
    const addr = app.server.address();
    this.httpPort = typeof addr === 'object' && addr ? addr.port : port;
    this.http = app;
  }
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)} — Jalons</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#161616}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ccc}a{color:#000091}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}
iframe{width:100%;height:24rem;border:1px solid #ccc}.sr{position:absolute;left:-9999px}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}
