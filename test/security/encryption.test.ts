/**
 * Payload encryption (issue 7): no clear text reaches the Temporal server's
 * storage, and a key rotation keeps the paths written with the old key readable.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathWorkflowId } from '../../domain/ids.js';
import { MailSink } from '../../dev/mail-sink.js';
import { EncryptionCodec, encryptedDataConverter, parseKeyRing } from '../../workers/codec.js';
import { beneficiaryPath, pathEventUpdate, stateQuery } from '../../workflows/path/path.js';
import { devServerEnv, realActivities, testWorker } from '../support/temporal.js';

const key = () => randomBytes(32).toString('base64');
const K1 = `k1:${key()}`;
const K2 = `k2:${key()}`;
const payload = (text: string) => ({
  metadata: { encoding: Buffer.from('json/plain') },
  data: Buffer.from(text),
});

describe('the payload codec', () => {
  it('encrypts with the active key, names it, and decrypts back', async () => {
    const codec = new EncryptionCodec(parseKeyRing(K1));
    const [encoded] = await codec.encode([payload('"ccas de Jeanne Exemple"')]);
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('Jeanne');
    const [decoded] = await codec.decode([encoded!]);
    expect(Buffer.from(decoded!.data!).toString()).toBe('"ccas de Jeanne Exemple"');
  });

  it('after a rotation, new payloads use the new key and old ones still decrypt; a missing key is a clear error', async () => {
    const [old] = await new EncryptionCodec(parseKeyRing(K1)).encode([payload('1')]);
    const rotated = new EncryptionCodec(parseKeyRing(`${K2},${K1}`));
    expect(Buffer.from((await rotated.decode([old!]))[0]!.data!).toString()).toBe('1');
    const [fresh] = await rotated.encode([payload('2')]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('k2');
    await expect(new EncryptionCodec(parseKeyRing(K2)).decode([old!])).rejects.toThrow(
      'Clé de chiffrement « k1 » absente du trousseau',
    );
  });

  it('refuses tampered data and malformed keys', async () => {
    const [encoded] = await new EncryptionCodec(parseKeyRing(K1)).encode([payload('3')]);
    const data = Buffer.from(encoded!.data!);
    data[20] = (data[20] ?? 0) ^ 1;
    await expect(new EncryptionCodec(parseKeyRing(K1)).decode([{ ...encoded!, data }])).rejects.toThrow();
    expect(() => parseKeyRing('k1:trop-court')).toThrow('32 octets en base64 attendus');
    const clear = payload('"en clair"');
    expect(await new EncryptionCodec(parseKeyRing(K1)).decode([clear])).toEqual([clear]);
  });
});

describe('on the Temporal server', () => {
  const dbFile = join(mkdtempSync(join(tmpdir(), 'jalons-enc-')), 'temporal.db');
  let env: TestWorkflowEnvironment;
  let sink: MailSink;
  const MARKER = 'Marguerite-Exemplaire';
  beforeAll(async () => {
    env = await devServerEnv(['--db-filename', dbFile]);
    sink = await MailSink.start({ smtpPort: 0 });
  }, 60_000);
  afterAll(async () => {
    await sink?.close();
  });

  it('stores no clear text, and a rotated key ring keeps the old path readable and writable', async () => {
    const before = encryptedDataConverter(parseKeyRing(K1));
    const after = encryptedDataConverter(parseKeyRing(`${K2},${K1}`));
    const taskQueue = 'e2e-encryption';
    const id = 'ENC-001';
    // Written with k1 only.
    const clientK1 = new Client({ connection: env.connection, dataConverter: before });
    const w1 = await testWorker(env, realActivities(sink.smtpPort), { taskQueue, dataConverter: before });
    await w1.runUntil(async () => {
      await clientK1.workflow.start(beneficiaryPath, {
        args: [
          {
            beneficiaryId: id,
            rightsOpenedAt: new Date(Date.now() - 86_400_000).toISOString(),
            territory: 'lens-lievin',
          },
        ],
        workflowId: pathWorkflowId(id),
        taskQueue,
      });
      await clientK1.workflow.getHandle(pathWorkflowId(id)).executeUpdate(pathEventUpdate, {
        args: [
          {
            type: 'orientation.decided',
            by: `agent-${MARKER}`,
            data: { track: 'social', organisation: 'cd62', referent: 'ref-5' },
          },
        ],
      });
    });
    // After the rotation: a worker and a client with k2 active, k1 kept to read.
    const clientK2 = new Client({ connection: env.connection, dataConverter: after });
    const w2 = await testWorker(env, realActivities(sink.smtpPort), { taskQueue, dataConverter: after });
    const state = await w2.runUntil(async () => {
      const handle = clientK2.workflow.getHandle(pathWorkflowId(id));
      await handle.executeUpdate(pathEventUpdate, {
        args: [
          {
            type: 'reorientation.decided',
            data: {
              track: 'socio-professional',
              organisation: 'cd62',
              referent: 'ref-6',
              reason: `déménagement de ${MARKER}`,
            },
          },
        ],
      });
      return handle.query(stateQuery);
    });
    expect(state.orientation?.reason).toBe(`déménagement de ${MARKER}`);
    expect(state.journal.map((j) => j.by)).toContain(`agent-${MARKER}`);

    // What the server returns without the codec: encrypted payloads, k1 then k2.
    const raw = new Client({ connection: env.connection });
    const history = await raw.workflow.getHandle(pathWorkflowId(id)).fetchHistory();
    const json = JSON.stringify(history);
    expect(json).not.toContain(MARKER);
    const keyIds = (history.events ?? [])
      .flatMap(
        (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? [],
      )
      .map((p) => Buffer.from(p.metadata?.['encryption-key-id'] ?? []).toString());
    expect(keyIds).toEqual(['k1', 'k2']);

    // And the server's own storage, once stopped: not a byte of the marker.
    await env.teardown();
    const dir = join(dbFile, '..');
    const stored = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
    expect(stored.length).toBeGreaterThan(0);
    for (const bytes of stored) {
      expect(bytes.includes(Buffer.from(MARKER))).toBe(false);
      expect(bytes.includes(Buffer.from(MARKER, 'utf16le'))).toBe(false);
    }
  });
});
