/**
 * One structured logger (pino) for every Jalons process: the worker (and the Temporal SDK's own
 * lines through `temporalLogger`), the web app, the codec server, the CLI's diagnostics.
 *
 * JSON lines in production (NODE_ENV=production or JALONS_LOG_FORMAT=json), readable lines in
 * development (pino-pretty, a development dependency: when it is absent, JSON). Always on the
 * standard error: the CLI's standard output is its result.
 *
 * No personal data (docs/architecture.md, « Security »): lines carry pseudonymous ids and codes;
 * known sensitive keys are masked wherever they appear (up to three levels deep), and the request
 * serializer keeps neither the client's address nor the query string.
 */
import { createRequire } from 'node:module';
import { Context } from '@temporalio/activity';
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys masked in every line, whatever object carries them. */
export const REDACTED_KEYS = [
  'password',
  'pass',
  'motDePasse',
  'token',
  'apiToken',
  'apiKey',
  'secret',
  'authorization',
  'cookie',
  'set-cookie',
  'email',
  'mail',
  'nir',
  'name',
  'nom',
  'prenom',
  'address',
  'adresse',
  'phone',
  'telephone',
  'birthDate',
] as const;

export const REDACTED = '[masqué]';

const redactPaths = REDACTED_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = key.startsWith('[') ? '' : '.';
  return [key, `*${dot}${key}`, `*.*${dot}${key}`];
});

export type LogFormat = 'json' | 'pretty';

/** JSON when the environment says production (or asks for it), readable otherwise. */
export function logFormat(env: NodeJS.ProcessEnv = process.env): LogFormat {
  if (env.JALONS_LOG_FORMAT === 'json' || env.JALONS_LOG_FORMAT === 'pretty') return env.JALONS_LOG_FORMAT;
  return env.NODE_ENV === 'production' ? 'json' : 'pretty';
}

/** pino-pretty only if it is installed (a development dependency): production never needs it. */
function prettyStream(): DestinationStream | null {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (o: object) => DestinationStream;
    return pretty({ destination: 2, sync: true, colorize: false, translateTime: 'SYS:HH:MM:ss.l' });
  } catch {
    return null;
  }
}

/** A request as logged: method, route and path, never the address nor the query (it may hold a name). */
const requestSerializer = (req: { method?: string; url?: string; id?: string }) => ({
  id: req.id,
  method: req.method,
  path: (req.url ?? '').split('?')[0],
});

export interface LoggerOptions {
  /** The process: worker, web, codec, cli. */
  service: string;
  env?: NodeJS.ProcessEnv;
  /** Where lines go (tests); default: the standard error. */
  destination?: DestinationStream;
}

export function createLogger({ service, env = process.env, destination }: LoggerOptions): Logger {
  const level = env.JALONS_LOG_LEVEL ?? 'info';
  const options = {
    level,
    base: { service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: redactPaths, censor: REDACTED },
    // A response: its status only (its headers may carry a session cookie).
    serializers: {
      req: requestSerializer,
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: stdSerializers.err,
    },
  };
  const out =
    destination ??
    (logFormat(env) === 'pretty' ? prettyStream() : null) ??
    pino.destination({ fd: 2, sync: true });
  return pino(options, out);
}

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's logger interface over pino: installed as the Runtime's logger, the SDK's
 * lines, the workflows' `log` and the activities' `log` come out as JSON lines carrying their
 * metadata (workflowId, workflowType, activityType, taskQueue…).
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const at = (level: LogLevel) => (message: string, meta?: LogMetadata) =>
    logger[pinoLevel[level]]({ ...(meta ?? {}) }, message);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}

/**
 * In an activity, the logger with the workflow's id and the activity's type on every line
 * (Context.current().info); elsewhere, the logger itself.
 */
export function inActivity(logger: Logger): Logger {
  try {
    const info = Context.current().info;
    return logger.child({ workflowId: info.workflowExecution?.workflowId, activityType: info.activityType });
  } catch {
    return logger;
  }
}

let processLogger: Logger | undefined;
/** The process's logger, made once (service from JALONS_SERVICE, else `jalons`). */
export function log(): Logger {
  return (processLogger ??= createLogger({ service: process.env.JALONS_SERVICE ?? 'jalons' }));
}
/** Names the process's logger (at start, before its first line). */
export function setProcessLogger(logger: Logger): Logger {
  processLogger = logger;
  return logger;
}
