/** A Temporal client for the operations tools, with French errors when the server is away. */
import { execFileSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';

const { temporal } = proto;
import { pathSearchAttributes } from '../workflows/shared/search-attributes.js';
import { encryptedDataConverter, loadKeyRing } from '../workers/codec.js';
import { temporalConnectionOptions, type Config } from '../workers/config.js';
import { frenchTemporalError } from './temporal-errors.js';

export async function connectClient(config: Config): Promise<Client> {
  // TLS / mTLS and API key from the settings (workers/settings.ts): a missing file is said as is.
  const options = temporalConnectionOptions(config);
  try {
    const connection = await Connection.connect({ ...options, connectTimeout: '5s' });
    const dataConverter = encryptedDataConverter(loadKeyRing(process.env, config.payloadKeysFile));
    return new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  } catch (err) {
    // The SDK's own (English) reason stays in `cause`, for the logs: a person reads French.
    throw new Error(
      `Serveur Temporal injoignable à ${config.temporal.address} : la pile est-elle démarrée (npm start) ?`,
      { cause: err },
    );
  }
}

/** The path of a Temporal server binary, provisioned offline (scripts/provision-temporal.sh). */
export function provisionedPath(kind: 'cli' | 'test-server'): string {
  const out = execFileSync('bash', ['scripts/provision-temporal.sh', kind], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = out.trim().split('\n').pop()?.split('=')[1];
  if (!path) throw new Error(`Serveur Temporal introuvable (${kind}) : voir scripts/provision-temporal.sh`);
  return path;
}

/**
 * Declares the path's search attributes on a server that was not started with
 * them (the time-skipping test server; an existing cluster). Idempotent.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { IndexedValueType } = temporal.api.enums.v1;
  const types: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
    [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  };
  const searchAttributes = Object.fromEntries(
    Object.values(pathSearchAttributes).map((k) => [k.name, types[k.type]!]),
  );
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    if (!/already exists/i.test((err as Error).message)) throw err;
  }
}

/**
 * Starts a local Temporal server (`start`), again if it was not up in time: the
 * SDK gives one 5 s (fixed in its core), and a JVM on two busy cores sometimes
 * needs more. Any other failure is thrown at once.
 */
export async function startedInTime<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test((err as Error).message)) throw err;
    }
  }
}

/**
 * Runs `step` of a start-up against a server just started, again while the server is unavailable
 * or too slow to answer (a dev server on two busy cores once took 30 s to describe a Schedule): at
 * most `attempts` times, `pauseMs` apart. Any other failure is thrown at once.
 */
export async function whileServerWarms<T>(step: () => Promise<T>, attempts = 4, pauseMs = 2_000): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (attempt >= attempts || frenchTemporalError(err)?.kind !== 'unavailable') throw err;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
