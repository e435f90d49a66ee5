/**
 * Settings that lock doors (issue 19): the secrets a process refuses at start, the reverse
 * proxies the web app believes, and the TLS / API key of every Temporal client. Read through
 * workers/config.ts, the one module every process imports for its settings.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** At least this many characters for a token or a secret (a random 32-byte value is 43 in base64url). */
export const MIN_SECRET_LENGTH = 32;

/** The placeholders of .env.example and their usual cousins. */
const placeholder = /chang(e|ez)[-_ ]?(moi|me)|rempla(ce|cez)[-_ ]?(moi|me)|replace[-_ ]?me|exemple|example/i;

const advice =
  "tirez-en un au hasard, par exemple : node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"";

interface SecretRule {
  name: string;
  /** The secret values inside the variable (a list, a key ring, a URL's password). */
  values: (raw: string) => string[];
  /** Shorter than MIN_SECRET_LENGTH refused (random tokens and keys; not a provider's password). */
  minLength: boolean;
}

const list = (raw: string) =>
  raw
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const rules: SecretRule[] = [
  { name: 'JALONS_SESSION_KEYS', values: list, minLength: true },
  {
    name: 'JALONS_PAYLOAD_KEYS',
    values: (raw) => list(raw).map((e) => e.split(':')[1] ?? ''),
    minLength: true,
  },
  { name: 'JALONS_PARTNER_TOKEN', values: (raw) => [raw], minLength: true },
  { name: 'JALONS_RDVI_WEBHOOK_SECRET', values: (raw) => [raw], minLength: true },
  { name: 'JALONS_RDVI_WEBHOOK_SECRET_PREVIOUS', values: (raw) => [raw], minLength: true },
  { name: 'JALONS_RDVI_PASSWORD', values: (raw) => [raw], minLength: false },
  { name: 'JALONS_METRICS_TOKEN', values: (raw) => [raw], minLength: true },
  { name: 'JALONS_TEMPORAL_API_KEY', values: (raw) => [raw], minLength: false },
  { name: 'JALONS_OIDC_CLIENT_SECRET', values: (raw) => [raw], minLength: false },
  { name: 'SMTP_PASSWORD', values: (raw) => [raw], minLength: false },
  {
    name: 'JALONS_READMODEL_URL',
    values: (raw) => (/^postgres(ql)?:\/\//.test(raw) ? [safeUrlPassword(raw)] : []),
    minLength: false,
  },
];

function safeUrlPassword(raw: string): string {
  try {
    return decodeURIComponent(new URL(raw).password);
  } catch {
    return '';
  }
}

/**
 * Refuses to start on a placeholder secret (any value of .env.example) or one shorter than 32
 * characters; throws one French sentence naming the variable. Only variables that are set: the
 * embedded stack makes its own keys in the data folder.
 */
export function refuseWeakSecrets(env: NodeJS.ProcessEnv): void {
  if (env.JALONS_CODEC_TOKENS)
    throw new Error(
      'JALONS_CODEC_TOKENS n’est plus accepté : le serveur de codec n’accepte que le jeton d’API personnel d’un compte administrateur (jalons account token <identifiant>). Retirez cette variable.',
    );
  for (const rule of rules) {
    const raw = env[rule.name];
    if (!raw) continue;
    for (const value of rule.values(raw)) {
      if (placeholder.test(value))
        throw new Error(`${rule.name} : valeur d’exemple (copiée de .env.example) refusée ; ${advice}.`);
      if (rule.minLength && value.length < MIN_SECRET_LENGTH)
        throw new Error(
          `${rule.name} : secret trop court (${value.length} caractères) ; ${MIN_SECRET_LENGTH} caractères au moins, ${advice}.`,
        );
    }
  }
}

function isCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

/**
 * JALONS_TRUST_PROXY: the exact addresses or CIDR ranges of the reverse proxies whose
 * X-Forwarded-For is believed (the login limit counts per address). Default: none. `true` and
 * names are refused: a client on a trusted range could forge its address.
 */
export function trustedProxies(raw: string | undefined): string[] | undefined {
  if (!raw?.trim()) return undefined;
  const entries = list(raw);
  const wrong = entries.filter((e) => !isCidr(e));
  if (wrong.length > 0)
    throw new Error(
      `JALONS_TRUST_PROXY : « ${wrong.join(', ')} » n’est pas une adresse IP ni une plage CIDR ; donnez l’adresse exacte du mandataire inverse (ex. 10.89.0.1), séparées par des virgules.`,
    );
  return entries;
}

export interface TemporalTlsSettings {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
  serverName?: string | undefined;
  apiKey?: string | undefined;
}

function pem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new Error(`${variable} : fichier « ${file} » introuvable ou illisible.`);
  }
}

/**
 * The connection options of every Temporal client (the worker's NativeConnection, the web app's,
 * the CLI's and the codec server's Connection): address, and TLS when a CA, a client certificate,
 * a server name or an API key is set (Temporal Cloud: API key or mTLS; a self-hosted cluster: mTLS).
 */
export function temporalConnectionOptions(config: {
  temporal: { address: string };
  temporalTls: TemporalTlsSettings;
}): {
  address: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
} {
  const t = config.temporalTls;
  if (Boolean(t.cert) !== Boolean(t.key))
    throw new Error(
      'JALONS_TEMPORAL_TLS_CERT et JALONS_TEMPORAL_TLS_KEY vont ensemble : le certificat du client et sa clé.',
    );
  const wantsTls = Boolean(t.cert || t.ca || t.serverName || t.apiKey);
  if (!wantsTls) return { address: config.temporal.address };
  return {
    address: config.temporal.address,
    tls: {
      ...(t.serverName ? { serverNameOverride: t.serverName } : {}),
      ...(t.ca ? { serverRootCACertificate: pem('JALONS_TEMPORAL_TLS_CA', t.ca) } : {}),
      ...(t.cert && t.key
        ? {
            clientCertPair: {
              crt: pem('JALONS_TEMPORAL_TLS_CERT', t.cert),
              key: pem('JALONS_TEMPORAL_TLS_KEY', t.key),
            },
          }
        : {}),
    },
    ...(t.apiKey ? { apiKey: t.apiKey } : {}),
  };
}
