/**
 * Read-model migration 6: what the exchanges with the insertion network keep
 * (issue 9). Independent of migrations 4 and 5: only new tables, and only a
 * reference to `paths` (so that purging a path purges what was exported of it).
 */
export const exchangesMigration = {
  version: 6,
  name: 'échanges : liste hebdomadaire France Travail, catalogue de l’offre, MonJob62, rapports',
  sql: `
    create table ft_weekly_lists (
      week text primary key,
      file_name text not null,
      content text not null,
      sha256 text not null,
      rows integer not null,
      -- Keys of the events listed: an event goes in one list deposited to France Travail, never two.
      row_keys jsonb not null,
      built_at timestamptz not null,
      status text not null check (status in ('built', 'deposited', 'accepted', 'rejected', 'failed')),
      deposit_id text,
      deposited_at timestamptz,
      processed_at timestamptz,
      message text
    );

    create table catalogue_services (
      id text primary key,
      territory text not null,
      themes text[] not null,
      label text not null,
      -- Lower case without accents: searched with like.
      search_text text not null,
      service jsonb not null,
      fetched_at timestamptz not null
    );
    create index catalogue_services_territory on catalogue_services (territory);

    -- Small facts about the exchanges: last catalogue sync, MonJob62 cursor.
    create table exchange_state (
      name text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );

    create table monjob_exported (
      workflow_id text not null references paths on delete cascade,
      seq integer not null,
      exported_at timestamptz not null default now(),
      primary key (workflow_id, seq)
    );

    create table monjob_assignments (
      assignment_id text primary key,
      beneficiary_id text,
      outcome text not null check (outcome in ('applied', 'unchanged', 'rejected')),
      reason text,
      imported_at timestamptz not null default now()
    );

    create table reports (
      id text primary key,
      convention text not null,
      campaign text,
      period_from date not null,
      period_to date not null,
      built_at timestamptz not null,
      figures jsonb not null,
      csv text not null,
      html text not null
    );
  `,
};
