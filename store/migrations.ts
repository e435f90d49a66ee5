/**
 * The read model's schema, as numbered migrations applied once each, in order,
 * under an advisory lock (several workers may start together).
 */
import { grantsMigration } from './grants.js';
import type { ReadModelDb } from './queryable.js';
import { exchangesMigration } from './exchanges-schema.js';
import { incidentsMigration } from './incidents.js';
import { identitiesMigration } from './identities-schema.js';
import { specialCategoryMigration } from './special-category.js';
import { rdvInsertionMigration } from './rdv-insertion.js';
import { lettersMigration } from './letters.js';

const migrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'parcours, échéances, messages, sanctions, journal',
    sql: `
      create table paths (
        workflow_id text primary key,
        beneficiary_id text not null,
        revision integer not null,
        policy text not null,
        territory text not null,
        step text not null,
        status text not null,
        track text,
        organisation text,
        referent text,
        rights_opened_at timestamptz not null,
        oriented_at timestamptz,
        contract_signed_at timestamptz,
        weekly_hours numeric,
        intensive boolean not null default false,
        reorientations integer not null default 0,
        interviews integer not null default 0,
        next_due_at timestamptz,
        late boolean not null default false,
        state jsonb not null,
        updated_at timestamptz not null default now()
      );
      create index paths_territory on paths (territory, step);
      create index paths_referent on paths (referent) where status = 'active';
      create index paths_opened on paths (rights_opened_at);

      create table deadlines (
        workflow_id text not null references paths on delete cascade,
        deadline_id text not null,
        kind text not null,
        due_at timestamptz not null,
        met_at timestamptz,
        breached boolean not null,
        cancelled_at timestamptz,
        primary key (workflow_id, deadline_id)
      );
      create index deadlines_open on deadlines (due_at) where met_at is null and cancelled_at is null;

      create table notifications (
        workflow_id text not null references paths on delete cascade,
        notification_id text not null,
        sent_at timestamptz not null,
        recipient text not null,
        template text not null,
        failed text,
        primary key (workflow_id, notification_id)
      );

      create table sanctions (
        workflow_id text not null references paths on delete cascade,
        decided_at timestamptz not null,
        rate numeric not null,
        months integer not null,
        decided_by text,
        ended_at timestamptz,
        ended_by text,
        primary key (workflow_id, decided_at)
      );

      -- Who did what, when, on which case: one row per event the path applied.
      create table journal (
        workflow_id text not null references paths on delete cascade,
        seq integer not null,
        at timestamptz not null,
        event text not null,
        actor text,
        step text not null,
        primary key (workflow_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: 'boîte d’envoi des courriels (jamais deux fois)',
    sql: `
      create table outbox (
        key text primary key,
        template text not null,
        recipients text[] not null,
        message_id text not null,
        status text not null check (status in ('sending', 'sent', 'failed')),
        error text,
        created_at timestamptz not null default now(),
        sent_at timestamptz
      );
      create index outbox_failed on outbox (created_at) where status = 'failed';
    `,
  },
  {
    version: 3,
    name: 'index de la liste des retards',
    sql: `
      create index deadlines_late on deadlines (due_at, workflow_id) where met_at is null and cancelled_at is null and breached;
      create index paths_active on paths (workflow_id) where status = 'active';
    `,
  },
  {
    version: 4,
    name: 'comptes, rôles, périmètres et journal des connexions',
    sql: `
      -- People who use the web app, its API and the codec server. No secret in clear:
      -- password_hash is scrypt with its own salt and parameters, api_token_hash a SHA-256.
      create table accounts (
        login text primary key,
        password_hash text,
        role text not null check (role in ('lecture', 'agent', 'admin')),
        organisations text[] not null default '{}',
        territories text[] not null default '{}',
        all_cases boolean not null default false,
        disabled boolean not null default false,
        session_version integer not null default 1,
        api_token_hash text unique,
        api_token_created_at timestamptz,
        password_changed_at timestamptz,
        last_login_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );

      -- Logins, failed logins, logouts and account changes (never a password).
      create table account_events (
        id bigint generated always as identity primary key,
        at timestamptz not null default now(),
        login text,
        event text not null,
        channel text not null,
        ip text,
        actor text,
        detail text
      );
      create index account_events_login on account_events (login, event, at);
      create index account_events_at on account_events (at);
    `,
  },
];

// Migration 6 (issue 9, the exchanges with the insertion network) lives with its activities.
migrations.push(exchangesMigration);
// Migration 7: grant cycles (store/grants.ts).
migrations.push(grantsMigration);
// Migration 8: the health watch's incidents (store/incidents.ts).
migrations.push(incidentsMigration);
// Migration 9: the secret links of the grant deadlines' calendar feed (apps/web/grants-ical.ts).
// Only the SHA-256 of a link is kept; a new link replaces the account's previous one.
migrations.push({
  version: 9,
  name: 'liens secrets de l’agenda des subventions',
  sql: `
    create table grant_calendar_tokens (
      login text primary key references accounts (login) on delete cascade,
      token_hash text not null unique,
      created_at timestamptz not null default now()
    );
  `,
});
// Migration 10 (issue 17): accounts keyed on the identity provider's issuer and subject, and the
// people waiting for an administrator to grant them access (store/identities.ts, docs/proconnect.md).
migrations.push(identitiesMigration);
// Migration 11 (issue 17): what each message said, shown on the case page (store/outbox.ts).
migrations.push({
  version: 11,
  name: 'contenu des messages envoyés (objet et texte), montré sur la page du dossier',
  sql: `
    alter table outbox add column subject text;
    alter table outbox add column body text;
  `,
});
// Migration 12 (issue 19): personal API tokens expire (store/accounts.ts, JALONS_API_TOKEN_DAYS).
// A token issued before gets the default 90 days from its issue, but at least 14 days from the
// migration, so that nobody's script stops without warning on the day of the upgrade.
migrations.push({
  version: 12,
  name: 'expiration des jetons d’API personnels',
  sql: `
    alter table accounts add column api_token_expires_at timestamptz;
    update accounts set api_token_expires_at = greatest(
        coalesce(api_token_created_at, now()) + interval '90 days', now() + interval '14 days')
      where api_token_hash is not null;
  `,
});

// Migration 13 (issue 19): special-category data out of the read model's snapshots (store/special-category.ts).
migrations.push(specialCategoryMigration);
// Migration 14 (issue 21): RDV-Insertion's linked users and webhook deliveries (store/rdv-insertion.ts).
migrations.push(rdvInsertionMigration);
// Migration 15 (issue 20): the letters the law requires, kept with the case (store/letters.ts).
migrations.push(lettersMigration);

export async function migrate(db: ReadModelDb): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7240512)');
    await tx.query(
      'create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
    const done = new Set(
      (await tx.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version),
    );
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      for (const statement of m.sql.split(/;\s*$/m).filter((s) => s.trim())) await tx.query(statement);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
    }
  });
}
