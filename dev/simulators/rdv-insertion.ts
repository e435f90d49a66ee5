/**
 * RDV-Insertion and RDV-Solidarités' sign-in, as published (gip-inclusion/rdv-insertion,
 * swagger/v1/api.json; partners/rdv-insertion.ts): `POST /api/v1/auth/sign_in` answers
 * the three session headers (valid 24 h), `POST …/users/{id}/invite` and
 * `…/users/create_and_invite` invite on a motif category (no second invitation within
 * 24 h), refusals carry `errors` (`{ error_details }` for a 422) or `not_found`, and a
 * 429 or a 500 can be injected. It also posts signed webhooks (`X-RDVI-Signature`) to Jalons.
 * Mounted by ./server.ts under `/rdv-solidarites` and `/rdv-insertion`; control routes (local use):
 * `GET /_rdv-insertion/requests` (what it received and sent), `POST /_rdv-insertion/users` (a user and its internal id), `PUT /_rdv-insertion/webhook`
 * (Jalons' URL and secret), `POST /_rdv-insertion/participations` (sends a signed `Rdv`).
 * Its people are fictitious: names are placeholders, only ids and the pseudonymous
 * `department_internal_id` mean something.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signBody, SIGN_IN_PATH } from '../../partners/rdv-insertion.js';
import { z } from '../../domain/validation.js';

export const SIMULATED_AGENT = { email: 'agent.jalons@departement.example', password: 'jalons-simulateurs' };
/**
 * The variables that point Jalons' worker at this simulator, mounted at `baseUrl` (./server.ts):
 * the simulated agent and config/rdv-insertion.example.json (docs/rdv-insertion.md § 6).
 */
export function simulatedRdvInsertionEnv(baseUrl: string): Record<string, string> {
  return {
    JALONS_RDVI_URL: `${baseUrl}/rdv-insertion`,
    JALONS_RDVS_URL: `${baseUrl}/rdv-solidarites`,
    JALONS_RDVI_EMAIL: SIMULATED_AGENT.email,
    JALONS_RDVI_PASSWORD: SIMULATED_AGENT.password,
    JALONS_RDVI_ORGANISATIONS: fileURLToPath(
      new URL('../../config/rdv-insertion.example.json', import.meta.url),
    ),
  };
}

/** The organisations the simulator knows (config/rdv-insertion.example.json points at them). */
export const SIMULATED_ORGANISATIONS = [62001, 62002, 62003, 62004];
const SIMULATED_MOTIFS = ['rsa_orientation', 'rsa_accompagnement', 'rsa_cer_signature'];
const DAY_MS = 24 * 3600_000;

type Operation = 'sign_in' | 'invite' | 'create_and_invite' | 'list_users' | 'webhook';
export interface RdviRecord {
  operation: Operation;
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: unknown;
  status: number;
}
interface Invitation {
  id: number;
  format: 'email' | 'sms' | 'postal';
  clicked: boolean;
  rdv_with_referents: boolean;
  created_at: string;
  delivery_status: null;
  delivered_at: null;
  expires_at: string;
  motif_category: { id: number; short_name: string; name: string };
}
interface User {
  id: number;
  departmentInternalId: string | null;
  invitations: Invitation[];
}

const inviteBody = z.object({
  invitation: z.object({
    motif_category: z.object({ short_name: z.string().optional(), name: z.string().optional() }),
  }),
});
const createBody = z.object({
  user: z
    .object({
      first_name: z.string().min(1),
      last_name: z.string().min(1),
      title: z.enum(['monsieur', 'madame']),
    })
    .loose(),
});

export class RdvInsertionSimulator {
  private sessions = new Map<string, { client: string; uid: string; until: number }>();
  private users = new Map<number, User>();
  private nextId = 1000;
  private faults: { operation: Operation; status: number; left: number }[] = [];
  private records: RdviRecord[] = [];
  private webhook: { url: string; secret: string } | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** A user RDV-Insertion already knows (the Département created it), linked to a pseudonymous id. */
  addUser(departmentInternalId: string | null): number {
    const id = ++this.nextId;
    this.users.set(id, { id, departmentInternalId, invitations: [] });
    return id;
  }

  invitationsOf(userId: number): Invitation[] {
    return [...(this.users.get(userId)?.invitations ?? [])];
  }

  /** The next `count` calls of `operation` answer `status` (429, 500, 422…). */
  failNext(operation: Operation, status: number, count = 1): void {
    this.faults.push({ operation, status, left: count });
  }

  requests(operation?: Operation): RdviRecord[] {
    return this.records.filter((r) => !operation || r.operation === operation);
  }

  /** Ends every session (as 24 h would). */
  expireSessions(): void {
    this.sessions.clear();
  }

  webhookUrl(): string | null {
    return this.webhook?.url ?? null;
  }

  configureWebhook(url: string | null, secret = ''): void {
    this.webhook = url ? { url, secret } : null;
  }

  reset(): void {
    this.sessions.clear();
    this.users.clear();
    this.faults = [];
    this.records = [];
  }

  register(app: FastifyInstance): void {
    app.post(`/rdv-solidarites${SIGN_IN_PATH}`, (req, reply) => this.signIn(req, reply));
    app.post('/rdv-insertion/api/v1/organisations/:org/users/:id/invite', (req, reply) =>
      this.serve('invite', req, reply, () => this.invite(req)),
    );
    app.get('/rdv-insertion/api/v1/organisations/:org/users', (req, reply) =>
      this.serve('list_users', req, reply, () => this.listUsers(req)),
    );
    app.post('/rdv-insertion/api/v1/organisations/:org/users/create_and_invite', (req, reply) =>
      this.serve('create_and_invite', req, reply, () => this.createAndInvite(req)),
    );
    app.get('/_rdv-insertion/requests', async () => this.requests());
    app.put('/_rdv-insertion/webhook', async (req, reply) => {
      const body = z.object({ url: z.url().nullable(), secret: z.string().default('') }).safeParse(req.body);
      if (!body.success) return reply.code(400).send({ message: 'url et secret attendus' });
      this.configureWebhook(body.data.url, body.data.secret);
      return { url: body.data.url };
    });
    app.post('/_rdv-insertion/users', async (req, reply) => {
      const body = z.object({ departmentInternalId: z.string().min(1).nullable() }).safeParse(req.body);
      if (!body.success) return reply.code(400).send({ message: 'departmentInternalId attendu' });
      return { id: this.addUser(body.data.departmentInternalId) };
    });
    app.post('/_rdv-insertion/participations', async (req, reply) => {
      const body = participationRequest.safeParse(req.body);
      if (!body.success) return reply.code(400).send({ message: 'userId, status et startsAt attendus' });
      return this.sendRdv(body.data);
    });
  }

  private fault(operation: Operation): number | null {
    const f = this.faults.find((x) => x.operation === operation && x.left > 0);
    if (!f) return null;
    f.left -= 1;
    return f.status;
  }

  private record(operation: Operation, req: FastifyRequest, status: number): void {
    const h = req.headers;
    const headers = { 'access-token': h['access-token'], client: h.client, uid: h.uid } as Record<
      string,
      string | undefined
    >;
    this.records.push({ operation, method: req.method, path: req.url, headers, body: req.body, status });
  }

  private signIn(req: FastifyRequest, reply: FastifyReply) {
    const injected = this.fault('sign_in');
    const body = req.body as { email?: string; password?: string } | undefined;
    const ok = body?.email === SIMULATED_AGENT.email && body.password === SIMULATED_AGENT.password;
    const status = injected ?? (ok ? 200 : 401);
    this.record('sign_in', req, status);
    if (status !== 200)
      return reply.code(status).send({ success: false, errors: ['Identifiants de connexion invalides.'] });
    const token = randomBytes(12).toString('base64url');
    const client = randomBytes(12).toString('base64url');
    this.sessions.set(token, { client, uid: SIMULATED_AGENT.email, until: this.now() + DAY_MS });
    return reply
      .code(200)
      .headers({ 'access-token': token, client, uid: SIMULATED_AGENT.email, 'token-type': 'Bearer' })
      .send({ data: { id: 7, uid: SIMULATED_AGENT.email, email: SIMULATED_AGENT.email, provider: 'email' } });
  }

  private authorised(req: FastifyRequest): boolean {
    const token = String(req.headers['access-token'] ?? '');
    const s = this.sessions.get(token);
    return !!s && s.client === req.headers.client && s.uid === req.headers.uid && this.now() < s.until;
  }

  private serve(
    operation: Operation,
    req: FastifyRequest,
    reply: FastifyReply,
    handle: () => { status: number; body: unknown },
  ) {
    const injected = this.authorised(req) ? this.fault(operation) : 401;
    const out =
      injected === 401
        ? { status: 401, body: { errors: ['Les identifiants de session RDV-Solidarités sont invalides'] } }
        : injected === 422
          ? {
              status: 422,
              body: {
                success: false,
                errors: [
                  {
                    error_details:
                      'Erreur en envoyant l’invitation par sms: l’invitation n’a pas pu être délivrée',
                  },
                ],
              },
            }
          : injected
            ? { status: injected, body: { errors: [`Erreur simulée (${injected})`] } }
            : handle();
    this.record(operation, req, out.status);
    return reply.code(out.status).send(out.body);
  }

  private invite(req: FastifyRequest): { status: number; body: unknown } {
    const { org, id } = req.params as { org: string; id: string };
    if (!SIMULATED_ORGANISATIONS.includes(Number(org)))
      return { status: 404, body: { not_found: 'Organisation' } };
    const user = this.users.get(Number(id));
    if (!user) return { status: 404, body: { not_found: 'User' } };
    const body = inviteBody.safeParse(req.body);
    if (!body.success)
      return {
        status: 422,
        body: { success: false, errors: [{ error_details: 'Catégorie de motif doit être rempli(e)' }] },
      };
    return this.inviteOn(user, body.data.invitation.motif_category.short_name);
  }

  private inviteOn(user: User, motif: string | undefined) {
    if (!motif || !SIMULATED_MOTIFS.includes(motif))
      return {
        status: 422,
        body: {
          success: false,
          errors: [
            { error_details: `Catégorie de motif ${motif ?? ''} non trouvée dans l'organisation`.trim() },
          ],
        },
      };
    // Published idempotence: no new invitation within 24 hours on the same motif category.
    const recent = user.invitations.filter(
      (i) => i.motif_category.short_name === motif && this.now() - Date.parse(i.created_at) < DAY_MS,
    );
    if (recent.length === 0) user.invitations.unshift(this.invitation(user, motif));
    const invitations = recent.length ? recent : user.invitations.slice(0, 1);
    return { status: 200, body: { success: true, user: this.userJson(user), invitations } };
  }

  /** The published list: 30 users a page, with its pagination. */
  private listUsers(req: FastifyRequest): { status: number; body: unknown } {
    const { org } = req.params as { org: string };
    if (!SIMULATED_ORGANISATIONS.includes(Number(org)))
      return { status: 404, body: { not_found: 'Organisation' } };
    const page = Math.max(1, Number((req.query as { page?: string }).page ?? 1) || 1);
    const all = [...this.users.values()];
    const total = Math.max(1, Math.ceil(all.length / 30));
    const users = all.slice((page - 1) * 30, page * 30).map((u) => this.userJson(u));
    const pagination = {
      current_page: page,
      next_page: page < total ? page + 1 : null,
      prev_page: page > 1 ? page - 1 : null,
      total_pages: total,
      total_count: all.length,
    };
    return { status: 200, body: { success: true, users, pagination } };
  }

  private createAndInvite(req: FastifyRequest): { status: number; body: unknown } {
    const { org } = req.params as { org: string };
    if (!SIMULATED_ORGANISATIONS.includes(Number(org)))
      return { status: 404, body: { not_found: 'Organisation' } };
    const body = createBody.safeParse(req.body);
    if (!body.success)
      return {
        status: 422,
        body: { success: false, errors: [{ error_details: 'Prénom doit être rempli(e)' }] },
      };
    const u = body.data.user as {
      department_internal_id?: string;
      invitation?: { motif_category?: { short_name?: string } };
    };
    const known = [...this.users.values()].find(
      (x) => u.department_internal_id && x.departmentInternalId === u.department_internal_id,
    );
    const user = known ?? this.users.get(this.addUser(u.department_internal_id ?? null))!;
    return this.inviteOn(user, u.invitation?.motif_category?.short_name);
  }

  private invitation(user: User, motif: string): Invitation {
    const created = new Date(this.now());
    return {
      id: ++this.nextId,
      format: 'email',
      clicked: false,
      rdv_with_referents: false,
      created_at: created.toISOString(),
      delivery_status: null,
      delivered_at: null,
      expires_at: new Date(created.getTime() + 7 * DAY_MS).toISOString(),
      motif_category: { id: SIMULATED_MOTIFS.indexOf(motif) + 1, short_name: motif, name: motif },
    };
  }

  /** The published `user` shape, with placeholder identity (never a real person). */
  userJson(user: { id: number; departmentInternalId: string | null }) {
    return {
      id: user.id,
      uid: null,
      affiliation_number: null,
      role: 'demandeur',
      created_at: new Date(this.now()).toISOString(),
      department_internal_id: user.departmentInternalId,
      first_name: 'Prénom',
      last_name: 'Fictif',
      title: 'madame',
      address: null,
      phone_number: null,
      email: null,
      birth_date: null,
      rights_opening_date: null,
      birth_name: null,
      rdv_solidarites_user_id: user.id + 5000,
      nir: null,
      france_travail_id: null,
      carnet_de_bord_carnet_id: null,
      referents: [],
      tags: [],
    };
  }

  /** Posts a `Rdv` webhook for one participation, signed as RDV-Insertion signs it. */
  async sendRdv(p: ParticipationRequest): Promise<{ status: number; body: unknown; payload: string }> {
    return this.deliver(rdvPayload(this, p));
  }

  /** Posts `payload` as is (a replay sends the same bytes), signed unless `signature` is given. */
  async deliver(
    payload: string,
    signature?: string,
  ): Promise<{ status: number; body: unknown; payload: string }> {
    if (!this.webhook) throw new Error('aucune adresse de webhook configurée (configureWebhook)');
    const res = await fetch(this.webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-RDVI-SIGNATURE': signature ?? signBody(payload, this.webhook.secret),
      },
      body: payload,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text
    }
    this.records.push({
      operation: 'webhook',
      method: 'POST',
      path: this.webhook.url,
      headers: {},
      body: payload,
      status: res.status,
    });
    return { status: res.status, body, payload };
  }
}

const participationRequest = z.object({
  userId: z.number().int(),
  departmentInternalId: z.string().nullable().optional(),
  participationId: z.number().int().optional(),
  rdvId: z.number().int().optional(),
  status: z.enum(['unknown', 'seen', 'excused', 'revoked', 'noshow']),
  startsAt: z.string(),
  timestamp: z.string().optional(),
  event: z.enum(['created', 'updated', 'destroyed']).optional(),
});
export type ParticipationRequest = z.input<typeof participationRequest>;

/** Ruby's `Time#to_s` as in the published example: « 2023-11-13 19:53:07 +0100 ». */
export function rubyTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function rdvPayload(sim: RdvInsertionSimulator, p: ParticipationRequest): string {
  const user = sim.userJson({ id: p.userId, departmentInternalId: p.departmentInternalId ?? null });
  const { referents: _r, tags: _t, ...plainUser } = user;
  const participationId = p.participationId ?? p.userId * 10;
  const created = '2026-01-05T09:00:00.000+01:00';
  const data = {
    id: p.rdvId ?? participationId + 1,
    starts_at: p.startsAt,
    duration_in_min: 30,
    cancelled_at: p.status === 'revoked' ? created : null,
    address: 'Arras, 62000, 62, Pas-de-Calais, Hauts-de-France',
    uuid: `00000000-0000-4000-8000-${String(participationId).padStart(12, '0')}`,
    created_by: 'user',
    status: p.status,
    users_count: 1,
    max_participants_count: null,
    rdv_solidarites_rdv_id: participationId + 2,
    agents: [
      {
        id: 2,
        email: 'referent@departement.example',
        first_name: null,
        last_name: null,
        rdv_solidarites_agent_id: 7,
      },
    ],
    lieu: null,
    motif: {
      rdv_solidarites_motif_id: 45,
      name: 'RSA accompagnement',
      collectif: false,
      location_type: 'public_office',
      follow_up: true,
      motif_category: { id: 2, short_name: 'rsa_accompagnement', name: 'RSA accompagnement' },
    },
    users: [plainUser],
    organisation: {
      id: 4,
      name: 'Organisation simulée',
      email: null,
      phone_number: '0300000000',
      department_number: '62',
      rdv_solidarites_organisation_id: SIMULATED_ORGANISATIONS[0],
      motif_categories: [{ id: 2, short_name: 'rsa_accompagnement', name: 'RSA accompagnement' }],
    },
    participations: [
      {
        id: participationId,
        status: p.status,
        created_by: 'user',
        created_at: created,
        starts_at: p.startsAt,
        user: plainUser,
      },
    ],
  };
  const meta = {
    model: 'Rdv',
    event: p.event ?? 'updated',
    timestamp: p.timestamp ?? rubyTimestamp(new Date()),
  };
  return JSON.stringify({ data, meta });
}
