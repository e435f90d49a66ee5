/**
 * Process configuration, from the environment (12-factor), validated with zod.
 * The defaults are the embedded one-machine stack.
 */
import { resolve } from 'node:path';
import { frenchIssues, z } from '../domain/validation.js';
import { trustedProxies } from './settings.js';

export { refuseWeakSecrets, temporalConnectionOptions } from './settings.js';

const port = z.coerce.number().int().min(1).max(65535);

/**
 * The worker's cache by default, set from `npm run bench` (README, « Banc d'essai »): a
 * path in cache costs ~340 KiB and an idle worker ~210 MiB, so 1,500 paths keep the
 * worker near 700 MiB at rest and ~1 GiB at the busiest measured (52,700 paths starting),
 * inside the 1.5 GiB the compose file gives it. Every path not in cache replays on its
 * next wake.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1_500;

/** A retention in months (also `jalons rgpd purge --months`). */
export const retentionMonthsSchema = z.coerce
  .number({ error: 'nombre entier de mois attendu' })
  .int('nombre entier de mois attendu')
  .min(1, 'au moins 1 mois')
  .max(600, 'au plus 600 mois');

const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  JALONS_TASK_QUEUE: z.string().default('jalons'),
  JALONS_DATA_DIR: z.string().default('data'),
  JALONS_DIRECTORY: z.string().default('config/directory.json'),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: port.default(1025),
  SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  JALONS_TEMPORAL_PORT: port.default(7233),
  JALONS_TEMPORAL_UI_PORT: port.default(8233),
  JALONS_MAIL_UI_PORT: port.default(8025),
  JALONS_WEB_PORT: port.default(8080),
  JALONS_CODEC_PORT: port.default(8081),
  /** Workflows kept in the worker's memory; the others replay on their next timer or event. */
  JALONS_MAX_CACHED_WORKFLOWS: z.coerce.number().int().positive().default(DEFAULT_MAX_CACHED_WORKFLOWS),
  /** The workflow code bundled beforehand (`npm run build:workflows`); absent: bundled at start (slower, heavier). */
  JALONS_WORKFLOW_BUNDLE: z.string().optional(),
  /** Emails sent per second at most, over all workers (the notifications task queue's limit; the relay's quota). */
  JALONS_NOTIFICATIONS_PER_SECOND: z.coerce
    .number({ error: 'nombre de courriels par seconde attendu' })
    .positive('débit strictement positif attendu')
    .max(1000, 'au plus 1 000 courriels par seconde')
    .default(5),
  /** No longer accepted (refused at start, workers/settings.ts): the codec server takes administrators' API tokens only. */
  JALONS_CODEC_TOKENS: z.string().optional(),
  /** `postgres://…` in production; default: the embedded database in the data folder. */
  JALONS_READMODEL_URL: z.string().optional(),
  /** Web sessions' keys, base64 of 32 bytes, comma-separated, the first encrypts (rotation); default: a key in the data folder. */
  JALONS_SESSION_KEYS: z
    .string()
    .optional()
    .refine(
      (v) => !v || v.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32),
      'JALONS_SESSION_KEYS : clés de 32 octets en base64 attendues, séparées par des virgules',
    ),
  /** The session cookie's Secure flag; default on, except in the embedded stack (http://127.0.0.1). */
  JALONS_COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  /** Reverse proxies whose X-Forwarded-For the web app believes: addresses / CIDR ranges, comma-separated; none by default. */
  JALONS_TRUST_PROXY: z.string().optional(),
  /** The former name of JALONS_TRUST_PROXY (same rules: `true` is refused). */
  JALONS_WEB_TRUST_PROXY: z.string().optional(),
  /** The worker's /metrics and /sante/* (observability/server.ts); the SDK's own exporter stays on loopback. */
  JALONS_WORKER_METRICS_PORT: port.optional(),
  JALONS_WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  JALONS_SDK_METRICS_PORT: port.default(9465),
  /** Bearer token of the web app's and the codec server's /metrics; none: loopback only. */
  JALONS_METRICS_TOKEN: z.string().optional(),
  /** TLS / mTLS to the Temporal frontend (docs/deploiement.md): PEM files, and the server's name. */
  JALONS_TEMPORAL_TLS_CERT: z.string().optional(),
  JALONS_TEMPORAL_TLS_KEY: z.string().optional(),
  JALONS_TEMPORAL_TLS_CA: z.string().optional(),
  JALONS_TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** Temporal Cloud's API key (instead of a client certificate). */
  JALONS_TEMPORAL_API_KEY: z.string().optional(),
  /** RGPD: months a closed path is kept after its exit before the purge removes it (services/rgpd.ts). */
  JALONS_RETENTION_MONTHS: retentionMonthsSchema.default(24),
  /** RGPD: months the accounts' journal (logins, failures, changes, with addresses) is kept (CNIL: 6 to 12). */
  JALONS_ACCOUNT_LOG_MONTHS: retentionMonthsSchema.default(12),
  /** Days a personal API token lives (store/accounts.ts apiTokenDays): out of 1–366, the start stops. */
  JALONS_API_TOKEN_DAYS: z
    .string()
    .optional()
    .refine(
      (v) => !v?.trim() || (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 366),
      'nombre entier de jours entre 1 et 366 attendu',
    ),
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Configuration invalide : ${frenchIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    // The embedded stack's server listens on JALONS_TEMPORAL_PORT; elsewhere, name the address.
    temporal: {
      address: e.TEMPORAL_ADDRESS || `127.0.0.1:${e.JALONS_TEMPORAL_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
    },
    taskQueue: e.JALONS_TASK_QUEUE,
    maxCachedWorkflows: e.JALONS_MAX_CACHED_WORKFLOWS,
    notificationsPerSecond: e.JALONS_NOTIFICATIONS_PER_SECOND,
    workflowBundle: e.JALONS_WORKFLOW_BUNDLE ? resolve(e.JALONS_WORKFLOW_BUNDLE) : undefined,
    retentionMonths: e.JALONS_RETENTION_MONTHS,
    accountLogMonths: e.JALONS_ACCOUNT_LOG_MONTHS,
    dataDir: resolve(e.JALONS_DATA_DIR),
    directoryFile: resolve(e.JALONS_DIRECTORY),
    readModelUrl: e.JALONS_READMODEL_URL || resolve(e.JALONS_DATA_DIR, 'readmodel'),
    /** Used when JALONS_PAYLOAD_KEYS is not set: the embedded stack's own key ring. */
    payloadKeysFile: resolve(e.JALONS_DATA_DIR, 'payload-keys'),
    codecTokenFile: resolve(e.JALONS_DATA_DIR, 'codec-token'),
    sessionKeys: e.JALONS_SESSION_KEYS?.split(',').map((k) => Buffer.from(k.trim(), 'base64')),
    sessionKeyFile: resolve(e.JALONS_DATA_DIR, 'session-key'),
    cookieSecure: e.JALONS_COOKIE_SECURE === undefined ? undefined : e.JALONS_COOKIE_SECURE === 'true',
    trustProxy: trustedProxies(e.JALONS_TRUST_PROXY ?? e.JALONS_WEB_TRUST_PROXY),
    temporalTls: {
      cert: e.JALONS_TEMPORAL_TLS_CERT || undefined,
      key: e.JALONS_TEMPORAL_TLS_KEY || undefined,
      ca: e.JALONS_TEMPORAL_TLS_CA || undefined,
      serverName: e.JALONS_TEMPORAL_TLS_SERVER_NAME || undefined,
      apiKey: e.JALONS_TEMPORAL_API_KEY || undefined,
    },
    metrics: {
      workerPort: e.JALONS_WORKER_METRICS_PORT,
      workerHost: e.JALONS_WORKER_METRICS_HOST,
      sdkPort: e.JALONS_SDK_METRICS_PORT,
      token: e.JALONS_METRICS_TOKEN || undefined,
    },
    /** Where `npm start` writes the first accounts' passwords (mode 600). */
    adminPasswordFile: resolve(e.JALONS_DATA_DIR, 'admin-password.txt'),
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE === 'true',
      auth: e.SMTP_USER ? { user: e.SMTP_USER, pass: e.SMTP_PASSWORD ?? '' } : undefined,
    },
    ports: {
      temporal: e.JALONS_TEMPORAL_PORT,
      temporalUi: e.JALONS_TEMPORAL_UI_PORT,
      mailUi: e.JALONS_MAIL_UI_PORT,
      web: e.JALONS_WEB_PORT,
      codec: e.JALONS_CODEC_PORT,
    },
  };
}
