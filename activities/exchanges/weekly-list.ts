/**
 * The weekly list to France Travail, from the read model: build the week's file
 * (docs/exchanges.md), deposit it on the secure file exchange, record the
 * receipt, then France Travail's acknowledgement. Each step is idempotent: a
 * week deposited is never rebuilt, its deposit carries a key derived from its
 * content, and an event listed in a deposited week is never listed again.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { civilDateOf } from '../../domain/calendar.js';
import {
  weekBounds,
  weeklyListCsv,
  weeklyListFileName,
  weeksBefore,
  type ListReason,
  type WeeklyListRow,
} from '../../domain/exchanges/weekly-list.js';
import type { OrientationRecord, PathState } from '../../domain/path/path.js';
import { callPartner } from '../../partners/http.js';
import { ftExchangeRoutes, type DepositReceipt } from '../../partners/ft-exchange.js';
import type { PartnerConfig } from '../partners/index.js';
import type { Queryable, ReadModelDb } from '../../store/db.js';
import { endpointOf, freshRead } from '../../partners/common.js';

/** How far back a list looks for events not yet sent (and for weeks not sent). */
export const LOOKBACK_WEEKS = 8;

export type WeeklyListStatus = 'built' | 'deposited' | 'accepted' | 'rejected' | 'failed';

export interface PreparedList {
  week: string;
  fileName: string;
  sha256: string;
  rows: number;
  status: WeeklyListStatus;
  depositId: string | null;
}

export interface WeeklyListRecord extends PreparedList {
  builtAt: string;
  depositedAt: string | null;
  processedAt: string | null;
  message: string | null;
}

interface Candidate {
  key: string;
  row: WeeklyListRow;
}

const sentStatuses = ['deposited', 'accepted'];

/** Weeks of the look-back before `week` with no list deposited, since the first list ever built. */
export async function overdueWeeks(db: Queryable, week: string): Promise<string[]> {
  const [first] = await db.query<{ week: string | null }>('select min(week) as week from ft_weekly_lists');
  if (!first?.week) return [];
  const sent = new Set(
    (
      await db.query<{ week: string }>(`select week from ft_weekly_lists where status = any($1)`, [
        sentStatuses,
      ])
    ).map((r) => r.week),
  );
  return weeksBefore(week, LOOKBACK_WEEKS).filter((w) => w >= first.week! && !sent.has(w));
}

async function candidates(db: Queryable, week: string): Promise<Candidate[]> {
  const { end } = weekBounds(week);
  const from = new Date(weekBounds(weeksBefore(week, LOOKBACK_WEEKS)[0]!).start);
  const range = [from.toISOString(), end.toISOString()];
  const opened = await db.query<{ beneficiary_id: string; territory: string; rights_opened_at: Date }>(
    `select beneficiary_id, territory, rights_opened_at from paths where rights_opened_at >= $1 and rights_opened_at < $2`,
    range,
  );
  const oriented = await db.query<{
    beneficiary_id: string;
    territory: string;
    rights_opened_at: Date;
    at: Date;
    event: string;
    state: PathState;
  }>(
    `select p.beneficiary_id, p.territory, p.rights_opened_at, j.at, j.event, p.state
     from journal j join paths p using (workflow_id)
     where j.event in ('orientation.decided', 'reorientation.decided') and j.at >= $1 and j.at < $2`,
    range,
  );
  const base = (r: { beneficiary_id: string; territory: string; rights_opened_at: Date }) => ({
    week,
    beneficiaryId: r.beneficiary_id,
    rightsOpenedOn: civilDateOf(new Date(r.rights_opened_at)),
    territory: r.territory,
  });
  return [
    ...opened.map((r) => ({
      key: `ouverture:${r.beneficiary_id}`,
      row: {
        ...base(r),
        reason: 'ouverture' as ListReason,
        eventDate: civilDateOf(new Date(r.rights_opened_at)),
        track: null,
        organisation: null,
        referent: null,
      },
    })),
    ...oriented.map((r) => {
      const at = new Date(r.at);
      const reason: ListReason = r.event === 'orientation.decided' ? 'orientation' : 'reorientation';
      const o = orientationAt(r.state, at);
      return {
        key: `${reason}:${r.beneficiary_id}:${at.toISOString()}`,
        row: {
          ...base(r),
          reason,
          eventDate: civilDateOf(at),
          track: o?.track ?? null,
          organisation: o?.organisation ?? null,
          referent: o?.referent ?? null,
        },
      };
    }),
  ];
}

/** The orientation decided at `at` (the current one, or one a réorientation replaced). */
function orientationAt(s: PathState, at: Date): OrientationRecord | null {
  return (
    [s.orientation, ...s.reorientations].find(
      (o): o is OrientationRecord => !!o && new Date(o.decidedAt).getTime() === at.getTime(),
    ) ?? null
  );
}

const order = (a: Candidate, b: Candidate) =>
  a.row.eventDate.localeCompare(b.row.eventDate) ||
  a.row.beneficiaryId.localeCompare(b.row.beneficiaryId) ||
  a.key.localeCompare(b.key);

/**
 * The week's list: kept as is once deposited; otherwise (re)built from the
 * events of the look-back not yet in a list deposited for another week.
 */
export async function prepareWeeklyList(db: ReadModelDb, week: string): Promise<PreparedList> {
  const existing = await weeklyListRecord(db, week);
  if (existing && sentStatuses.includes(existing.status)) return existing;
  const sentKeys = new Set(
    (
      await db.query<{ key: string }>(
        `select jsonb_array_elements_text(row_keys) as key from ft_weekly_lists where week <> $1 and status = any($2)`,
        [week, sentStatuses],
      )
    ).map((r) => r.key),
  );
  const listed = (await candidates(db, week)).filter((c) => !sentKeys.has(c.key)).sort(order);
  const content = weeklyListCsv(listed.map((c) => c.row));
  const sha256 = createHash('sha256').update(content, 'utf8').digest('hex');
  await db.query(
    `insert into ft_weekly_lists (week, file_name, content, sha256, rows, row_keys, built_at, status)
     values ($1, $2, $3, $4, $5, $6, now(), 'built')
     on conflict (week) do update set content = excluded.content, sha256 = excluded.sha256, rows = excluded.rows,
       row_keys = excluded.row_keys, built_at = now(), status = 'built', deposit_id = null, deposited_at = null,
       processed_at = null, message = null`,
    [
      week,
      weeklyListFileName(week),
      content,
      sha256,
      listed.length,
      JSON.stringify(listed.map((c) => c.key)),
    ],
  );
  return {
    week,
    fileName: weeklyListFileName(week),
    sha256,
    rows: listed.length,
    status: 'built',
    depositId: null,
  };
}

export async function weeklyListRecord(db: Queryable, week: string): Promise<WeeklyListRecord | null> {
  const [r] = await db.query<Record<string, unknown>>(`select * from ft_weekly_lists where week = $1`, [
    week,
  ]);
  return r ? toRecord(r) : null;
}

export async function weeklyListRecords(db: Queryable, limit = 12): Promise<WeeklyListRecord[]> {
  return (
    await db.query<Record<string, unknown>>(
      `select * from ft_weekly_lists order by week desc limit ${Number(limit)}`,
    )
  ).map(toRecord);
}

const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

function toRecord(r: Record<string, unknown>): WeeklyListRecord {
  return {
    week: r.week as string,
    fileName: r.file_name as string,
    sha256: r.sha256 as string,
    rows: r.rows as number,
    status: r.status as WeeklyListStatus,
    depositId: (r.deposit_id as string | null) ?? null,
    builtAt: iso(r.built_at)!,
    depositedAt: iso(r.deposited_at),
    processedAt: iso(r.processed_at),
    message: (r.message as string | null) ?? null,
  };
}

/** Deposits the week's list (once: the key is the week and the file's digest) and records the receipt. */
export async function depositWeeklyList(
  db: ReadModelDb,
  config: PartnerConfig,
  week: string,
): Promise<DepositReceipt> {
  const [r] = await db.query<{
    content: string;
    sha256: string;
    rows: number;
    file_name: string;
    built_at: Date;
    deposit_id: string | null;
    deposited_at: Date | null;
  }>(
    `select content, sha256, rows, file_name, built_at, deposit_id, deposited_at from ft_weekly_lists where week = $1`,
    [week],
  );
  if (!r)
    throw ApplicationFailure.nonRetryable(
      `Aucune liste préparée pour la semaine ${week}.`,
      'WeeklyListMissing',
    );
  if (r.deposit_id && r.deposited_at)
    return { depositId: r.deposit_id, receivedAt: new Date(r.deposited_at).toISOString() };
  // One key per built file: retries reuse it; a list rebuilt after a refusal is a new deposit.
  const key = `jalons-ft-liste-${week}-${r.sha256.slice(0, 24)}-${new Date(r.built_at).getTime()}`;
  const receipt = await callPartner(
    endpointOf(config, 'ft-exchange'),
    ftExchangeRoutes.deposit,
    { fileName: r.file_name, week, sha256: r.sha256, rows: r.rows, content: r.content },
    { idempotencyKey: key },
  );
  await db.query(
    `update ft_weekly_lists set status = 'deposited', deposit_id = $2, deposited_at = $3, message = null
     where week = $1 and sha256 = $4`,
    [week, receipt.depositId, receipt.receivedAt, r.sha256],
  );
  return receipt;
}

/** Asks France Travail whether it processed the week's deposit; records the answer. */
export async function checkWeeklyListAcknowledgement(
  db: ReadModelDb,
  config: PartnerConfig,
  week: string,
): Promise<{ status: 'received' | 'accepted' | 'rejected'; message: string | null }> {
  const record = await weeklyListRecord(db, week);
  if (!record?.depositId)
    throw ApplicationFailure.nonRetryable(
      `La liste de la semaine ${week} n’a pas été déposée.`,
      'WeeklyListMissing',
    );
  if (record.status === 'accepted' || record.status === 'rejected')
    return { status: record.status, message: record.message };
  const answer = await callPartner(
    endpointOf(config, 'ft-exchange'),
    ftExchangeRoutes.depositStatus,
    { depositId: record.depositId },
    freshRead(),
  );
  if (answer.status !== 'received')
    await db.query(
      `update ft_weekly_lists set status = $2, processed_at = $3, message = $4 where week = $1 and deposit_id = $5`,
      [week, answer.status, answer.processedAt, answer.message, record.depositId],
    );
  return { status: answer.status, message: answer.message };
}

/** A list France Travail never received: noted for operations (the next run sends it). */
export async function recordWeeklyListFailure(db: ReadModelDb, week: string, message: string): Promise<void> {
  await db.query(
    `update ft_weekly_lists set status = 'failed', message = $2 where week = $1 and status = 'built'`,
    [week, message],
  );
}
