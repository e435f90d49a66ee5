/**
 * Where each partner is and how long a call may take: from the environment,
 * for the workers' activities, the web app and the simulators alike.
 */
import { frenchIssues, z } from '../domain/validation.js';
import { partnerNames, type PartnerName } from './http.js';

export interface PartnerConfig {
  /** Base URL and bearer token of each partner. */
  partners: Record<PartnerName, { url: string; token: string }>;
  /** Timeout of one HTTP request, in milliseconds. */
  timeoutMs: number;
}

export const DEFAULT_SIMULATORS_PORT = 8099;
/** The simulators' token: accepted only by them (see `partnerConfigFromEnv`). */
export const SIMULATORS_TOKEN = 'jalons-simulateurs';

/** RDV-Insertion (`rdv`) has its own configuration and contract: JALONS_RDVI_* (partners/rdv-insertion.ts). */
const urlEnv: Record<Exclude<PartnerName, 'rdv'>, string> = {
  'france-travail': 'JALONS_FT_URL',
  caf: 'JALONS_CAF_URL',
  cnsa: 'JALONS_CNSA_URL',
  prefecture: 'JALONS_PREFECTURE_URL',
  'ft-exchange': 'JALONS_FT_EXCHANGE_URL',
  catalogue: 'JALONS_CATALOGUE_URL',
  monjob: 'JALONS_MONJOB_URL',
};

/** The simulators' base URL of each partner, on `port`. */
export function simulatorUrls(port: number, host = '127.0.0.1'): Record<PartnerName, string> {
  return Object.fromEntries(partnerNames.map((p) => [p, `http://${host}:${port}/${p}`])) as Record<
    PartnerName,
    string
  >;
}

const isLocal = (url: string): boolean => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(url);

const envSchema = z.object({
  JALONS_SIMULATORS_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_SIMULATORS_PORT),
  JALONS_FT_URL: z.url({ message: 'JALONS_FT_URL : URL attendue' }).optional(),
  JALONS_CAF_URL: z.url({ message: 'JALONS_CAF_URL : URL attendue' }).optional(),
  JALONS_CNSA_URL: z.url({ message: 'JALONS_CNSA_URL : URL attendue' }).optional(),
  JALONS_PREFECTURE_URL: z.url({ message: 'JALONS_PREFECTURE_URL : URL attendue' }).optional(),
  JALONS_FT_EXCHANGE_URL: z.url({ message: 'JALONS_FT_EXCHANGE_URL : URL attendue' }).optional(),
  JALONS_CATALOGUE_URL: z.url({ message: 'JALONS_CATALOGUE_URL : URL attendue' }).optional(),
  JALONS_MONJOB_URL: z.url({ message: 'JALONS_MONJOB_URL : URL attendue' }).optional(),
  JALONS_PARTNER_TOKEN: z.string().min(1).optional(),
  JALONS_PARTNER_TIMEOUT_MS: z.coerce
    .number()
    .int('nombre entier de millisecondes attendu')
    .min(100, 'au moins 100 ms')
    .max(120_000, 'au plus 120 000 ms (le délai d’une tentative d’activité est de 2 minutes)')
    .default(10_000),
});

/**
 * Partner configuration from the environment. Without a variable, each partner
 * is its local simulator (`http://127.0.0.1:$JALONS_SIMULATORS_PORT/<partner>`);
 * a partner outside this machine requires `JALONS_PARTNER_TOKEN`.
 * Throws an error with a French message when a variable is invalid.
 */
export function partnerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PartnerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Configuration des partenaires invalide : ${frenchIssues(parsed.error)}`);
  }
  const e = parsed.data;
  const defaults = simulatorUrls(e.JALONS_SIMULATORS_PORT);
  const partners = Object.fromEntries(
    partnerNames.map((p) => {
      const url = p === 'rdv' ? undefined : (e[urlEnv[p] as keyof typeof e] as string | undefined);
      return [p, { url: url ?? defaults[p], token: e.JALONS_PARTNER_TOKEN ?? SIMULATORS_TOKEN }];
    }),
  ) as PartnerConfig['partners'];
  const remote = partnerNames.filter((p) => p !== 'rdv' && !isLocal(partners[p].url));
  if (remote.length > 0 && !e.JALONS_PARTNER_TOKEN) {
    throw new Error(
      `Configuration des partenaires invalide : JALONS_PARTNER_TOKEN est requis pour joindre ${remote
        .map((p) => urlEnv[p as Exclude<PartnerName, 'rdv'>])
        .join(', ')} hors de cette machine.`,
    );
  }
  return { partners, timeoutMs: e.JALONS_PARTNER_TIMEOUT_MS };
}
