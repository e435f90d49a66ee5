/**
 * Locked doors at start (issue 19): a placeholder secret copied from .env.example, or one shorter
 * than 32 characters, stops the real process with a French sentence naming the variable; the
 * trusted reverse proxies are an exact list; every Temporal client builds its TLS from the same
 * settings, and a missing file is said in French.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig, refuseWeakSecrets, temporalConnectionOptions } from '../../workers/config.js';
import { trustedProxies } from '../../workers/settings.js';

const example = Object.fromEntries(
  readFileSync('.env.example', 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_0-9]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const strong = () => randomBytes(32).toString('base64');

/** Runs a process entry with `env`; resolves with its exit code and output once it exits (or 60 s). */
function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', entry], {
      env: { ...process.env, NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('secrets refused at start', () => {
  it('the real worker and web processes stop on a placeholder of .env.example, naming the variable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jalons-secrets-'));
    const [worker, web] = await Promise.all([
      run('workers/main.ts', {
        JALONS_DATA_DIR: dataDir,
        JALONS_PARTNER_TOKEN: example.JALONS_PARTNER_TOKEN!,
        TEMPORAL_ADDRESS: '127.0.0.1:1',
      }),
      run('apps/web/main.ts', {
        JALONS_DATA_DIR: dataDir,
        JALONS_SESSION_KEYS: example.JALONS_SESSION_KEYS!,
        JALONS_READMODEL_URL: 'memory:',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
      }),
    ]);
    expect(worker.code).toBe(1);
    const line = JSON.parse(worker.out.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'fatal', service: 'worker' });
    expect(line.msg).toMatch(/^Démarrage refusé : JALONS_PARTNER_TOKEN : valeur d’exemple/);
    // The placeholder itself is not repeated in the logs.
    expect(worker.out).not.toContain(example.JALONS_PARTNER_TOKEN);
    expect(web.code).toBe(1);
    expect(web.out).toContain('Démarrage refusé : JALONS_SESSION_KEYS : valeur d’exemple');
  }, 120_000);

  it('the codec server refuses a short token and a shared codec token', async () => {
    const short = await run('apps/codec-server/main.ts', {
      JALONS_METRICS_TOKEN: 'court-123',
      JALONS_PAYLOAD_KEYS: `k1:${strong()}`,
      JALONS_CODEC_UI_ORIGIN: 'http://127.0.0.1:8233',
      JALONS_READMODEL_URL: 'memory:',
    });
    expect(short.code).toBe(1);
    expect(short.out).toContain(
      'JALONS_METRICS_TOKEN : secret trop court (9 caractères) ; 32 caractères au moins',
    );
    const shared = await run('apps/codec-server/main.ts', {
      JALONS_CODEC_TOKENS: randomBytes(32).toString('base64url'),
    });
    expect(shared.code).toBe(1);
    expect(shared.out).toContain('JALONS_CODEC_TOKENS n’est plus accepté');
  }, 120_000);

  it('every secret variable of .env.example is refused as it stands; real values pass', () => {
    for (const name of [
      'JALONS_SESSION_KEYS',
      'JALONS_PAYLOAD_KEYS',
      'JALONS_PARTNER_TOKEN',
      'SMTP_PASSWORD',
      'JALONS_RDVI_PASSWORD',
      'JALONS_RDVI_WEBHOOK_SECRET',
    ]) {
      expect(example[name], name).toBeTruthy();
      expect(() => refuseWeakSecrets({ [name]: example[name] }), name).toThrow(
        new RegExp(`^${name} : valeur d’exemple`),
      );
    }
    expect(() =>
      refuseWeakSecrets({
        JALONS_READMODEL_URL: 'postgres://jalons:changez-moi-mot-de-passe-jalons@db:5432/jalons',
      }),
    ).toThrow(/^JALONS_READMODEL_URL : valeur d’exemple/);
    // At the boundary: 31 characters refused, 32 accepted.
    expect(() => refuseWeakSecrets({ JALONS_PARTNER_TOKEN: 'a'.repeat(31) })).toThrow(
      /trop court \(31 caractères\)/,
    );
    expect(() => refuseWeakSecrets({ JALONS_PARTNER_TOKEN: 'a'.repeat(32) })).not.toThrow();
    // The webhook secret and its predecessor during a rotation: a shared secret, 32 characters at least.
    expect(() => refuseWeakSecrets({ JALONS_RDVI_WEBHOOK_SECRET_PREVIOUS: 'b'.repeat(31) })).toThrow(
      /^JALONS_RDVI_WEBHOOK_SECRET_PREVIOUS : secret trop court \(31 caractères\)/,
    );
    expect(() => refuseWeakSecrets({ JALONS_RDVI_WEBHOOK_SECRET: 'b'.repeat(32) })).not.toThrow();
    expect(() =>
      refuseWeakSecrets({
        JALONS_SESSION_KEYS: `${strong()},${strong()}`,
        JALONS_PAYLOAD_KEYS: `k2:${strong()},k1:${strong()}`,
        JALONS_PARTNER_TOKEN: randomBytes(32).toString('base64url'),
        JALONS_READMODEL_URL: 'postgres://jalons:Zq8v1n3kLw@db:5432/jalons',
        SMTP_PASSWORD: 'mot-de-passe-du-relais',
      }),
    ).not.toThrow();
    // The second key of a ring is checked too.
    expect(() => refuseWeakSecrets({ JALONS_PAYLOAD_KEYS: `k2:${strong()},k1:court` })).toThrow(
      /^JALONS_PAYLOAD_KEYS : secret trop court/,
    );
  });
});

describe('trusted reverse proxies', () => {
  it('accepts exact addresses and CIDR ranges, none by default; refuses `true` and names', () => {
    expect(trustedProxies(undefined)).toBeUndefined();
    expect(trustedProxies(' ')).toBeUndefined();
    expect(trustedProxies('10.89.0.1, 2001:db8::1,10.0.0.0/30')).toEqual([
      '10.89.0.1',
      '2001:db8::1',
      '10.0.0.0/30',
    ]);
    expect(() => trustedProxies('true')).toThrow(/^JALONS_TRUST_PROXY : « true » n’est pas une adresse IP/);
    expect(() => trustedProxies('10.0.0.1,proxy.local,10.0.0.0/33')).toThrow(
      /« proxy\.local, 10\.0\.0\.0\/33 »/,
    );
    expect(loadConfig({ JALONS_TRUST_PROXY: '10.89.0.1' }).trustProxy).toEqual(['10.89.0.1']);
    expect(loadConfig({}).trustProxy).toBeUndefined();
  });
});

describe('TLS of every Temporal client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jalons-tls-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('builds the options from a CA file and a server name, with a client certificate for mTLS', () => {
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.departement.example:7233',
      JALONS_TEMPORAL_TLS_CA: ca,
      JALONS_TEMPORAL_TLS_SERVER_NAME: 'temporal.interne',
    });
    expect(temporalConnectionOptions(config)).toEqual({
      address: 'temporal.departement.example:7233',
      tls: { serverNameOverride: 'temporal.interne', serverRootCACertificate: readFileSync(ca) },
    });
    const crt = file('client.pem', 'CERT');
    const key = file('client.key', 'KEY');
    const mtls = temporalConnectionOptions(
      loadConfig({ JALONS_TEMPORAL_TLS_CA: ca, JALONS_TEMPORAL_TLS_CERT: crt, JALONS_TEMPORAL_TLS_KEY: key }),
    );
    expect(mtls.tls?.clientCertPair).toEqual({ crt: Buffer.from('CERT'), key: Buffer.from('KEY') });
    // Temporal Cloud with an API key: TLS on, the key sent.
    expect(temporalConnectionOptions(loadConfig({ JALONS_TEMPORAL_API_KEY: 'cle' }))).toEqual({
      address: '127.0.0.1:7233',
      tls: {},
      apiKey: 'cle',
    });
    // Nothing set: plain connection (the embedded stack on loopback).
    expect(temporalConnectionOptions(loadConfig({}))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('refuses a missing file and a certificate without its key, in French', () => {
    expect(() =>
      temporalConnectionOptions(loadConfig({ JALONS_TEMPORAL_TLS_CA: join(dir, 'absent.pem') })),
    ).toThrow(`JALONS_TEMPORAL_TLS_CA : fichier « ${join(dir, 'absent.pem')} » introuvable ou illisible.`);
    expect(() =>
      temporalConnectionOptions(loadConfig({ JALONS_TEMPORAL_TLS_CERT: file('only.pem', 'C') })),
    ).toThrow(/JALONS_TEMPORAL_TLS_CERT et JALONS_TEMPORAL_TLS_KEY vont ensemble/);
  });
});
