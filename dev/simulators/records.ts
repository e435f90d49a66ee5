/** What the partner simulators record (./server.ts): each request, each effect applied, and their options. */
import type { PartnerName } from '../../partners/http.js';
import type { FaultKind } from './faults.js';

export interface PartnerSimulatorsOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** The bearer token every partner accepts (default: the simulators' token). */
  token?: string;
  /** How long a `timeout` fault holds a request before cutting the connection (default 30 s). */
  holdMs?: number;
}

/** One request a partner received, whatever became of it. */
export interface RecordedRequest {
  partner: PartnerName;
  operation: string;
  method: string;
  path: string;
  idempotencyKey: string | null;
  body: unknown;
  /** The status answered; `null` while in flight or when no answer was sent (`timeout`). */
  status: number | null;
  /** True when the answer was the stored one of an earlier request with the same key. */
  replayed: boolean;
  faults: FaultKind[];
  at: string;
}

/** One effect a partner applied (once per idempotency key). */
export interface AppliedEffect {
  partner: PartnerName;
  operation: string;
  idempotencyKey: string;
  request: unknown;
  response: unknown;
  at: string;
}
