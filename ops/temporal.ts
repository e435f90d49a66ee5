/** A Temporal client for the operations tools, with French errors when the server is away. */
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../workers/config.js';

export async function connectClient(config: Config): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '5s' });
    return new Client({ connection, namespace: config.temporal.namespace });
  } catch (err) {
    throw new Error(
      `Impossible de joindre le serveur Temporal à ${config.temporal.address} (${(err as Error).message}). ` +
        'La pile est-elle démarrée (npm start) ?',
    );
  }
}
