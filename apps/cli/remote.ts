/**
 * The CLI's remote mode: `jalons --serveur <url>` (or JALONS_SERVER_URL) acts
 * through the operations app's JSON API with a personal token
 * (JALONS_API_TOKEN, or --jeton-fichier), never on Temporal directly. The
 * server applies the token's role and perimeter, and journals each act in the
 * account's name: a CLI on an agent's machine can do no more than its pages.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { PathEventInput } from '../../domain/path/path-events.js';
import type { PathState } from '../../domain/path/path.js';
import { z } from '../../domain/validation.js';
import { ActionRefused } from '../../services/paths.js';

const TIMEOUT_MS = 30_000;

/** The server's problem+json (`detail`, apps/web/problem.ts), or version 1.0's `{ erreur }`. */
const errorSchema = z
  .object({ detail: z.string().optional(), erreur: z.string().optional() })
  .transform((e) => e.detail ?? e.erreur);
const accountSchema = z.object({
  login: z.string(),
  role: z.string(),
  scope: z.object({
    all: z.boolean(),
    organisations: z.array(z.string()).optional(),
    territories: z.array(z.string()).optional(),
  }),
});
export type RemoteAccount = z.infer<typeof accountSchema>;

const deadlineItemSchema = z.object({
  beneficiaryId: z.string(),
  kind: z.string(),
  dueAt: z.string(),
  step: z.string(),
  territory: z.string(),
  organisation: z.string().nullable(),
  referent: z.string().nullable(),
});
export type RemoteDeadline = z.infer<typeof deadlineItemSchema>;

/** What the CLI reads of a path to print it; the rest passes through untouched. */
const pathStateSchema = z
  .object({
    beneficiaryId: z.string(),
    step: z.string(),
    territory: z.string(),
    policy: z.string(),
    rightsOpenedAt: z.string(),
    orientation: z
      .object({ track: z.string(), organisation: z.string(), referent: z.string(), decidedAt: z.string() })
      .loose()
      .nullable(),
    deadlines: z.array(
      z
        .object({ kind: z.string(), dueAt: z.string(), metAt: z.string().nullable(), breached: z.boolean() })
        .loose(),
    ),
    sanctions: z.array(z.object({ rate: z.number(), months: z.number(), decidedAt: z.string() }).loose()),
    notifications: z.array(z.object({ at: z.string(), template: z.string(), to: z.string() }).loose()),
    journal: z.array(z.object({ event: z.string(), at: z.string(), by: z.string().nullable() }).loose()),
  })
  .loose();

/** What a command needs of the remote mode: the API when it is on, and its admission to it. */
export interface RemoteMode {
  /** Null when the CLI acts on Temporal (no --serveur, no JALONS_SERVER_URL). */
  api: () => RemoteJalons | null;
  /** Marks a command as working in remote mode; the others are refused there. */
  allow: (command: Command) => Command;
}

export interface RemoteOptions {
  url: string;
  token: string;
}

/** The server's address and token from the option, the environment or a token file. */
export function remoteOptions(opts: { serveur?: string; jetonFichier?: string }): RemoteOptions | null {
  const url = opts.serveur ?? process.env.JALONS_SERVER_URL;
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ActionRefused(`adresse du serveur invalide : « ${url} » (attendu : https://…).`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ActionRefused(`adresse du serveur invalide : « ${url} » (attendu : https://…).`);
  const token = opts.jetonFichier ? tokenFile(opts.jetonFichier) : process.env.JALONS_API_TOKEN?.trim();
  if (!token)
    throw new ActionRefused(
      'mode distant : il faut un jeton personnel (JALONS_API_TOKEN ou --jeton-fichier ; voir « jalons compte jeton »).',
    );
  return { url: parsed.href.replace(/\/$/, ''), token };
}

function tokenFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ActionRefused(`fichier du jeton illisible : ${file} (${(err as NodeJS.ErrnoException).code}).`);
  }
}

export class RemoteJalons {
  constructor(private readonly options: RemoteOptions) {}

  async me(): Promise<RemoteAccount> {
    return accountSchema.parse(await this.call('GET', '/api/moi'));
  }

  /** The filters by the API's French names (territoire, organisation, referent, etape). */
  async late(filter: Record<string, string | undefined>): Promise<RemoteDeadline[]> {
    const query = new URLSearchParams(
      Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const body = await this.call('GET', `/api/retards${query.size ? `?${query}` : ''}`);
    return z.object({ retards: z.array(deadlineItemSchema) }).parse(body).retards;
  }

  async path(beneficiaryId: string): Promise<PathState> {
    const body = await this.call('GET', `/api/parcours/${encodeURIComponent(beneficiaryId)}`);
    return pathStateSchema.parse(body) as unknown as PathState;
  }

  async act(beneficiaryId: string, event: Omit<PathEventInput, 'by'>): Promise<PathState> {
    const path = `/api/parcours/${encodeURIComponent(beneficiaryId)}/actes`;
    return pathStateSchema.parse(await this.call('POST', path, event)) as unknown as PathState;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.options.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new Error(`serveur ${this.options.url} injoignable (${(err as Error).message}).`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`réponse illisible du serveur (HTTP ${res.status}).`);
    }
    if (res.ok) return json;
    if (res.status === 401)
      throw new ActionRefused(
        `jeton personnel refusé par ${this.options.url} (inconnu, révoqué, ou compte désactivé).`,
      );
    const message = errorSchema.safeParse(json).data ?? `HTTP ${res.status}`;
    // The server's refusals (401, 403, 404, 400, 422, 429) are the person's to read; a 5xx is not.
    if (res.status < 500) throw new ActionRefused(message);
    throw new Error(`le serveur a échoué (HTTP ${res.status}) : ${message}`);
  }
}
