/**
 * Stand-ins for the insertion network's other systems (issue 9), plugged into
 * the partner simulators (dev/simulators/server.ts: same token, idempotency, fault
 * injection and records):
 * - `ft-exchange`: France Travail's secure file exchange. A deposit is checked
 *   (SHA-256) and kept; asking its status processes it like France Travail would
 *   (header, each line, line count) — or not at all in `silent` mode;
 * - `catalogue`: the offer catalogue, with a realistic sample (catalogue-sample.ts);
 * - `monjob`: MonJob62, which keeps the events it receives (once per `eventId`)
 *   and serves the référent assignments a test or a person adds.
 *
 * Control routes (no token, local use only): `GET /_ft-exchange/deposits`,
 * `PUT /_ft-exchange/mode`, `GET /_monjob/events`, `POST /_monjob/assignments`.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { validServices, type CatalogueService } from '../../partners/catalogue.js';
import type { MonjobEvent } from '../../partners/monjob.js';
import { weeklyListColumns, weeklyListLineSchema } from '../../domain/exchanges/weekly-list.js';
import { frenchIssues, z } from '../../domain/validation.js';
import { sampleCatalogue } from './catalogue-sample.js';

interface Outcome {
  status: number;
  body: unknown;
}
type Handler = (body: never) => Outcome;

export type AcknowledgementMode = 'process' | 'silent' | 'reject';

export interface Deposit {
  depositId: string;
  fileName: string;
  week: string;
  rows: number;
  content: string;
  receivedAt: string;
  status: 'received' | 'accepted' | 'rejected';
  processedAt: string | null;
  message: string | null;
}

const modeSchema = z
  .object({ mode: z.enum(['process', 'silent', 'reject']), message: z.string().min(1).optional() })
  .strict();

/** Lower case, without accents: how a person expects a search to match. */
const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

export class ExchangeSimulators {
  private counters = new Map<string, number>();
  private depositsById = new Map<string, Deposit>();
  private ackMode: AcknowledgementMode = 'process';
  private rejectMessage = 'fichier refusé (refus simulé)';
  /** The catalogue as served: valid services, or anything a test puts there. */
  private catalogue: unknown[] = sampleCatalogue();
  private received = new Map<string, MonjobEvent>();
  private assignmentList: unknown[] = [];

  reset(): void {
    this.counters.clear();
    this.depositsById.clear();
    this.ackMode = 'process';
    this.catalogue = sampleCatalogue();
    this.received.clear();
    this.assignmentList = [];
  }

  /** How France Travail treats deposits when their status is asked. */
  setAcknowledgementMode(mode: AcknowledgementMode, message?: string): void {
    this.ackMode = mode;
    if (message) this.rejectMessage = message;
  }

  deposits(): Deposit[] {
    return [...this.depositsById.values()].map((d) => ({ ...d }));
  }

  /** Replaces the catalogue (items are served as given, valid or not). */
  setCatalogue(items: unknown[]): void {
    this.catalogue = [...items];
  }

  /** Events MonJob62 received, in order of arrival, once each. */
  monjobEvents(): MonjobEvent[] {
    return [...this.received.values()];
  }

  /** Assignments decided in MonJob62, served in this order (items are served as given). */
  addAssignments(items: unknown[]): void {
    this.assignmentList.push(...items);
  }

  handlers(): Record<'ft-exchange' | 'catalogue' | 'monjob', Record<string, Handler>> {
    return {
      'ft-exchange': {
        deposit: (b: { fileName: string; week: string; sha256: string; rows: number; content: string }) =>
          this.deposit(b),
        depositStatus: (b: { depositId: string }) => this.depositStatus(b.depositId),
      },
      catalogue: {
        search: (b: {
          territoire?: string;
          thematique?: string;
          texte?: string;
          page: number;
          par_page: number;
        }) => this.search(b),
        lookup: (b: { ids: string[] }) => {
          const byId = new Map(this.catalogue.map((s) => [(s as { id?: string }).id, s]));
          return {
            status: 200,
            body: {
              services: b.ids.filter((id) => byId.has(id)).map((id) => byId.get(id)),
              missing: b.ids.filter((id) => !byId.has(id)),
            },
          };
        },
      },
      monjob: {
        pushEvents: (b: { events: MonjobEvent[] }) => {
          let duplicates = 0;
          for (const e of b.events)
            if (this.received.has(e.eventId)) duplicates++;
            else this.received.set(e.eventId, e);
          return { status: 200, body: { accepted: b.events.length - duplicates, duplicates } };
        },
        assignments: (b: { after: string | null; limit: number }) => {
          const start = b.after ? Number(b.after.replace(/^c-/, '')) : 0;
          const page = this.assignmentList.slice(start, start + b.limit);
          const end = start + page.length;
          return {
            status: 200,
            body: {
              assignments: page,
              cursor: end > 0 ? `c-${end}` : null,
              hasMore: end < this.assignmentList.length,
            },
          };
        },
      },
    };
  }

  controlRoutes(app: FastifyInstance): void {
    app.get('/_ft-exchange/deposits', async () => this.deposits());
    app.put('/_ft-exchange/mode', async (req, reply) => {
      const body = modeSchema.safeParse(req.body);
      if (!body.success) return reply.code(400).send({ message: frenchIssues(body.error) });
      this.setAcknowledgementMode(body.data.mode, body.data.message);
      return { mode: this.ackMode };
    });
    app.get('/_monjob/events', async () => this.monjobEvents());
    app.post('/_monjob/assignments', async (req, reply) => {
      if (!Array.isArray(req.body)) return reply.code(400).send({ message: 'liste d’affectations attendue' });
      this.addAssignments(req.body);
      return reply.code(201).send({ count: this.assignmentList.length });
    });
  }

  private nextId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-${String(n).padStart(6, '0')}`;
  }

  private deposit(b: {
    fileName: string;
    week: string;
    sha256: string;
    rows: number;
    content: string;
  }): Outcome {
    const digest = createHash('sha256').update(b.content, 'utf8').digest('hex');
    if (digest !== b.sha256)
      return {
        status: 422,
        body: { message: 'empreinte SHA-256 différente du contenu reçu : dépôt refusé' },
      };
    const deposit: Deposit = {
      depositId: this.nextId('FT-DEPOT'),
      fileName: b.fileName,
      week: b.week,
      rows: b.rows,
      content: b.content,
      receivedAt: new Date().toISOString(),
      status: 'received',
      processedAt: null,
      message: null,
    };
    this.depositsById.set(deposit.depositId, deposit);
    return { status: 201, body: { depositId: deposit.depositId, receivedAt: deposit.receivedAt } };
  }

  private depositStatus(depositId: string): Outcome {
    const d = this.depositsById.get(depositId);
    if (!d) return { status: 404, body: { message: `dépôt inconnu : ${depositId}` } };
    if (d.status === 'received' && this.ackMode !== 'silent') {
      const problem = this.ackMode === 'reject' ? this.rejectMessage : checkWeeklyList(d.content, d.rows);
      d.status = problem ? 'rejected' : 'accepted';
      d.message = problem;
      d.processedAt = new Date().toISOString();
    }
    const { status, processedAt, message } = d;
    return { status: 200, body: { depositId, status, processedAt, message } };
  }

  private search(b: {
    territoire?: string;
    thematique?: string;
    texte?: string;
    page: number;
    par_page: number;
  }): Outcome {
    const text = b.texte ? fold(b.texte) : null;
    // Invalid items are served too (a real catalogue has some): only the valid ones can be filtered.
    const { services } = validServices(this.catalogue);
    const valid = new Set(services.map((s) => s.id));
    const matches = this.catalogue.filter((item) => {
      const s = item as CatalogueService;
      if (!valid.has(s.id)) return !b.territoire && !b.thematique && !text;
      return (
        (!b.territoire || s.territoire === b.territoire) &&
        (!b.thematique || s.thematiques.includes(b.thematique as CatalogueService['thematiques'][number])) &&
        (!text || fold(`${s.nom} ${s.structure} ${s.presentation_resume} ${s.commune}`).includes(text))
      );
    });
    const pages = Math.ceil(matches.length / b.par_page);
    const services_ = matches.slice((b.page - 1) * b.par_page, b.page * b.par_page);
    return { status: 200, body: { services: services_, total: matches.length, page: b.page, pages } };
  }
}

/** What France Travail would object to in a weekly list, or null when it is fine. */
export function checkWeeklyList(content: string, announcedRows: number): string | null {
  let records: string[][];
  try {
    records = parse(content, { delimiter: ';', record_delimiter: ['\r\n', '\n'], relax_column_count: true });
  } catch (err) {
    return `fichier illisible : ${(err as Error).message}`;
  }
  const [header, ...lines] = records;
  if (header?.join(';') !== weeklyListColumns.join(';'))
    return `en-tête inattendu : ${header?.join(';') ?? '(vide)'}`;
  if (lines.length !== announcedRows)
    return `${lines.length} ligne(s) reçue(s) pour ${announcedRows} annoncée(s)`;
  for (const [i, cells] of lines.entries()) {
    const line = Object.fromEntries(weeklyListColumns.map((c, j) => [c, cells[j] ?? '']));
    if (cells.length !== weeklyListColumns.length)
      return `ligne ${i + 2} : ${cells.length} colonne(s) au lieu de ${weeklyListColumns.length}`;
    const parsed = weeklyListLineSchema.safeParse(line);
    if (!parsed.success) return `ligne ${i + 2} : ${frenchIssues(parsed.error)}`;
  }
  return null;
}
