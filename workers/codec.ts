/**
 * Payload encryption: every payload Temporal stores (inputs, states, results,
 * failures) is AES-256-GCM encrypted by the client or worker before it leaves
 * the process. A key ring names keys by id; the id travels in the payload's
 * metadata, so a rotated-out key still decrypts the histories it wrote.
 * A payload that is not encrypted (histories from before encryption) is passed
 * through unchanged.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export interface KeyRing {
  /** Encrypts new payloads. */
  activeId: string;
  keys: Map<string, Buffer>;
}

/** `id:base64,id:base64…`, the first being the active key (32 bytes each). */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [id, b64] = entry.split(':');
      const key = Buffer.from(b64 ?? '', 'base64');
      if (!id || key.length !== 32)
        throw new Error(`Clé de chiffrement invalide « ${id ?? ''} » : 32 octets en base64 attendus.`);
      return [id, key] as const;
    });
  if (entries.length === 0) throw new Error('Trousseau de clés de chiffrement vide.');
  return { activeId: entries[0]![0], keys: new Map(entries) };
}

/**
 * The key ring from `JALONS_PAYLOAD_KEYS`, else from a file in the data folder,
 * created with a fresh key on the embedded stack's first start.
 */
export function loadKeyRing(env: NodeJS.ProcessEnv, file: string): KeyRing {
  if (env.JALONS_PAYLOAD_KEYS) return parseKeyRing(env.JALONS_PAYLOAD_KEYS);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return parseKeyRing(readFileSync(file, 'utf8'));
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.ring.keys.get(this.ring.activeId)!;
    return payloads.map((p) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const clear = PayloadMessage.encode(p).finish();
      const data = Buffer.concat([iv, cipher.update(clear), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(this.ring.activeId) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (Buffer.from(p.metadata?.encoding ?? []).toString() !== ENCODING) return p;
      const id = Buffer.from(p.metadata?.[KEY_ID] ?? []).toString();
      const key = this.ring.keys.get(id);
      if (!key)
        throw new Error(`Clé de chiffrement « ${id} » absente du trousseau : impossible de déchiffrer.`);
      const data = Buffer.from(p.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      const clear = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return PayloadMessage.decode(clear) as Payload;
    });
  }
}

export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** The data converter of every Jalons client and worker: encrypted payloads and failures. */
export function encryptedDataConverter(ring: KeyRing): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath };
}
