/** What the partner simulators record (./server.ts): each request, each effect applied, each callback delivered, and their options. */
import type { PartnerName } from '../../partners/http.js';
import type { AttendanceCallback } from '../../partners/appointments.js';
import type { FaultKind } from './faults.js';

export interface PartnerSimulatorsOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** The bearer token every partner accepts (default: the simulators' token). */
  token?: string;
  /** Where the appointments service posts attendance (also `PUT /_config`). */
  attendanceCallbackUrl?: string;
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

/** One delivery of an attendance callback. */
export interface CallbackDelivery {
  url: string;
  event: AttendanceCallback;
  /** 1, then 2 for a duplicate. */
  delivery: number;
  /** The receiver's status, or `null` when it could not be reached (`error`). */
  status: number | null;
  error: string | null;
  at: string;
}
