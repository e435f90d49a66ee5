/**
 * The web pages of issue 9, as one fastify plugin registered by server.ts:
 * the offer catalogue and a contract's activity plan (catalogue.ts), the
 * conventions' reports (reports.ts). Routes follow the app's access rules
 * (a session; `agent` to post, CSRF checked by the app's hook).
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { partnerConfigFromEnv, type PartnerConfig } from '../../partners/config.js';
import type { ReadModelDb } from '../../store/db.js';
import { cataloguePages } from './catalogue.js';
import { reportPages } from './reports.js';

export interface ExchangePagesOptions {
  client: Client;
  db: ReadModelDb;
  /** Default: from the environment (the local simulators). */
  partners?: PartnerConfig;
  now?: () => Date;
}

export async function exchangePages(app: FastifyInstance, options: ExchangePagesOptions): Promise<void> {
  const partners = options.partners ?? partnerConfigFromEnv(process.env);
  cataloguePages(app, { client: options.client, db: options.db, partners });
  reportPages(app, { db: options.db, now: options.now ?? (() => new Date()) });
}
