/**
 * What Jalons keeps of RDV-Insertion (docs/rdv-insertion.md): the link between a
 * person's pseudonymous id and RDV-Insertion's user id (no name, e-mail nor phone),
 * and each webhook delivery received, for three reasons: a delivery seen twice is
 * applied once, a delivery older than the last applied one for the same participation
 * changes nothing, and what was received is there to read.
 */
import type { Queryable } from './queryable.js';

export const rdvInsertionMigration = {
  version: 14,
  name: 'RDV-Insertion : usagers liés et livraisons de webhooks reçues',
  sql: `
    create table rdvi_users (
      beneficiary_id text primary key,
      user_id bigint not null,
      source text not null,
      linked_at timestamptz not null default now()
    );
    create index rdvi_users_user on rdvi_users (user_id);
    create table rdvi_deliveries (
      resource text not null,
      resource_id bigint not null,
      status text not null,
      sent_at timestamptz not null,
      starts_at timestamptz,
      beneficiary_id text,
      outcome text not null,
      received_at timestamptz not null default now(),
      primary key (resource, resource_id, status, sent_at)
    );
  `,
};

export type LinkSource = 'import' | 'webhook' | 'invitation';

/** Links a person to RDV-Insertion's user (a newer link replaces an older one). */
export async function linkRdviUser(
  db: Queryable,
  beneficiaryId: string,
  userId: number,
  source: LinkSource,
): Promise<void> {
  await db.query(
    `insert into rdvi_users (beneficiary_id, user_id, source) values ($1, $2, $3)
       on conflict (beneficiary_id) do update set user_id = excluded.user_id, source = excluded.source,
         linked_at = now()
       where rdvi_users.user_id <> excluded.user_id`,
    [beneficiaryId, userId, source],
  );
}

export async function rdviUserOf(db: Queryable, beneficiaryId: string): Promise<number | null> {
  const [row] = await db.query<{ user_id: string | number }>(
    'select user_id from rdvi_users where beneficiary_id = $1',
    [beneficiaryId],
  );
  return row ? Number(row.user_id) : null;
}

export async function beneficiaryOfRdviUser(db: Queryable, userId: number): Promise<string | null> {
  const rows = await db.query<{ beneficiary_id: string }>(
    'select beneficiary_id from rdvi_users where user_id = $1 order by linked_at desc limit 2',
    [userId],
  );
  // Two people on one RDV-Insertion user: nobody is guessed.
  return rows.length === 1 ? rows[0]!.beneficiary_id : null;
}

export interface DeliveryKey {
  resource: string;
  resourceId: number;
  status: string;
  sentAt: Date;
}

export type DeliveryOutcome = 'applied' | 'journaled' | 'stale' | 'unknown';
/** What was applied before for this participation: its last instant and appointment time. */
export interface Previous {
  duplicate: boolean;
  lastSentAt: Date | null;
  lastStartsAt: Date | null;
}

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

export async function previousDeliveries(db: Queryable, k: DeliveryKey): Promise<Previous> {
  const [dup] = await db.query<{ outcome: string }>(
    `select outcome from rdvi_deliveries
      where resource = $1 and resource_id = $2 and status = $3 and sent_at = $4`,
    [k.resource, k.resourceId, k.status, k.sentAt.toISOString()],
  );
  const [last] = await db.query<{ sent_at: unknown }>(
    `select max(sent_at) as sent_at from rdvi_deliveries
      where resource = $1 and resource_id = $2 and outcome in ('applied', 'journaled')`,
    [k.resource, k.resourceId],
  );
  const [starts] = await db.query<{ starts_at: unknown }>(
    `select starts_at from rdvi_deliveries
      where resource = $1 and resource_id = $2 and outcome = 'applied' and starts_at is not null
      order by sent_at desc limit 1`,
    [k.resource, k.resourceId],
  );
  return {
    duplicate: dup !== undefined && dup.outcome !== 'unknown',
    lastSentAt: asDate(last?.sent_at),
    lastStartsAt: asDate(starts?.starts_at),
  };
}

export async function recordDelivery(
  db: Queryable,
  k: DeliveryKey,
  o: { outcome: DeliveryOutcome; startsAt: Date | null; beneficiaryId: string | null },
): Promise<void> {
  await db.query(
    `insert into rdvi_deliveries (resource, resource_id, status, sent_at, starts_at, beneficiary_id, outcome)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (resource, resource_id, status, sent_at) do update
         set outcome = excluded.outcome, beneficiary_id = excluded.beneficiary_id, received_at = now()
         where rdvi_deliveries.outcome = 'unknown'`,
    [
      k.resource,
      k.resourceId,
      k.status,
      k.sentAt.toISOString(),
      o.startsAt?.toISOString() ?? null,
      o.beneficiaryId,
      o.outcome,
    ],
  );
}

export async function deliveriesOf(
  db: Queryable,
  resource: string,
  resourceId: number,
): Promise<{ status: string; outcome: string; sentAt: Date }[]> {
  const rows = await db.query<{ status: string; outcome: string; sent_at: unknown }>(
    `select status, outcome, sent_at from rdvi_deliveries where resource = $1 and resource_id = $2
      order by received_at, sent_at`,
    [resource, resourceId],
  );
  return rows.map((r) => ({ status: r.status, outcome: r.outcome, sentAt: new Date(r.sent_at as string) }));
}
