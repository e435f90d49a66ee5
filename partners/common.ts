/** Shared by the partners' callers (the exchanges' activities, the catalogue): partner endpoints and read keys. */
import { randomUUID } from 'node:crypto';
import type { PartnerConfig } from './config.js';
import type { CallOptions, PartnerEndpoint, PartnerName } from './http.js';

export function endpointOf(config: PartnerConfig, partner: PartnerName): PartnerEndpoint {
  return {
    partner,
    baseUrl: config.partners[partner].url,
    token: config.partners[partner].token,
    timeoutMs: config.timeoutMs,
  };
}

/**
 * A read (a search, a status) must see the partner's current answer: a fresh
 * key each time, so that a partner keeping answers per key never serves an old one.
 */
export const freshRead = (): CallOptions => ({ idempotencyKey: `jalons-lecture-${randomUUID()}` });

/** Lower case without accents, as the catalogue cache is searched. */
export const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
