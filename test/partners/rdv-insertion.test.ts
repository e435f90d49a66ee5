/**
 * RDV-Insertion's calls over real HTTP, against the simulator (dev/simulators/rdv-insertion.ts),
 * and both sides checked against the published OpenAPI description (a trimmed copy:
 * test/contracts/rdv-insertion-openapi.json): what Jalons sends and what the simulator answers.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import { jalonsCli } from '../support/cli.js';
import { SIMULATED_AGENT } from '../../dev/simulators/rdv-insertion.js';
import { RdvInsertionClient, RENEW_BEFORE_MS } from '../../partners/rdv-insertion-client.js';
import {
  inviteRequestSchema,
  rdvInsertionConfigFromEnv,
  signatureMatches,
  signBody,
  webhookInstant,
  type RdvInsertionConfig,
} from '../../partners/rdv-insertion.js';
import { createRdvInsertionConvoke } from '../../activities/partners/rdv-insertion.js';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { linkRdviUser, rdviUserOf } from '../../store/rdv-insertion.js';
import { describeLinkImport, importRdviLinks } from '../../services/rdv-insertion-links.js';

type Json = Record<string, unknown>;
/** OpenAPI 3.0's `nullable`, for ajv: null is admitted by an `enum` and by a `$ref` (the description's own examples send it). */
const nullableEnums = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(nullableEnums);
  if (!v || typeof v !== 'object') return v;
  const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nullableEnums(x)])) as Json;
  if (o.nullable === true && Array.isArray(o.enum) && !o.enum.includes(null)) o.enum = [...o.enum, null];
  // `{ $ref, nullable }` (the Rdv's `lieu`): the reference, or null.
  if (o.nullable === true && typeof o.$ref === 'string' && o.type === undefined)
    return { anyOf: [{ $ref: o.$ref }, { type: 'null' }] };
  return o;
};
const openapi = nullableEnums(
  JSON.parse(readFileSync('test/contracts/rdv-insertion-openapi.json', 'utf8')),
) as {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
};
const INVITE = 'api/v1/organisations/{rdv_solidarites_organisation_id}/users/{id}/invite';
const USERS = 'api/v1/organisations/{rdv_solidarites_organisation_id}/users';
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ components: openapi.components }, 'api');
/** A schema of the description, its `$ref`s resolved in the description's components. */
const validator = (schema: Json) =>
  ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"api#/components/')) as Json);
const post = openapi.paths[INVITE]!.post as {
  requestBody: { content: { 'application/json': { schema: Json } } };
  responses: Record<string, { content: { 'application/json': { schema: Json } } }>;
};
const requestValidator = validator(post.requestBody.content['application/json'].schema);
const responseValidator = (status: number) =>
  validator(post.responses[status]!.content['application/json'].schema);

let sims: PartnerSimulators;
let db: ReadModelDb;
let config: RdvInsertionConfig;
const ORG = 62001;

beforeAll(async () => {
  sims = await PartnerSimulators.start({ port: 0 });
  db = await openReadModel('memory:');
  config = {
    url: `${sims.baseUrl()}/rdv-insertion`,
    signInUrl: `${sims.baseUrl()}/rdv-solidarites`,
    ...SIMULATED_AGENT,
    organisations: [{ code: 'cd62', rdvSolidaritesOrganisationId: ORG, motifCategory: 'rsa_accompagnement' }],
    timeoutMs: 5_000,
  };
});
afterAll(async () => {
  await sims?.close();
  await db?.close();
});
beforeEach(() => sims.rdvInsertion.reset());

async function failureOf(f: () => Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await f();
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('échec attendu');
}
const invitation = { invitation: { motif_category: { short_name: 'rsa_accompagnement' } } };

describe('RDV-Insertion: sign-in and invitation', () => {
  it('signs in once, sends the three headers, and the 24 h rule gives no second invitation', async () => {
    const user = sims.rdvInsertion.addUser('RDVI-001');
    const client = new RdvInsertionClient(config);
    const first = await client.invite(ORG, user, invitation);
    const second = await client.invite(ORG, user, invitation);
    expect(client.signIns).toBe(1);
    expect(sims.rdvInsertion.requests('sign_in')).toHaveLength(1);
    const invites = sims.rdvInsertion.requests('invite');
    expect(invites.map((r) => r.status)).toEqual([200, 200]);
    for (const r of invites) {
      expect(Object.values(r.headers).every((h) => typeof h === 'string' && h.length > 0)).toBe(true);
      expect(r.headers.uid).toBe(SIMULATED_AGENT.email);
      expect(r.path).toBe(`/rdv-insertion/api/v1/organisations/${ORG}/users/${user}/invite`);
      // Jalons' request, against the published request body.
      expect(requestValidator(r.body), JSON.stringify(requestValidator.errors)).toBe(true);
    }
    expect(sims.rdvInsertion.invitationsOf(user)).toHaveLength(1);
    expect(second.invitations.map((i) => i.id)).toEqual(first.invitations.map((i) => i.id));
    // Only ids are kept from the answer: the placeholder identity is dropped on parsing.
    expect(JSON.stringify(first)).not.toMatch(/Fictif|first_name|"email":|phone_number/);
  });

  it('the simulator answers what the description publishes, for a success and each refusal', async () => {
    const user = sims.rdvInsertion.addUser('RDVI-002');
    const raw = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${config.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const signIn = await fetch(`${config.signInUrl}/api/v1/auth/sign_in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: SIMULATED_AGENT.email, password: SIMULATED_AGENT.password }),
    });
    const session = Object.fromEntries(
      ['access-token', 'client', 'uid'].map((h) => [h, signIn.headers.get(h) ?? '']),
    );
    const path = `/api/v1/organisations/${ORG}/users/${user}/invite`;
    const cases: [number, () => Promise<{ status: number; body: unknown }>][] = [
      [200, () => raw(path, invitation, session)],
      [401, () => raw(path, invitation)],
      [404, () => raw(`/api/v1/organisations/${ORG}/users/999999/invite`, invitation, session)],
      [422, () => raw(path, { invitation: { motif_category: { short_name: 'psychologue' } } }, session)],
    ];
    for (const [status, call] of cases) {
      const answer = await call();
      expect(answer.status).toBe(status);
      const valid = responseValidator(status);
      expect(valid(answer.body), `${status} ${JSON.stringify(valid.errors)}`).toBe(true);
    }
    const created = await raw(
      `/api/v1/organisations/${ORG}/users/create_and_invite`,
      { user: { department_internal_id: 'X' } },
      session,
    );
    expect(created.status).toBe(422);
    expect((created.body as { errors: { error_details: string }[] }).errors[0]?.error_details).toBe(
      'Prénom doit être rempli(e)',
    );
  });

  it('renews the session an hour before its 24 h end, and signs in again once after a 401', async () => {
    let now = Date.parse('2026-03-02T08:00:00Z');
    const user = sims.rdvInsertion.addUser('RDVI-003');
    const client = new RdvInsertionClient(config, () => now);
    await client.invite(ORG, user, invitation);
    now += 24 * 3600_000 - RENEW_BEFORE_MS - 60_000; // 22 h 59 min: still the same session
    await client.invite(ORG, user, invitation);
    expect(client.signIns).toBe(1);
    now += 2 * 60_000; // 23 h 01 min: renewed before RDV-Solidarités would refuse it
    await client.invite(ORG, user, invitation);
    expect(client.signIns).toBe(2);
    sims.rdvInsertion.expireSessions();
    await client.invite(ORG, user, invitation);
    expect(client.signIns).toBe(3);
    expect(sims.rdvInsertion.requests('invite').map((r) => r.status)).toEqual([200, 200, 200, 401, 200]);
  });

  it('429 and 500 are retried by Temporal; 422 and 404 are refusals carrying RDV-Insertion’s message', async () => {
    const user = sims.rdvInsertion.addUser('RDVI-004');
    const client = new RdvInsertionClient(config);
    for (const status of [429, 500, 503]) {
      sims.rdvInsertion.failNext('invite', status);
      const f = await failureOf(() => client.invite(ORG, user, invitation));
      expect([f.type, f.nonRetryable]).toEqual(['PartnerUnavailable', false]);
      expect(f.message).toContain(`RDV-Insertion est indisponible (${status})`);
    }
    sims.rdvInsertion.failNext('invite', 422);
    const refused = await failureOf(() => client.invite(ORG, user, invitation));
    expect([refused.type, refused.nonRetryable]).toEqual(['PartnerRejected', true]);
    expect(refused.message).toBe(
      `RDV-Insertion a refusé la demande (POST /api/v1/organisations/${ORG}/users/${user}/invite, statut 422) : ` +
        'Erreur en envoyant l’invitation par sms: l’invitation n’a pas pu être délivrée',
    );
    const unknown = await failureOf(() => client.invite(ORG, 999_999, invitation));
    expect(unknown.message).toContain('statut 404) : introuvable : User');
    const wrongAgent = new RdvInsertionClient({ ...config, password: 'pas-le-bon' });
    const signIn = await failureOf(() => wrongAgent.invite(ORG, user, invitation));
    expect([signIn.type, signIn.nonRetryable]).toEqual(['PartnerRejected', true]);
    expect(signIn.message).toContain('Identifiants de connexion invalides.');
  });
});

describe('RDV-Insertion: the convocation activity', () => {
  const directory = [
    { code: 'cd62', referents: ['ref-1'] },
    { code: 'ccas-lens', referents: ['ref-6'] },
  ];
  const at = '2026-03-09T09:00:00+01:00';

  it('invites the linked user on the motif category of the référent’s organisation; same id on a retry', async () => {
    const user = sims.rdvInsertion.addUser('RDVI-010');
    await linkRdviUser(db, 'RDVI-010', user, 'import');
    const convoke = createRdvInsertionConvoke({ config, readModel: async () => db, directory });
    const receipt = await convoke({ beneficiaryId: 'RDVI-010', referent: 'ref-1', at });
    expect(receipt).toEqual({ appointmentId: `rdvi:${ORG}:${user}:rsa_accompagnement` });
    expect(await convoke({ beneficiaryId: 'RDVI-010', referent: 'ref-1', at })).toEqual(receipt);
    expect(sims.rdvInsertion.invitationsOf(user)).toHaveLength(1);
    expect(sims.rdvInsertion.requests('invite')[0]?.body).toEqual(invitation);
  });

  it('without a link, or for a référent of an organisation not connected, a person is told what to do', async () => {
    const convoke = createRdvInsertionConvoke({ config, readModel: async () => db, directory });
    sims.rdvInsertion.addUser('RDVI-AUTRE');
    const unlinked = await failureOf(() => convoke({ beneficiaryId: 'RDVI-011', referent: 'ref-1', at }));
    expect(unlinked.nonRetryable).toBe(true);
    expect(unlinked.message).toContain(
      `La personne « RDVI-011 » n’est liée à aucun usager de RDV-Insertion (organisation ${ORG}) : ` +
        'renseignez « RDVI-011 » comme ID interne au département',
    );
    expect(sims.rdvInsertion.requests('list_users')).toHaveLength(1);
    sims.rdvInsertion.reset();
    const elsewhere = await failureOf(() => convoke({ beneficiaryId: 'RDVI-011', referent: 'ref-6', at }));
    expect(elsewhere.message).toContain('« ccas-lens » absent de JALONS_RDVI_ORGANISATIONS');
    expect(sims.rdvInsertion.requests()).toEqual([]);
  });

  it('a person not linked yet is found by department_internal_id in the user list, linked, then invited', async () => {
    for (let i = 0; i < 40; i++) sims.rdvInsertion.addUser(i % 2 ? `AUTRE-${i}` : null);
    const user = sims.rdvInsertion.addUser('RDVI-012'); // on the second page
    const convoke = createRdvInsertionConvoke({ config, readModel: async () => db, directory });
    expect(await convoke({ beneficiaryId: 'RDVI-012', referent: 'ref-1', at })).toEqual({
      appointmentId: `rdvi:${ORG}:${user}:rsa_accompagnement`,
    });
    expect(sims.rdvInsertion.requests('list_users').map((r) => r.path)).toEqual([
      `/rdv-insertion/api/v1/organisations/${ORG}/users?page=1`,
      `/rdv-insertion/api/v1/organisations/${ORG}/users?page=2`,
    ]);
    expect(await rdviUserOf(db, 'RDVI-012')).toBe(user);
    await convoke({ beneficiaryId: 'RDVI-012', referent: 'ref-1', at });
    expect(sims.rdvInsertion.requests('list_users')).toHaveLength(2); // linked: not looked for again
  });

  it('the import reads every page (as published) and links only pseudonymous ids', async () => {
    for (let i = 0; i < 65; i++)
      sims.rdvInsertion.addUser(i % 5 === 0 ? null : i % 5 === 1 ? 'avec espace' : `IMP-${i}`);
    const client = new RdvInsertionClient(config);
    const imported = await importRdviLinks(client, db, ORG);
    expect(imported).toEqual({ organisationId: ORG, pages: 3, users: 65, linked: 39, found: null });
    expect(describeLinkImport(imported)).toBe(
      `Organisation RDV-Solidarités ${ORG} : 65 usager(s) lu(s) sur 3 page(s), 39 lié(s) à un identifiant pseudonyme de Jalons.`,
    );
    expect(await rdviUserOf(db, 'IMP-2')).not.toBeNull();
    const list = validator(
      (openapi.paths[USERS]!.get as typeof post).responses[200]!.content['application/json'].schema,
    );
    const page = await fetch(`${config.url}/api/v1/organisations/${ORG}/users?page=3`, {
      headers: await client.headers(),
    });
    expect(list(await page.json()), JSON.stringify(list.errors)).toBe(true);
  });
});

describe('RDV-Insertion: `jalons rdv-insertion lier`', () => {
  it('imports the links of each configured organisation into the read model, and says so in French', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdvi-cli-'));
    const orgs = join(dir, 'organisations.json');
    writeFileSync(orgs, JSON.stringify({ organisations: config.organisations }));
    const user = sims.rdvInsertion.addUser('CLI-001');
    sims.rdvInsertion.addUser(null);
    const env = {
      JALONS_RDVI_URL: config.url,
      JALONS_RDVS_URL: config.signInUrl,
      JALONS_RDVI_EMAIL: SIMULATED_AGENT.email,
      JALONS_RDVI_PASSWORD: SIMULATED_AGENT.password,
      JALONS_RDVI_ORGANISATIONS: orgs,
      JALONS_READMODEL_URL: join(dir, 'readmodel'),
    };
    const cli = jalonsCli(() => ({ address: '127.0.0.1:1', taskQueue: 'rdvi-cli', env }));
    const done = await cli('rdv-insertion', 'lier');
    expect([done.code, done.stdout.trim()]).toEqual([
      0,
      `Organisation RDV-Solidarités ${ORG} : 2 usager(s) lu(s) sur 1 page(s), 1 lié(s) à un identifiant pseudonyme de Jalons.`,
    ]);
    const other = await cli('rdv-insertion', 'lier', '--organisation', '999');
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(
      `Organisation 999 absente de JALONS_RDVI_ORGANISATIONS (configurées : ${ORG}).`,
    );
    const kept = await openReadModel(env.JALONS_READMODEL_URL);
    expect(await rdviUserOf(kept, 'CLI-001')).toBe(user);
    await kept.close();
  }, 60_000);
});

describe('RDV-Insertion: the simulator’s webhooks', () => {
  it('posts `{ data, meta }` with a published Rdv, signed in X-RDVI-Signature over the raw body', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-rdvi-signature'] as string | undefined });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"recu":[]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as AddressInfo;
    // Through the simulator's control routes, as a person trying the stack would.
    const control = async (method: string, path: string, body: unknown) =>
      (await fetch(`${sims.baseUrl()}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json())) as { id: number };
    await control('PUT', '/_rdv-insertion/webhook', {
      url: `http://127.0.0.1:${address.port}/webhooks`,
      secret: 'le-secret',
    });
    const { id: user } = await control('POST', '/_rdv-insertion/users', { departmentInternalId: 'RDVI-020' });
    await control('POST', '/_rdv-insertion/participations', {
      userId: user,
      departmentInternalId: 'RDVI-020',
      status: 'seen',
      startsAt: '2026-03-09T09:00:00.000+01:00',
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(received).toHaveLength(1);
    const { body, signature } = received[0]!;
    expect(signature).toBe(createHmac('sha256', 'le-secret').update(body).digest('hex'));
    const payload = JSON.parse(body) as {
      data: unknown;
      meta: { model: string; event: string; timestamp: string };
    };
    const rdv = validator({ $ref: '#/components/schemas/rdv' });
    expect(rdv(payload.data), JSON.stringify(rdv.errors)).toBe(true);
    const participation = validator({ $ref: '#/components/schemas/participation' });
    expect(participation((payload.data as { participations: unknown[] }).participations[0])).toBe(true);
    expect(payload.meta).toMatchObject({ model: 'Rdv', event: 'updated' });
    expect(webhookInstant(payload.meta.timestamp)).not.toBeNull();
  });
});

describe('RDV-Insertion: configuration, signature, timestamps', () => {
  it('is off without JALONS_RDVI_URL, and an invalid organisations file is refused in French', () => {
    expect(rdvInsertionConfigFromEnv({})).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'rdvi-'));
    const file = join(dir, 'orgs.json');
    const env = {
      JALONS_RDVI_URL: 'https://www.rdv-insertion.fr',
      JALONS_RDVS_URL: 'https://www.rdv-solidarites.fr',
      JALONS_RDVI_EMAIL: 'agent@departement.example',
      JALONS_RDVI_PASSWORD: 'secret',
      JALONS_RDVI_ORGANISATIONS: file,
    };
    writeFileSync(
      file,
      JSON.stringify({
        organisations: [
          { code: 'cd62', rdvSolidaritesOrganisationId: 0, motifCategory: 'rsa_accompagnement' },
        ],
      }),
    );
    expect(() => rdvInsertionConfigFromEnv(env)).toThrow('identifiant d’organisation positif attendu');
    expect(
      rdvInsertionConfigFromEnv({ ...env, JALONS_RDVI_ORGANISATIONS: 'config/rdv-insertion.example.json' })
        ?.organisations,
    ).toHaveLength(3);
    expect(() => rdvInsertionConfigFromEnv({ ...env, JALONS_RDVI_EMAIL: 'pas-une-adresse' })).toThrow(
      'JALONS_RDVI_EMAIL : adresse de l’agent attendue',
    );
  });

  it('accepts the signature under the current or the previous secret only', () => {
    const body =
      '{"data":{},"meta":{"model":"Rdv","event":"updated","timestamp":"2026-03-02 10:00:00 +0100"}}';
    const s = signBody(body, 'ancien');
    expect(signatureMatches(body, s, ['nouveau', 'ancien'])).toBe(true);
    expect(signatureMatches(body, s.toUpperCase(), ['nouveau', 'ancien'])).toBe(true);
    expect(signatureMatches(body, s, ['nouveau'])).toBe(false);
    expect(signatureMatches(`${body} `, s, ['ancien'])).toBe(false);
    expect(signatureMatches(body, '', ['ancien'])).toBe(false);
  });

  it('reads meta.timestamp as published (« 2023-11-13 19:53:07 +0100 ») and ISO-8601', () => {
    expect(webhookInstant('2023-11-13 19:53:07 +0100')?.toISOString()).toBe('2023-11-13T18:53:07.000Z');
    expect(webhookInstant('2023-11-14T09:00:00.000+01:00')?.toISOString()).toBe('2023-11-14T08:00:00.000Z');
    expect(webhookInstant('hier')).toBeNull();
  });

  it('the zod request schema requires what the description requires', () => {
    const published = post.requestBody.content['application/json'].schema as { required: string[] };
    expect(published.required).toEqual(['invitation']);
    expect(inviteRequestSchema.safeParse({}).success).toBe(false);
    expect(inviteRequestSchema.safeParse(invitation).success).toBe(true);
  });
});
