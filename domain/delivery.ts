/**
 * When a message held up by an outage may leave (docs/architecture.md,
 * « L'horloge n'attend jamais un effet de bord »): the workflow decided it at its instant;
 * if the relay or the outbox was down, it leaves once they are back, but only
 * in business hours, and it says that it is late.
 */
import { formatParis } from './calendar.js';
import { nextBusinessOpening, type BusinessHours } from './holidays.js';

/** A message sent within this delay of its instant is on time (queue and rate limit included). */
export const LATE_AFTER_MS = 15 * 60_000;

export type Delivery = { send: true; late: boolean } | { send: false; waitUntil: Date };

export function deliveryOf(dueAt: Date, now: Date, hours: BusinessHours): Delivery {
  const late = now.getTime() - dueAt.getTime() > LATE_AFTER_MS;
  if (!late) return { send: true, late: false };
  const opening = nextBusinessOpening(now, hours);
  return opening.getTime() > now.getTime() ? { send: false, waitUntil: opening } : { send: true, late: true };
}

/** The line a late message starts with. */
export function lateNotice(dueAt: Date, now: Date): string {
  return (
    `Message retardé : il devait partir le ${formatParis(dueAt, true)} ; ` +
    `une interruption du service l’a retenu jusqu’au ${formatParis(now, true)}.`
  );
}
