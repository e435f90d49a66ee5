/**
 * Liveness and readiness of a Jalons process (/sante/vivant, /sante/pret): alive = the process
 * answers; ready = what it needs answers within a short deadline: the Temporal frontend (a cheap
 * GetSystemInfo) and, for the worker and the web app, the read model (`select 1`). Each reason a
 * check fails is one French sentence (an operator reads it in the orchestrator's events).
 */
import type { Queryable } from '../store/queryable.js';

export interface Check {
  name: string;
  run: () => Promise<void>;
}

export interface Readiness {
  ready: boolean;
  /** One line per check: `ok`, or the French reason. */
  checks: Record<string, string>;
}

/** Anything with Temporal's workflow service and deadlines: the client's Connection, the worker's NativeConnection. */
export interface TemporalConnectionLike {
  workflowService: { getSystemInfo(request: object): Promise<unknown> };
  withDeadline<T>(deadline: number | Date, fn: () => Promise<T>): Promise<T>;
}

const DEADLINE_MS = 2_000;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`pas de réponse en ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function temporalCheck(
  connection: () => TemporalConnectionLike | undefined,
  address: string,
  deadlineMs = DEADLINE_MS,
): Check {
  return {
    name: 'temporal',
    run: async () => {
      const c = connection();
      if (!c) throw new Error(`Serveur Temporal (${address}) : pas encore connecté.`);
      try {
        await within(
          deadlineMs + 500,
          c.withDeadline(Date.now() + deadlineMs, () => c.workflowService.getSystemInfo({})),
        );
      } catch {
        throw new Error(
          `Serveur Temporal injoignable (${address}) : pas de réponse en ${deadlineMs / 1000} s.`,
        );
      }
    },
  };
}

/** `db`: the process's read model, or how it opens it (the worker opens it at first use). */
export function readModelCheck(db: () => Queryable | Promise<Queryable>, deadlineMs = DEADLINE_MS): Check {
  return {
    name: 'modele-lecture',
    run: async () => {
      try {
        await within(
          deadlineMs,
          Promise.resolve(db()).then((d) => d.query('select 1')),
        );
      } catch {
        throw new Error(`Modèle de lecture injoignable : pas de réponse en ${deadlineMs / 1000} s.`);
      }
    },
  };
}

/** Runs every check at once; ready when all pass. */
export async function readiness(checks: Check[]): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await c.run();
        return [c.name, 'ok'] as const;
      } catch (err) {
        return [c.name, (err as Error).message] as const;
      }
    }),
  );
  return { ready: results.every(([, r]) => r === 'ok'), checks: Object.fromEntries(results) };
}

/** The body of /sante/pret: `prêt`, or `non prêt` with the first reason, and each check. */
export function readinessBody(r: Readiness): {
  statut: string;
  raison?: string;
  controles: Record<string, string>;
} {
  const reason = Object.values(r.checks).find((v) => v !== 'ok');
  return {
    statut: r.ready ? 'prêt' : 'non prêt',
    ...(reason ? { raison: reason } : {}),
    controles: r.checks,
  };
}
