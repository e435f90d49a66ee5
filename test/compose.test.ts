/**
 * The production compose files read as data (no Docker engine here; scripts/check-compose.sh
 * runs the real Compose parser in CI): the supported Temporal deployment (server + admin-tools
 * schema, no auto-setup), a read-only UI on loopback, a healthcheck for every long-running
 * service and start order by health, Prometheus and Grafana under the `observabilite` profile
 * with files that exist and metrics that Jalons exports, TLS for every Temporal client.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }> | string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  entrypoint?: string[];
  restart?: string;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, Service>;
  networks: { default: { ipam: { config: { subnet: string; gateway: string }[] } } };
  configs: Record<string, { content: string }>;
};
const services = compose.services;
const oneShot = ['temporal-schema', 'temporal-namespace'];
const envExample = readFileSync('.env.example', 'utf8');

describe('docker-compose.yml', () => {
  it('runs the supported Temporal server, its schema set up by admin-tools on PostgreSQL', () => {
    const images = Object.values(services).map((s) => s.image ?? '');
    expect(images.some((i) => i.includes('auto-setup'))).toBe(false);
    expect(services.temporal!.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    const version = services.temporal!.image!.split(':')[1]!;
    for (const name of oneShot) {
      expect(services[name]!.image).toBe(`temporalio/admin-tools:${version}-tctl-1.18.4-cli-1.5.0`);
      expect(services[name]!.restart).toMatch(/^on-failure/);
    }
    const script = readFileSync('deploy/temporal/setup-schema.sh', 'utf8');
    for (const db of ['temporal', 'temporal_visibility']) expect(script).toContain(db);
    expect(script).toMatch(/setup-schema -v 0\.0/);
    expect(script).toMatch(/update-schema -d "\$SCHEMA\/\$dir\/versioned"/);
    expect(services['temporal-schema']!.entrypoint).toEqual(['/bin/sh', '/deploy/temporal/setup-schema.sh']);
    expect(services.temporal!.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(readFileSync('deploy/temporal/create-namespace.sh', 'utf8')).toContain('--retention "$RETENTION"');
  });

  it('pins every image; gives every long-running service a healthcheck; orders the start by health', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^[a-z0-9./_-]+:(\d[\w.-]*|v\d[\w.-]*|\$\{JALONS_VERSION:-latest\})$/);
      if (!oneShot.includes(name)) expect(s.healthcheck?.test, `${name} : healthcheck`).toBeDefined();
      const deps = s.depends_on ?? {};
      expect(Array.isArray(deps), `${name} : depends_on avec conditions`).toBe(false);
      for (const [dep, { condition }] of Object.entries(deps)) {
        expect(services[dep], `${name} → ${dep}`).toBeDefined();
        expect(condition, `${name} → ${dep}`).toBe(
          oneShot.includes(dep) ? 'service_completed_successfully' : 'service_healthy',
        );
      }
    }
    expect(services.web!.depends_on).toMatchObject({ worker: { condition: 'service_healthy' } });
    expect(services.worker!.depends_on).toMatchObject({
      'temporal-namespace': { condition: 'service_completed_successfully' },
      'readmodel-db': { condition: 'service_healthy' },
    });
    // The Jalons processes are probed on their own readiness endpoint.
    for (const [name, port] of [
      ['worker', 9464],
      ['web', 8080],
      ['codec', 8081],
    ] as const)
      expect(JSON.stringify(services[name]!.healthcheck!.test)).toContain(
        `http://127.0.0.1:${port}/sante/pret`,
      );
    expect(services.worker!.environment).toMatchObject({ JALONS_WORKER_METRICS_PORT: '9464' });
  });

  it('keeps the UI read-only and every published port on loopback', () => {
    expect(services['temporal-ui']!.environment).toMatchObject({ TEMPORAL_DISABLE_WRITE_ACTIONS: 'true' });
    for (const [name, s] of Object.entries(services))
      for (const port of s.ports ?? []) expect(port, name).toMatch(/^'?127\.0\.0\.1:/);
  });

  it('trusts one exact proxy address, none by default, and refuses shared codec tokens', () => {
    expect(services.web!.environment!.JALONS_TRUST_PROXY).toBe('${JALONS_TRUST_PROXY:-}');
    expect(readFileSync('docker-compose.yml', 'utf8')).not.toContain('172.16.0.0/12');
    expect(envExample).toMatch(/^JALONS_TRUST_PROXY=10\.89\.0\.1$/m);
    expect(compose.networks.default.ipam.config[0]).toEqual({
      subnet: '${JALONS_NETWORK_SUBNET:-10.89.0.0/24}',
      gateway: '${JALONS_NETWORK_GATEWAY:-10.89.0.1}',
    });
    expect(services.codec!.environment).not.toHaveProperty('JALONS_CODEC_TOKENS');
    expect(envExample).not.toMatch(/^JALONS_CODEC_TOKENS=/m);
  });

  it('runs Prometheus and Grafana under the `observabilite` profile, with their files', () => {
    for (const name of ['prometheus', 'grafana']) expect(services[name]!.profiles).toEqual(['observabilite']);
    for (const [name, s] of Object.entries(services))
      if (!['prometheus', 'grafana'].includes(name)) expect(s.profiles, name).toBeUndefined();
    for (const s of [services.prometheus!, services.grafana!, services['temporal-schema']!])
      for (const v of s.volumes ?? [])
        if (v.startsWith('./')) expect(existsSync(v.split(':')[0]!), v).toBe(true);
    expect(compose.configs['metrics-token']!.content).toMatch(/^\$\{JALONS_METRICS_TOKEN:\?/);
  });

  it('scrapes every Jalons process and alerts on metrics Jalons exports', () => {
    const prometheus = parse(readFileSync('deploy/prometheus/prometheus.yml', 'utf8')) as {
      scrape_configs: { job_name: string; authorization?: { credentials_file: string } }[];
    };
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((j) => [j.job_name, j]));
    expect(Object.keys(jobs)).toEqual(['jalons-worker', 'jalons-web', 'jalons-codec', 'temporal-server']);
    expect(jobs['jalons-web']!.authorization).toEqual({ credentials_file: '/etc/prometheus/metrics-token' });
    const exported = readFileSync('observability/metrics.ts', 'utf8');
    const alerts = parse(readFileSync('deploy/prometheus/alerts.yml', 'utf8')) as {
      groups: { rules: { alert: string; expr: string; annotations: { summary: string } }[] }[];
    };
    const rules = alerts.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(8);
    const dashboard = readFileSync('deploy/grafana/jalons.json', 'utf8');
    const used = new Set([
      ...rules.flatMap((r) => r.expr.match(/jalons_[a-z_]+/g) ?? []),
      ...(dashboard.match(/jalons_[a-z_]+/g) ?? []),
    ]);
    for (const metric of used) expect(exported, metric).toContain(`'${metric}'`);
    for (const m of ['jalons_paths_late', 'jalons_messages_sent_total', 'jalons_workflows_stopped'])
      expect(used.has(m), m).toBe(true);
    expect(JSON.parse(dashboard).panels.length).toBeGreaterThanOrEqual(8);
  });
});

describe('docker-compose.tls.yml', () => {
  it('gives every Temporal client of Jalons its CA, certificate, key and server name; mTLS on the server', () => {
    const tls = parse(readFileSync('docker-compose.tls.yml', 'utf8'), { merge: true }) as {
      services: Record<string, Service>;
    };
    for (const name of ['worker', 'web'])
      expect(Object.keys(tls.services[name]!.environment!).sort(), name).toEqual([
        'JALONS_TEMPORAL_TLS_CA',
        'JALONS_TEMPORAL_TLS_CERT',
        'JALONS_TEMPORAL_TLS_KEY',
        'JALONS_TEMPORAL_TLS_SERVER_NAME',
      ]);
    expect(tls.services.temporal!.environment).toMatchObject({ TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true' });
    expect(tls.services['temporal-ui']!.environment).toHaveProperty('TEMPORAL_TLS_CA');
    for (const v of ['JALONS_TEMPORAL_TLS_DIR', 'JALONS_TEMPORAL_TLS_SERVER_NAME'])
      expect(envExample).toMatch(new RegExp(`^${v}=.+$`, 'm'));
  });
});
