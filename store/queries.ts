/**
 * What operations staff read: late items, what is due this week, référents'
 * workloads, the indicators of docs/rules.md §4. Plain SQL on the read model.
 */
import type { Queryable } from './db.js';

export interface ItemFilter {
  territory?: string;
  organisation?: string;
  referent?: string;
  step?: string;
  /** The account's perimeter (access control): applied on top of the other filters. */
  scope?: Scope;
}

/**
 * Which cases an account may see: all of them, or those of its organisations
 * (the organisme référent) and of its territories. Absent = all (callers that
 * serve a person always pass the account's scope).
 */
export type Scope = { all: true } | { all: false; organisations: string[]; territories: string[] };

/** The perimeter as an SQL condition on the paths alias `p`, its values appended to `params`. */
function scopeClause(scope: Scope | undefined, params: unknown[], alias = 'p'): string {
  if (!scope || scope.all) return '';
  params.push(scope.organisations, scope.territories);
  const [orgs, territories] = [params.length - 1, params.length];
  return ` and (${alias}.organisation = any($${orgs}::text[]) or ${alias}.territory = any($${territories}::text[]))`;
}

export interface DeadlineItem {
  workflow_id: string;
  beneficiary_id: string;
  territory: string;
  organisation: string | null;
  referent: string | null;
  step: string;
  kind: string;
  due_at: Date;
}

function where(filter: ItemFilter, params: unknown[]): string {
  const clauses: string[] = [];
  for (const [column, value] of Object.entries(filter)) {
    if (!value || !['territory', 'organisation', 'referent', 'step'].includes(column)) continue;
    params.push(value);
    clauses.push(`p.${column} = $${params.length}`);
  }
  return clauses.map((c) => ` and ${c}`).join('') + scopeClause(filter.scope, params);
}

/** A deadline passed and not met, on an open path. */
const lateCondition = `d.met_at is null and d.cancelled_at is null and d.breached and p.status = 'active'`;
/** A deadline falling in [$1, $2), not late, that a person acts on (params: `dueWindow`). */
const dueCondition = `d.met_at is null and d.cancelled_at is null and not d.breached and p.status = 'active'
      and d.due_at >= $1 and d.due_at < $2 and d.kind not in ('observations', 'france-travail-proposal')`;
const dueWindow = (now: Date, days: number): unknown[] => [
  now.toISOString(),
  new Date(now.getTime() + days * 86_400_000).toISOString(),
];

const itemColumns = `p.workflow_id, p.beneficiary_id, p.territory, p.organisation, p.referent, p.step, d.kind, d.due_at`;

/** One page of a list: rows skipped, rows shown, and the due date's order. */
export interface ListPage {
  offset: number;
  limit: number;
  order?: 'asc' | 'desc';
}

/** A page of rows and the count of the whole list (« 1–50 sur 1 234 »). */
export interface Counted<T> {
  rows: T[];
  total: number;
}

/** The deadlines matching `condition` (+ filters and scope), one page and the total, by due date. */
async function itemsPage(
  db: Queryable,
  condition: string,
  params: unknown[],
  filter: ItemFilter,
  page: ListPage,
): Promise<Counted<DeadlineItem>> {
  const clause = `from deadlines d join paths p using (workflow_id) where ${condition}${where(filter, params)}`;
  const [count] = await db.query<{ n: number }>(`select count(*)::int as n ${clause}`, params);
  const direction = page.order === 'desc' ? 'desc' : 'asc';
  const rows = await db.query<DeadlineItem>(
    `select ${itemColumns} ${clause} order by d.due_at ${direction}, p.beneficiary_id, d.kind
     limit ${Math.max(0, Math.trunc(page.limit))} offset ${Math.max(0, Math.trunc(page.offset))}`,
    params,
  );
  return { rows, total: count?.n ?? 0 };
}

/** Deadlines passed and not met, oldest first. */
export async function lateItems(
  db: Queryable,
  filter: ItemFilter = {},
  limit = 200,
): Promise<DeadlineItem[]> {
  return (await lateItemsPage(db, filter, { offset: 0, limit })).rows;
}

/** One page of the deadlines passed and not met, with their total. */
export async function lateItemsPage(
  db: Queryable,
  filter: ItemFilter,
  page: ListPage,
): Promise<Counted<DeadlineItem>> {
  return itemsPage(db, lateCondition, [], filter, page);
}

/** Deadlines falling between `now` and `now + days`, soonest first. */
export async function dueSoon(
  db: Queryable,
  now: Date,
  days = 7,
  filter: ItemFilter = {},
  limit = 200,
): Promise<DeadlineItem[]> {
  return (await dueSoonPage(db, now, days, filter, { offset: 0, limit })).rows;
}

/** One page of the deadlines falling between `now` and `now + days`, with their total. */
export async function dueSoonPage(
  db: Queryable,
  now: Date,
  days: number,
  filter: ItemFilter,
  page: ListPage,
): Promise<Counted<DeadlineItem>> {
  return itemsPage(db, dueCondition, dueWindow(now, days), filter, page);
}

export interface CaseRow {
  beneficiary_id: string;
  territory: string;
  organisation: string | null;
  referent: string | null;
  step: string;
  status: string;
  next_due_at: Date | null;
  late: boolean;
}

/**
 * The cases whose number starts with `prefix` (pseudonymous beneficiary id), of a
 * référent or an organisation, within the scope: one page and the total, by next
 * due date (none last). `left(…) = prefix`: no LIKE, so « _ » in an id is literal.
 */
export async function findCases(
  db: Queryable,
  search: { prefix?: string; referent?: string; organisation?: string; scope?: Scope },
  page: ListPage,
): Promise<Counted<CaseRow>> {
  const params: unknown[] = [];
  let clause = 'from paths p where true';
  if (search.prefix) {
    params.push(search.prefix);
    clause += ` and left(p.beneficiary_id, length($${params.length})) = $${params.length}`;
  }
  clause += where(
    { referent: search.referent, organisation: search.organisation, scope: search.scope },
    params,
  );
  const [count] = await db.query<{ n: number }>(`select count(*)::int as n ${clause}`, params);
  const direction = page.order === 'desc' ? 'desc' : 'asc';
  const rows = await db.query<CaseRow>(
    `select p.beneficiary_id, p.territory, p.organisation, p.referent, p.step, p.status, p.next_due_at, p.late
     ${clause} order by p.next_due_at ${direction} nulls last, p.beneficiary_id
     limit ${Math.max(0, Math.trunc(page.limit))} offset ${Math.max(0, Math.trunc(page.offset))}`,
    params,
  );
  return { rows, total: count?.n ?? 0 };
}

/** The référents with a deadline late, or due within `days` (those `lateItems` and `dueSoon` list). */
export async function referentsWithItems(db: Queryable, now: Date, days = 7): Promise<string[]> {
  const sql = `select distinct p.referent as v from deadlines d join paths p using (workflow_id)
    where p.referent is not null and ((${lateCondition}) or (${dueCondition})) order by 1`;
  return (await db.query<{ v: string }>(sql, dueWindow(now, days))).map((r) => r.v);
}

/** Values present (within the scope), for the filters' choices. */
export async function filterChoices(
  db: Queryable,
  scope?: Scope,
): Promise<Record<Exclude<keyof ItemFilter, 'scope'>, string[]>> {
  const distinct = async (column: string) => {
    const params: unknown[] = [];
    const sql = `select distinct p.${column} as v from paths p where p.${column} is not null${scopeClause(scope, params)} order by 1`;
    return (await db.query<{ v: string }>(sql, params)).map((r) => r.v);
  };
  return {
    territory: await distinct('territory'),
    organisation: await distinct('organisation'),
    referent: await distinct('referent'),
    step: await distinct('step'),
  };
}

export interface Workload {
  referent: string;
  intensive: number;
  total: number;
}

/** Open paths per référent (within the scope); the intensive ones count against the portfolio cap. */
export async function workloads(db: Queryable, scope?: Scope): Promise<Workload[]> {
  const params: unknown[] = [];
  return db.query<Workload>(
    `select p.referent, count(*) filter (where p.intensive)::int as intensive, count(*)::int as total
     from paths p where p.status = 'active' and p.referent is not null${scopeClause(scope, params)}
     group by p.referent order by intensive desc, p.referent`,
    params,
  );
}

export interface IndicatorRow {
  month: string;
  territory: string;
  opened: number;
  oriented: number;
  days_to_orientation: number | null;
  oriented_within_15_days: number | null;
  oriented_within_6_weeks: number | null;
  contracts: number;
  days_to_contract: number | null;
  contract_within_month: number | null;
  reorientations: number;
  sanctions: number;
  sanctions_ended_by_remobilisation: number;
  intensive: number;
  average_weekly_hours: number | null;
  /** Interviews held per month owed, over the paths in intensive accompaniment (target: 2). */
  interviews_per_month: number | null;
  /** Accompaniments broken: a breach reported after the contract, or an exit other than a job or the end of rights. */
  ruptures: number;
}

/** Days between two instants counted in Paris civil days, as délais are. */
const civilDays = (to: string, from = 'p.rights_opened_at') =>
  `((${to} at time zone 'Europe/Paris')::date - (${from} at time zone 'Europe/Paris')::date)`;

/**
 * The indicators of docs/rules.md §4, per month of opening of the right (Paris) and
 * territory. Shares are fractions of the paths concerned (null when none).
 * `now`: the months of interviews owed are those ended by then.
 */
export async function indicators(db: Queryable, scope?: Scope, now = new Date()): Promise<IndicatorRow[]> {
  const params: unknown[] = [now];
  return db.query<IndicatorRow>(
    `
    with d as (
      select workflow_id,
        bool_or(kind = 'orientation.local' and met_at is not null and not breached) as local_ok,
        bool_or(kind = 'orientation.legal' and met_at is not null and not breached) as legal_ok,
        bool_or(kind = 'contract' and met_at is not null and not breached) as contract_ok,
        (count(*) filter (where kind = 'interviews' and cancelled_at is null and due_at <= $1))::int as months_owed
      from deadlines group by workflow_id
    ), r as (
      select workflow_id from paths p
      where p.contract_signed_at is not null and (
        p.state->'exit'->>'reason' in ('moved-out', 'other')
        or exists (select 1 from jsonb_array_elements(p.state->'journal') j
                   where j->>'event' in ('breach.reported', 'sanction.proposed')
                     and (j->>'at')::timestamptz > p.contract_signed_at))
    ), s as (
      select workflow_id, count(*)::int as n, count(*) filter (where ended_by = 'remobilisation')::int as remobilised
      from sanctions group by workflow_id
    )
    select to_char(p.rights_opened_at at time zone 'Europe/Paris', 'YYYY-MM') as month, p.territory,
      count(*)::int as opened,
      count(p.oriented_at)::int as oriented,
      round(avg(${civilDays('p.oriented_at')})::numeric, 1)::float as days_to_orientation,
      round((count(*) filter (where d.local_ok))::numeric / nullif(count(p.oriented_at), 0), 3)::float as oriented_within_15_days,
      round((count(*) filter (where d.legal_ok))::numeric / nullif(count(p.oriented_at), 0), 3)::float as oriented_within_6_weeks,
      count(p.contract_signed_at)::int as contracts,
      round(avg(${civilDays('p.contract_signed_at')})::numeric, 1)::float as days_to_contract,
      round((count(*) filter (where d.contract_ok))::numeric / nullif(count(p.contract_signed_at), 0), 3)::float as contract_within_month,
      coalesce(sum(p.reorientations), 0)::int as reorientations,
      coalesce(sum(s.n), 0)::int as sanctions,
      coalesce(sum(s.remobilised), 0)::int as sanctions_ended_by_remobilisation,
      (count(*) filter (where p.intensive and p.status = 'active'))::int as intensive,
      round(avg(p.weekly_hours)::numeric, 1)::float as average_weekly_hours,
      round((sum(p.interviews) filter (where d.months_owed > 0))::numeric / nullif(sum(d.months_owed), 0), 1)::float
        as interviews_per_month,
      count(r.workflow_id)::int as ruptures
    from paths p left join d using (workflow_id) left join s using (workflow_id) left join r using (workflow_id)
    where true${scopeClause(scope, params)}
    group by 1, 2 order by 1, 2`,
    params,
  );
}

/** Days between opening and orientation, in the buckets a person reads at a glance. */
export async function orientationDelays(
  db: Queryable,
  scope?: Scope,
): Promise<{ bucket: string; count: number }[]> {
  const params: unknown[] = [];
  return db.query(
    `
    select bucket, count(*)::int as count from (
      select case
        when ${civilDays('oriented_at', 'rights_opened_at')} <= 7 then '0–7 j'
        when ${civilDays('oriented_at', 'rights_opened_at')} <= 15 then '8–15 j'
        when ${civilDays('oriented_at', 'rights_opened_at')} <= 42 then '16–42 j'
        else 'plus de 42 j' end as bucket
      from paths p where oriented_at is not null${scopeClause(scope, params)}) x
    group by bucket order by min(case bucket when '0–7 j' then 1 when '8–15 j' then 2 when '16–42 j' then 3 else 4 end)`,
    params,
  );
}

export interface FailedNotification {
  workflow_id: string;
  beneficiary_id: string;
  sent_at: Date;
  recipient: string;
  template: string;
  failed: string;
}

export interface FailedPartnerCall {
  beneficiary_id: string;
  call: string;
  operation: string;
  error: string;
  failed_at: Date;
}

/** Transmissions a partner refused for good: each is a task for a person (send again, or handled). */
export async function failedPartnerCalls(
  db: Queryable,
  limit = 100,
  scope?: Scope,
): Promise<FailedPartnerCall[]> {
  const params: unknown[] = [];
  return db.query<FailedPartnerCall>(
    `select p.beneficiary_id, c->>'id' as call, c->>'operation' as operation, c->>'error' as error,
       (c->>'failedAt')::timestamptz as failed_at
     from paths p cross join lateral jsonb_array_elements(coalesce(p.state->'partnerCalls', '[]'::jsonb)) c
     where c->>'status' = 'failed'${scopeClause(scope, params)}
     order by failed_at desc limit ${Number(limit)}`,
    params,
  );
}

/** Messages the relay refused for good: operations must reach these people another way. */
export async function failedNotifications(
  db: Queryable,
  limit = 100,
  scope?: Scope,
): Promise<FailedNotification[]> {
  const params: unknown[] = [];
  return db.query<FailedNotification>(
    `select n.workflow_id, p.beneficiary_id, n.sent_at, n.recipient, n.template, n.failed
     from notifications n join paths p using (workflow_id) where n.failed is not null${scopeClause(scope, params)}
     order by n.sent_at desc limit ${Number(limit)}`,
    params,
  );
}

/** Whether the case numbered `id` exists within the scope (the search's exact match). */
export async function caseInScope(db: Queryable, id: string, scope?: Scope): Promise<boolean> {
  const params: unknown[] = [id];
  const rows = await db.query(
    `select 1 from paths p where p.beneficiary_id = $1${scopeClause(scope, params)} limit 1`,
    params,
  );
  return rows.length > 0;
}

/** How many transmissions partners refused for good, and messages the relay refused, within the scope. */
export async function failedCounts(
  db: Queryable,
  scope?: Scope,
): Promise<{ partners: number; messages: number }> {
  const p1: unknown[] = [];
  const [partners] = await db.query<{ n: number }>(
    `select count(*)::int as n
     from paths p cross join lateral jsonb_array_elements(coalesce(p.state->'partnerCalls', '[]'::jsonb)) c
     where c->>'status' = 'failed'${scopeClause(scope, p1)}`,
    p1,
  );
  const p2: unknown[] = [];
  const [messages] = await db.query<{ n: number }>(
    `select count(*)::int as n from notifications n join paths p using (workflow_id)
     where n.failed is not null${scopeClause(scope, p2)}`,
    p2,
  );
  return { partners: partners?.n ?? 0, messages: messages?.n ?? 0 };
}
