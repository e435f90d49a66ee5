/**
 * The worker's small HTTP server (JALONS_WORKER_METRICS_PORT): /metrics (Jalons' registry and the
 * Temporal SDK's exporter, one scrape), /sante/vivant, /sante/pret. The worker has no other port.
 */
import { createServer, type Server } from 'node:http';
import { readiness, readinessBody, type Check } from './health.js';
import { METRICS_CONTENT_TYPE, metricsText } from './metrics.js';

export interface ProcessServerOptions {
  port: number;
  host?: string;
  checks: Check[];
  /** Another exporter's /metrics to append (the SDK's, on loopback). */
  sdkMetricsUrl?: string;
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return res.ok ? res.text() : '';
}

export async function startProcessServer(o: ProcessServerOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const json = (status: number, body: unknown) =>
      send(status, 'application/json; charset=utf-8', JSON.stringify(body));
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { message: 'Méthode non permise.' });
    if (path === '/sante/vivant') return json(200, { statut: 'vivant' });
    if (path === '/sante/pret')
      return void readiness(o.checks).then((r) => json(r.ready ? 200 : 503, readinessBody(r)));
    if (path === '/metrics')
      return void metricsText(o.sdkMetricsUrl ? () => fetchText(o.sdkMetricsUrl!) : undefined).then(
        (text) => send(200, METRICS_CONTENT_TYPE, text),
        () => json(500, { message: 'Métriques indisponibles.' }),
      );
    json(404, { message: 'Introuvable : /metrics, /sante/vivant, /sante/pret.' });
  });
  await new Promise<void>((resolve) => server.listen(o.port, o.host ?? '0.0.0.0', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : o.port };
}
