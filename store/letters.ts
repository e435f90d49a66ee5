/**
 * The letters kept with each case (docs/courriers.md): one row per letter the
 * path's events call for (domain/path/letter-facts.ts), created when the read
 * model records the event, with the facts it states; the PDF as it left (base64,
 * a few kilobytes), the instant of sending and of receipt, copied from the
 * path's state (the workflow is the source of truth: `letter.sent`,
 * `letter.received`). Rows reference `paths`: the RGPD purge and export take
 * them with the path (store/retention.ts reads the schema).
 */
import { letterDrafts } from '../domain/path/letter-facts.js';
import type { LetterChannel, LetterKind } from '../domain/path/letter-kinds.js';
import type { PathState } from '../domain/path/path.js';
import type { Queryable } from './queryable.js';

export const lettersMigration = {
  version: 15,
  name: 'courriers de la loi : avis de sanction envisagée, décision, notification d’orientation',
  sql: `
    create table letters (
      ref text primary key,
      workflow_id text not null references paths (workflow_id) on delete cascade,
      letter text not null,
      event_seq integer not null,
      event_at timestamptz not null,
      facts jsonb not null,
      created_at timestamptz not null default now(),
      printed_at timestamptz,
      batch text,
      channel text,
      sent_at timestamptz,
      received_at timestamptz,
      pdf text
    );
    create index letters_workflow on letters (workflow_id, event_seq);
    create index letters_awaiting on letters (created_at) where sent_at is null and printed_at is null;
  `,
};

export interface LetterRow {
  ref: string;
  workflowId: string;
  beneficiaryId: string;
  letter: LetterKind;
  eventSeq: number;
  eventAt: string;
  facts: Record<string, string>;
  createdAt: string;
  printedAt: string | null;
  batch: string | null;
  channel: LetterChannel | null;
  sentAt: string | null;
  receivedAt: string | null;
  hasPdf: boolean;
}

/**
 * Called by store/record.ts in the snapshot's transaction: a row for each letter called for by an
 * act the journal records for the first time (`fresh`: its revisions) — never twice, the reference
 * is the key, and never for the acts of a path recorded before the letters existed (a 1.0 path's
 * orientation of last year is not printed at the upgrade) —, then the sending and receipt the path
 * knows.
 */
export async function recordLetters(
  tx: Queryable,
  workflowId: string,
  s: PathState,
  fresh: ReadonlySet<number>,
): Promise<void> {
  const drafts = letterDrafts(s).filter((d) => fresh.has(d.seq));
  if (drafts.length)
    await tx.query(
      `insert into letters (ref, workflow_id, letter, event_seq, event_at, facts)
       select x.ref, $1, x.letter, x.seq, x."eventAt", x.facts
       from jsonb_to_recordset($2::jsonb) as x(ref text, letter text, seq integer, "eventAt" timestamptz, facts jsonb)
       on conflict (ref) do nothing`,
      [workflowId, JSON.stringify(drafts)],
    );
  if (s.letters?.length)
    await tx.query(
      `update letters l set channel = x.channel, sent_at = x."sentAt", received_at = x."receivedAt"
       from jsonb_to_recordset($2::jsonb) as x(ref text, channel text, "sentAt" timestamptz, "receivedAt" timestamptz)
       where l.ref = x.ref and l.workflow_id = $1
         and (l.sent_at is distinct from x."sentAt" or l.received_at is distinct from x."receivedAt")`,
      [workflowId, JSON.stringify(s.letters)],
    );
}

type Raw = {
  ref: string;
  workflow_id: string;
  beneficiary_id: string;
  letter: LetterKind;
  event_seq: number;
  event_at: Date | string;
  facts: Record<string, string> | string;
  created_at: Date | string;
  printed_at: Date | string | null;
  batch: string | null;
  channel: LetterChannel | null;
  sent_at: Date | string | null;
  received_at: Date | string | null;
  has_pdf: boolean;
};

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const toRow = (r: Raw): LetterRow => ({
  ref: r.ref,
  workflowId: r.workflow_id,
  beneficiaryId: r.beneficiary_id,
  letter: r.letter,
  eventSeq: r.event_seq,
  eventAt: iso(r.event_at)!,
  facts: typeof r.facts === 'string' ? (JSON.parse(r.facts) as Record<string, string>) : r.facts,
  createdAt: iso(r.created_at)!,
  printedAt: iso(r.printed_at),
  batch: r.batch,
  channel: r.channel,
  sentAt: iso(r.sent_at),
  receivedAt: iso(r.received_at),
  hasPdf: r.has_pdf,
});

const COLUMNS = `l.ref, l.workflow_id, p.beneficiary_id, l.letter, l.event_seq, l.event_at, l.facts, l.created_at,
  l.printed_at, l.batch, l.channel, l.sent_at, l.received_at, l.pdf is not null as has_pdf
  from letters l join paths p using (workflow_id)`;

/** The letters of one case, in the order of its events. */
export async function lettersOf(db: Queryable, workflowId: string): Promise<LetterRow[]> {
  const rows = await db.query<Raw>(`select ${COLUMNS} where l.workflow_id = $1 order by l.event_seq`, [
    workflowId,
  ]);
  return rows.map(toRow);
}

export async function letterByRef(db: Queryable, ref: string): Promise<LetterRow | null> {
  const [row] = await db.query<Raw>(`select ${COLUMNS} where l.ref = $1`, [ref]);
  return row ? toRow(row) : null;
}

/**
 * Letters not yet sent: awaiting printing (or e-mail), oldest first; with `printed`, those a batch
 * printed whose sending the path has not recorded yet (a batch interrupted before its Updates).
 */
export async function lettersToSend(
  db: Queryable,
  options: { limit: number; printed?: boolean; workflowId?: string },
): Promise<LetterRow[]> {
  const rows = await db.query<Raw>(
    `select ${COLUMNS} where l.sent_at is null and (l.printed_at is ${options.printed ? 'not ' : ''}null)
       and ($1::text is null or l.workflow_id = $1) and p.status <> 'closed'
     order by l.created_at, l.workflow_id, l.event_seq limit ${Number(options.limit)}`,
    [options.workflowId ?? null],
  );
  return rows.map(toRow);
}

/**
 * Keeps the PDF as it leaves, and the batch that printed it (null: an e-mail, which stays awaiting
 * until its sending is recorded). A letter already sent keeps the PDF that left (one sent
 * without a PDF kept, e.g. recorded by hand, keeps the first one made).
 */
export async function keepLetterPdf(
  db: Queryable,
  ref: string,
  pdf: Uint8Array,
  batch: string | null,
): Promise<void> {
  await db.query(
    `update letters set pdf = $2, batch = coalesce($3, batch),
       printed_at = case when $3::text is null then printed_at else coalesce(printed_at, now()) end
     where ref = $1 and (sent_at is null or pdf is null)`,
    [ref, Buffer.from(pdf).toString('base64'), batch],
  );
}

/** The PDF kept for a letter (null: not sent yet, rendered on demand). */
export async function letterPdf(db: Queryable, ref: string): Promise<Uint8Array | null> {
  const [row] = await db.query<{ pdf: string | null }>('select pdf from letters where ref = $1', [ref]);
  return row?.pdf ? Buffer.from(row.pdf, 'base64') : null;
}
