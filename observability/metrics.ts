/**
 * Jalons' own metrics in Prometheus' text format (prom-client), one registry per process,
 * served on /metrics by each process (observability/server.ts for the worker, the web app's and
 * the codec server's routes). The Temporal SDK's worker metrics come from its own exporter
 * (Runtime telemetryOptions) and are appended by the worker's endpoint.
 *
 * Labels are codes (template, partner, step, territory, kind): never a person.
 */
import { Context } from '@temporalio/activity';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Queryable } from '../store/queryable.js';
import { latePathsByStepAndTerritory, stoppedWorkflows } from '../store/metrics.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const messagesQueued = new Counter({
  name: 'jalons_messages_queued_total',
  help: 'Courriels pris en charge par l’activité d’envoi (avant le relais SMTP), par modèle.',
  labelNames: ['template'] as const,
  registers: [registry],
});
export const messagesSent = new Counter({
  name: 'jalons_messages_sent_total',
  help: 'Courriels acceptés par le relais SMTP, par modèle.',
  labelNames: ['template'] as const,
  registers: [registry],
});
export const messagesRefused = new Counter({
  name: 'jalons_messages_refused_total',
  help: 'Courriels refusés définitivement par le relais SMTP (5xx), par modèle.',
  labelNames: ['template'] as const,
  registers: [registry],
});
export const partnerCallsFailed = new Counter({
  name: 'jalons_partner_calls_failed_total',
  help: 'Appels aux partenaires en échec, par partenaire ; outcome = unavailable (réessayé) ou refused (tâche pour une personne).',
  labelNames: ['partner', 'outcome'] as const,
  registers: [registry],
});
export const codecRequests = new Counter({
  name: 'jalons_codec_requests_total',
  help: 'Requêtes du serveur de codec : decode, encode, unauthenticated (401), forbidden (403).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
export const readModelLag = new Gauge({
  name: 'jalons_read_model_lag_seconds',
  help: 'Retard de la dernière écriture du modèle de lecture sur la décision du workflow (secondes).',
  registers: [registry],
});

/** Counts a failed partner call: `retryable` = the partner is away (5xx, timeout), else refused. */
export function countPartnerFailure(partner: string, err: unknown): void {
  const nonRetryable = (err as { nonRetryable?: boolean } | null)?.nonRetryable === true;
  partnerCallsFailed.inc({ partner, outcome: nonRetryable ? 'refused' : 'unavailable' });
}

/**
 * In a read-model activity, after its write: how long since the workflow scheduled it (the effects
 * lane retries until the database is back: docs/architecture.md, « The clock waits for no effect »).
 */
export function observeReadModelWrite(now = Date.now()): void {
  try {
    const scheduled = Context.current().info.scheduledTimestampMs;
    readModelLag.set(Math.max(0, (now - scheduled) / 1000));
  } catch {
    // Outside an activity (a rebuild script): no workflow decision to measure against.
  }
}

let readModelSource: Queryable | undefined;
/**
 * Gauges read from the read model at each scrape: paths late by step and territory, stopped
 * workflows. One process per deployment registers them (the web app): the worker replicas would
 * repeat the same numbers.
 */
export function registerReadModelMetrics(db: Queryable): void {
  const first = readModelSource === undefined;
  readModelSource = db;
  if (!first) return;
  new Gauge({
    name: 'jalons_paths_late',
    help: 'Parcours actifs ayant au moins une échéance dépassée et non tenue, par étape et territoire.',
    labelNames: ['step', 'territory'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await latePathsByStepAndTerritory(readModelSource!))
        this.set({ step: r.step, territory: r.territory }, r.paths);
    },
  });
  new Gauge({
    name: 'jalons_workflows_stopped',
    help: 'Workflows arrêtés ou en échec non résolus (incidents ouverts, docs/health.md), par nature.',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      for (const r of await stoppedWorkflows(readModelSource!)) this.set({ kind: r.kind }, r.open);
    },
  });
}

/** The registry's text, followed by other exporters' text (the Temporal SDK's). */
export async function metricsText(extra: () => Promise<string> = async () => ''): Promise<string> {
  const own = await registry.metrics();
  const more = await extra().catch(() => '');
  return more ? `${own}\n${more}` : own;
}

export const METRICS_CONTENT_TYPE = registry.contentType;
