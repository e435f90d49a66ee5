/**
 * Started by a Temporal Schedule (services/grants.ts): a recurring duty of a grant
 * programme or of a consortium's governance (docs/rules.md §3.2–3.5: Pilot'Actions
 * campaigns, dialogue de gestion, comités) — one reminder to the role in charge.
 * The message key holds the Paris day: a second run the same day sends nothing.
 */
import { civilDateOf } from '../../domain/calendar.js';
import type { Role } from '../../domain/policy.js';
import { sendNotification } from './notify.js';

export interface DutyReminderInput {
  /** The programme or governance the duty belongs to. */
  owner: string;
  ownerTitle: string;
  duty: string;
  title: string;
  cadence: string;
  atLeast: boolean;
  to: Role;
}

export async function recurringDutyReminder(input: DutyReminderInput): Promise<{ key: string }> {
  const key = `duty/${input.owner}/${input.duty}/${civilDateOf(new Date(Date.now()))}`;
  await sendNotification({
    key,
    template: 'reminder.grant-duty',
    to: { role: input.to },
    data: {
      owner: input.owner,
      ownerTitle: input.ownerTitle,
      duty: input.duty,
      title: input.title,
      cadence: input.cadence,
      atLeast: String(input.atLeast),
    },
  });
  return { key };
}
