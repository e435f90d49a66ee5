/**
 * What people do to a grant cycle, shared by the CLI and `jalons simulate`:
 * start it (idempotent), read it, act on it through the workflow's Updates;
 * and the recurring duties (docs/rules.md §3.2–3.5) as Temporal Schedules, created
 * or updated idempotently under deterministic ids.
 */
import {
  ScheduleAlreadyRunning,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type CalendarSpec,
  type Client,
  type Month,
} from '@temporalio/client';
import {
  grantInputSchema,
  grantWorkflowId,
  validateGrantAction,
  type GrantAction,
  type GrantInput,
  type GrantState,
} from '../domain/grants/cycle.js';
import {
  autonomyPlatformGovernance,
  getProgramme,
  programmeIds,
  type Programme,
} from '../domain/grants/index.js';
import type { Role } from '../domain/policy.js';
import { frenchIssues } from '../domain/validation.js';
import { recurringDutyReminder, type DutyReminderInput } from '../workflows/notifications/duty.js';
import {
  completeMilestoneUpdate,
  denounceUpdate,
  resolvePartnerCallUpdate,
  grantStateQuery,
  recordFunderDecisionUpdate,
  recordPaymentUpdate,
  recordRepaymentOrderUpdate,
  requestTerminationUpdate,
  serveFormalNoticeUpdate,
  signAmendmentUpdate,
  submitReportUpdate,
  grantWorkflowType,
  type GrantCycle,
} from '../workflows/grants/messages.js';
import type { UpdateDefinition } from '@temporalio/common';
import { ActionRefused } from './paths.js';

/** Each act's Update (the names of grantActSchemas in domain/grants/acts.ts). */
const grantUpdates: Record<GrantAction['type'], UpdateDefinition<GrantState, [never]>> = {
  complete: completeMilestoneUpdate,
  'funder-decision': recordFunderDecisionUpdate,
  payment: recordPaymentUpdate,
  report: submitReportUpdate,
  denounce: denounceUpdate,
  'resolve-partner-call': resolvePartnerCallUpdate,
  'repayment-order': recordRepaymentOrderUpdate,
  'formal-notice': serveFormalNoticeUpdate,
  'termination-request': requestTerminationUpdate,
  amendment: signAmendmentUpdate,
} as Record<GrantAction['type'], UpdateDefinition<GrantState, [never]>>;

export { ActionRefused };

/** Starts the grant's cycle unless it already runs (or ran): never a second workflow. */
export async function startGrantCycle(
  client: Client,
  taskQueue: string,
  input: GrantInput,
): Promise<{ workflowId: string; created: boolean }> {
  const parsed = grantInputSchema.safeParse(input);
  if (!parsed.success)
    throw new ActionRefused(`Données de la subvention invalides : ${frenchIssues(parsed.error)}`);
  try {
    getProgramme(parsed.data.programme);
  } catch (err) {
    throw new ActionRefused(`${(err as Error).message[0]?.toUpperCase()}${(err as Error).message.slice(1)}.`);
  }
  const workflowId = grantWorkflowId(parsed.data.grantId);
  try {
    await client.workflow.start<GrantCycle>(grantWorkflowType, {
      args: [parsed.data],
      workflowId,
      taskQueue,
      // A closed grant keeps its id: starting it again is refused, not a new cycle.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { workflowId, created: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, created: false };
    throw err;
  }
}

export async function showGrant(client: Client, grantId: string): Promise<GrantState> {
  try {
    return await client.workflow.getHandle(grantWorkflowId(grantId)).query(grantStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ActionRefused(`Aucune subvention « ${grantId} ».`);
    throw err;
  }
}

/**
 * An act on a grant (the Updates of workflows/grants/grant.ts). The refusal comes
 * back in French: from the workflow's validator, or — when the cycle is closed
 * and the server no longer takes Updates — from the same rules on its last state.
 */
export async function actOnGrant(client: Client, grantId: string, action: GrantAction): Promise<GrantState> {
  const handle = client.workflow.getHandle(grantWorkflowId(grantId));
  const { type, ...args } = action;
  try {
    const update = grantUpdates[type];
    if (!update) throw new ActionRefused(`Acte inconnu : « ${String(type)} ».`);
    return await handle.executeUpdate(update, { args: [args as never] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new ActionRefused(err.cause?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError) {
      const state = await showGrant(client, grantId);
      throw new ActionRefused(
        validateGrantAction(state, action, new Date()) ?? `La subvention ${grantId} n’accepte plus d’acte.`,
      );
    }
    throw err;
  }
}

// ─── Recurring duties as Schedules ───────────────────────────────────────────

const MONTHS: Month[] = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];

/** The months a duty of this cadence is reminded in (at the start of each period). */
const CADENCE_MONTHS: Record<string, number[]> = {
  monthly: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  quarterly: [1, 4, 7, 10],
  semiannual: [1, 7],
  yearly: [1],
  // « Plusieurs campagnes de saisie sont prévues dans l'année » (dates not given): each quarter.
  'several-a-year': [1, 4, 7, 10],
};

/** Who is reminded of each duty; the grants team otherwise. */
const DUTY_ROLES: Record<string, Role> = {
  'management-dialogue': 'head-of-service',
  'steering-committee': 'head-of-service',
  'strategic-committee': 'head-of-service',
};

/**
 * 09:00 Paris on the first weekday of each month given: the 1st if a weekday,
 * else Monday the 2nd or 3rd. In January, May and November the 1st is a public
 * holiday: counted from the 2nd.
 */
export function firstWorkingDayCalendars(months: number[]): CalendarSpec[] {
  const byBase = new Map<number, Month[]>();
  for (const m of months) {
    const base = [1, 5, 11].includes(m) ? 2 : 1;
    byBase.set(base, [...(byBase.get(base) ?? []), MONTHS[m - 1]!]);
  }
  return [...byBase].flatMap(([base, month]) => [
    {
      month: month.map((m) => ({ start: m, end: m })),
      dayOfMonth: base,
      dayOfWeek: { start: 'MONDAY' as const, end: 'FRIDAY' as const },
      hour: 9,
      comment: `premier jour de semaine à partir du ${base}`,
    },
    {
      month: month.map((m) => ({ start: m, end: m })),
      dayOfMonth: [base + 1, base + 2],
      dayOfWeek: 'MONDAY' as const,
      hour: 9,
    },
  ]);
}

export interface DutySchedule {
  scheduleId: string;
  calendars: CalendarSpec[];
  input: DutyReminderInput;
}

/** Every recurring duty: those of the programmes, and the autonomy platform's governance. */
export function dutySchedules(): DutySchedule[] {
  const owners: { id: string; title: string; recurring: Programme['recurring'] }[] = [
    ...programmeIds().map((id) => getProgramme(id)),
    {
      id: autonomyPlatformGovernance.id,
      title: 'Consortium de la plateforme des métiers de l’autonomie',
      recurring: autonomyPlatformGovernance.recurring,
    },
  ];
  return owners.flatMap((o) =>
    o.recurring.map((d) => ({
      scheduleId: `jalons-duty-${o.id}-${d.id}`,
      calendars: firstWorkingDayCalendars(CADENCE_MONTHS[d.cadence] ?? [1]),
      input: {
        owner: o.id,
        ownerTitle: o.title,
        duty: d.id,
        title: d.title,
        cadence: d.cadence,
        atLeast: d.atLeast,
        to: DUTY_ROLES[d.id] ?? 'grants-team',
      },
    })),
  );
}

/** Creates the duties' Schedules, or brings existing ones up to date: running it twice changes nothing. */
export async function ensureGrantSchedules(
  client: Client,
  taskQueue: string,
): Promise<{ scheduleId: string; created: boolean }[]> {
  const result: { scheduleId: string; created: boolean }[] = [];
  for (const d of dutySchedules()) {
    const spec = { calendars: d.calendars, timezone: 'Europe/Paris' };
    const action = {
      type: 'startWorkflow' as const,
      workflowType: recurringDutyReminder,
      workflowId: `duty-${d.input.owner}-${d.input.duty}`,
      taskQueue,
      args: [d.input] as [DutyReminderInput],
    };
    try {
      await client.schedule.create({ scheduleId: d.scheduleId, spec, action });
      result.push({ scheduleId: d.scheduleId, created: true });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(d.scheduleId).update((previous) => ({ ...previous, spec, action }));
      result.push({ scheduleId: d.scheduleId, created: false });
    }
  }
  return result;
}
