/**
 * When the people responsible for a deadline hear about it: reminders before,
 * on business days at opening time; an escalation at the first opening after a
 * breach. Pure: the workflow turns these into durable timers.
 */
import { addCalendarDays, civilDateOf, parisInstant } from '../calendar.js';
import { isBusinessDay, nextBusinessOpening, type BusinessHours } from '../holidays.js';
import type { DeadlineFollowUp, Role } from '../policy.js';

export interface FollowUpAction {
  /** Stable within a workflow: names the message for idempotent sending. */
  id: string;
  at: Date;
  kind: 'reminder' | 'escalation';
  deadline: string;
  template: string;
  to: Role;
}

/** A reminder `daysBefore` the deadline's day; on a weekend or holiday, the business day before. */
export function reminderInstant(deadline: Date, daysBefore: number, hours: BusinessHours): Date {
  let day = addCalendarDays(civilDateOf(deadline), -daysBefore);
  while (!isBusinessDay(day)) day = addCalendarDays(day, -1);
  return parisInstant(day, hours.opens);
}

/** The first business opening strictly after the deadline has passed. */
export function escalationInstant(deadline: Date, hours: BusinessHours): Date {
  return nextBusinessOpening(new Date(deadline.getTime() + 1), hours);
}

export function followUpActions(
  deadline: { kind: string; dueAt: Date },
  subject: string,
  followUp: DeadlineFollowUp,
  hours: BusinessHours,
): FollowUpAction[] {
  const reminders = followUp.remindDaysBefore.map((days): FollowUpAction => ({
    id: `${deadline.kind}:reminder:J-${days}`,
    at: reminderInstant(deadline.dueAt, days, hours),
    kind: 'reminder',
    deadline: deadline.kind,
    template: `reminder.${subject}`,
    to: followUp.remind,
  }));
  const escalation: FollowUpAction = {
    id: `${deadline.kind}:escalation`,
    at: escalationInstant(deadline.dueAt, hours),
    kind: 'escalation',
    deadline: deadline.kind,
    template: `escalation.${subject}`,
    to: followUp.escalate,
  };
  return [...reminders, escalation].sort((a, b) => a.at.getTime() - b.at.getTime());
}
