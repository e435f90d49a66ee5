/**
 * Time in a grant cycle (durable timers of workflows/grants/grant.ts): reminders
 * before each deadline, the miss at its first late instant (as its words read
 * it), the escalation after, the tacit renewal or the end of a convention, a
 * termination taking effect, and the end of a closed cycle's correction window.
 * A step a later fact presupposes (not recorded) is never reminded nor missed.
 */
import { formatParis } from '../calendar.js';
import { escalationInstant, reminderInstant } from '../path/follow-up.js';
import type { Role } from '../policy.js';
import { getProgramme } from './index.js';
import { refresh, markDone } from './machine.js';
import { terminate } from './endings.js';
import { lateFrom, type Milestone, type MilestoneId } from './programme.js';
import { period as conventionPeriod } from './renewal.js';
import {
  definitionOf,
  history,
  iso,
  MAX_NOTIFICATIONS,
  milestoneOf,
  TERMINAL,
  type GrantMilestoneState,
  type GrantState,
} from './state.js';

export interface TimedGrantAction {
  /** Stable within the workflow: names the message for idempotent sending. */
  id: string;
  at: Date;
  kind: 'reminder' | 'miss' | 'escalation' | 'renewal' | 'end' | 'terminate' | 'close';
  milestone: MilestoneId | null;
  daysBefore?: number;
}

export interface OutgoingGrantMessage {
  key: string;
  recipient: { role: Role };
  template: string;
  data: Record<string, string>;
}

const KIND_ORDER: Record<TimedGrantAction['kind'], number> = {
  reminder: 0,
  miss: 1,
  escalation: 2,
  renewal: 3,
  end: 4,
  terminate: 5,
  close: 6,
};
const TERMINATION_REMINDERS = [30, 7, 2, 0];

/** A milestone's message ids carry the convention's period for those that come back each period. */
function tag(s: GrantState, m: GrantMilestoneState): string {
  return s.convention && (m.id === 'denunciation' || m.id === 'renewal')
    ? `${m.id}@${s.convention.period}`
    : m.id;
}

function milestoneActions(s: GrantState, m: GrantMilestoneState, open: boolean): TimedGrantAction[] {
  if (!m.applies || m.doneAt || !m.dueAt || m.status === 'not-recorded') return [];
  const def = definitionOf(getProgramme(s.programme), m.id);
  const late = lateFrom(new Date(m.dueAt), m.reading);
  // Reminders and escalation count days from the last instant still on time.
  const lastOnTime = new Date(late.getTime() - 1);
  const id = tag(s, m);
  if (m.missedAt) {
    const escalation = `${id}:escalation`;
    if (s.handled.includes(escalation)) return [];
    const at = escalationInstant(lastOnTime, s.hours);
    return [
      {
        id: escalation,
        at: at > new Date(m.missedAt) ? at : new Date(m.missedAt),
        kind: 'escalation',
        milestone: m.id,
      },
    ];
  }
  // The tacit renewal is the workflow's own act, at the end of the period.
  if (!open || def.condition === 'not-denounced') return [];
  const actions: TimedGrantAction[] = [];
  const seen = new Set<number>();
  for (const days of def.remindDaysBefore) {
    const at = reminderInstant(lastOnTime, days, s.hours);
    const rid = `${id}:reminder:J-${days}`;
    if (at >= late || (m.knownAt && at < new Date(m.knownAt)) || seen.has(at.getTime())) continue;
    seen.add(at.getTime());
    if (!s.handled.includes(rid))
      actions.push({ id: rid, at, kind: 'reminder', milestone: m.id, daysBefore: days });
  }
  // Not denouncing is no miss: the convention renews.
  if (def.condition !== 'optional')
    actions.push({ id: `${id}:miss`, at: late, kind: 'miss', milestone: m.id });
  return actions;
}

function terminationActions(s: GrantState): TimedGrantAction[] {
  const t = s.termination;
  if (!t || t.compliedAt || TERMINAL.includes(s.status)) return [];
  const effective = new Date(t.effectiveAt);
  const base = `termination@${t.noticeAt}`;
  const actions: TimedGrantAction[] = TERMINATION_REMINDERS.flatMap((days) => {
    const at = reminderInstant(effective, days, s.hours);
    const id = `${base}:reminder:J-${days}`;
    return at > effective || at < new Date(t.noticeAt) || s.handled.includes(id)
      ? []
      : [{ id, at, kind: 'reminder' as const, milestone: null, daysBefore: days }];
  });
  actions.push({
    id: `${base}:terminate`,
    at: new Date(effective.getTime() + 1),
    kind: 'terminate',
    milestone: null,
  });
  return actions;
}

/** What is due next, earliest first. */
export function timedGrantActions(s: GrantState): TimedGrantAction[] {
  const open = s.status === 'active' || s.status === 'denounced';
  const actions = s.milestones.flatMap((m) => milestoneActions(s, m, open));
  actions.push(...terminationActions(s));
  if (s.convention && open) {
    const endsAt = new Date(new Date(s.convention.endsAt).getTime() + 1);
    actions.push(
      s.status === 'active'
        ? {
            id: `convention@${s.convention.period}:renewal`,
            at: endsAt,
            kind: 'renewal',
            milestone: 'renewal',
          }
        : { id: `convention@${s.convention.period}:end`, at: endsAt, kind: 'end', milestone: null },
    );
  }
  if (s.reopenUntil && TERMINAL.includes(s.status))
    actions.push({
      id: `close@${s.reopenUntil}`,
      at: new Date(s.reopenUntil),
      kind: 'close',
      milestone: null,
    });
  return actions.sort((a, b) => a.at.getTime() - b.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

const CONSEQUENCE_BEFORE: Record<Milestone['onMiss'], string> = {
  'not-admissible': 'Passé ce délai, la candidature n’est pas recevable.',
  escalation: 'Passé ce délai, le chef de service est alerté.',
  repayment: 'Passé ce délai, les sommes reçues deviennent remboursables.',
  renewal: 'Sans dénonciation écrite reçue d’ici là, la convention est reconduite pour 12 mois.',
  'funding-lost': 'Passé ce délai, l’enveloppe complémentaire ne peut plus être obtenue.',
};
const CONSEQUENCE_AFTER: Record<Milestone['onMiss'], string> = {
  'not-admissible': 'La candidature n’est pas recevable : le cycle de subvention est clos.',
  escalation: 'Le jalon reste à faire : merci de le régulariser au plus vite.',
  repayment: 'Les sommes reçues sont à reverser (ordre de reversement, sous deux mois).',
  renewal: 'La convention est reconduite.',
  'funding-lost': 'L’enveloppe complémentaire ne peut plus être obtenue.',
};

function messageData(s: GrantState, m: GrantMilestoneState, def: Milestone, extra: Record<string, string>) {
  return {
    grantId: s.id,
    programme: s.programme,
    programmeTitle: s.title,
    milestone: m.id,
    milestoneTitle: m.title,
    dueAt: m.dueAt ?? '',
    reading: m.reading,
    words: def.quote ?? '',
    pieces: def.pieces
      .map((x) => `${x.title}${x.signed && !/sign/i.test(x.title) ? ' (signée)' : ''}`)
      .join('\n'),
    ...extra,
  };
}

function renew(s: GrantState, firedAt: Date, notify: Notify): OutgoingGrantMessage | null {
  const p = getProgramme(s.programme);
  const c = s.convention;
  if (!c || !p.renewal || s.status !== 'active') return null;
  const endedAt = new Date(c.endsAt);
  const renewal = milestoneOf(s, 'renewal');
  if (renewal && !renewal.doneAt) markDone(s, renewal, endedAt, undefined, []);
  const next = conventionPeriod(p.renewal, c.period + 1);
  c.period = next.index;
  c.start = next.start;
  c.end = next.end;
  c.endsAt = iso(next.endsAt);
  c.renewals.push({ at: iso(endedAt), period: next.index, until: next.end });
  history(s, endedAt, 'convention.renewed', { detail: `jusqu’au ${formatParis(next.endsAt)}` });
  refresh(s, p, firedAt);
  return notify('notice.grant-renewal', renewal?.responsible ?? 'grants-team', {
    grantId: s.id,
    programmeTitle: s.title,
    from: next.start,
    until: iso(next.endsAt),
    window: iso(next.denunciationWindow.opensAt),
  });
}

type Notify = (template: string, to: Role, data: Record<string, string>) => OutgoingGrantMessage;

function miss(
  s: GrantState,
  m: GrantMilestoneState,
  def: Milestone,
  action: TimedGrantAction,
  firedAt: Date,
): null {
  // The miss is dated at the deadline's first late instant: a fact of time, not of when Jalons noticed it.
  m.missedAt = iso(action.at);
  history(s, action.at, 'milestone.missed', { milestone: m.id });
  if (def.onMiss === 'funding-lost' && s.complementary === 'open') s.complementary = 'lost';
  refresh(s, getProgramme(s.programme), firedAt);
  return null;
}

/** Applies a timed action at `firedAt`; returns the message to send, if any. */
export function fireGrantAction(
  s: GrantState,
  action: TimedGrantAction,
  firedAt: Date,
): OutgoingGrantMessage | null {
  s.handled.push(action.id);
  const m = action.milestone ? milestoneOf(s, action.milestone) : undefined;
  const def = m ? definitionOf(getProgramme(s.programme), m.id) : undefined;
  const notify: Notify = (template, to, data) => {
    s.notifications.push({ id: action.id, at: iso(firedAt), to, template, milestone: m?.id ?? null });
    if (s.notifications.length > MAX_NOTIFICATIONS)
      s.notifications.splice(0, s.notifications.length - MAX_NOTIFICATIONS);
    return { key: action.id, recipient: { role: to }, template, data };
  };
  switch (action.kind) {
    case 'reminder': {
      if (!m && s.termination) return terminationReminder(s, action, notify);
      // A reminder that could only go out once its deadline has passed is no reminder.
      if (!m || !def || m.doneAt || m.status === 'not-recorded' || !m.dueAt) return null;
      if (firedAt.getTime() >= lateFrom(new Date(m.dueAt), m.reading).getTime()) return null;
      return notify('reminder.grant-milestone', m.responsible, {
        ...messageData(s, m, def, {
          daysBefore: String(action.daysBefore ?? 0),
          consequence: CONSEQUENCE_BEFORE[def.onMiss],
        }),
      });
    }
    case 'miss':
      return m && def && !m.doneAt && m.status !== 'not-recorded' ? miss(s, m, def, action, firedAt) : null;
    case 'escalation':
      if (!m || !def || m.doneAt || m.status === 'not-recorded') return null;
      return notify(
        'escalation.grant-milestone',
        def.escalate,
        messageData(s, m, def, { consequence: CONSEQUENCE_AFTER[def.onMiss] }),
      );
    case 'renewal':
      return renew(s, firedAt, notify);
    case 'end': {
      const c = s.convention;
      if (!c || s.status !== 'denounced') return null;
      s.status = 'ended';
      s.closedAt = c.endsAt;
      history(s, new Date(c.endsAt), 'convention.ended');
      return notify('notice.grant-ended', 'grants-team', {
        grantId: s.id,
        programmeTitle: s.title,
        endsAt: c.endsAt,
        denouncedAt: c.denouncedAt ?? '',
      });
    }
    case 'terminate': {
      const t = s.termination;
      if (!t || t.compliedAt || TERMINAL.includes(s.status)) return null;
      terminate(s, new Date(t.effectiveAt));
      s.reopenUntil = iso(new Date(firedAt.getTime() + 60 * 86_400_000));
      refresh(s, getProgramme(s.programme), firedAt);
      return notify('notice.grant-terminated', 'head-of-service', {
        grantId: s.id,
        programmeTitle: s.title,
        effectiveAt: t.effectiveAt,
        noticeAt: t.noticeAt,
        kind: t.kind,
      });
    }
    case 'close':
      s.reopenUntil = null;
      return null;
  }
}

function terminationReminder(
  s: GrantState,
  action: TimedGrantAction,
  notify: Notify,
): OutgoingGrantMessage | null {
  const t = s.termination!;
  if (t.compliedAt) return null;
  return notify('reminder.grant-termination', 'head-of-service', {
    grantId: s.id,
    programmeTitle: s.title,
    effectiveAt: t.effectiveAt,
    noticeAt: t.noticeAt,
    kind: t.kind,
    daysBefore: String(action.daysBefore ?? 0),
  });
}

/** The workflow may return: a final status, its correction window over, and nothing left to send. */
export function grantFinished(s: GrantState): boolean {
  return TERMINAL.includes(s.status) && timedGrantActions(s).length === 0;
}
