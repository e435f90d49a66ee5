/**
 * The schema of store/identities.ts, apart so that the migrations do not import
 * the accounts' code (no cycle through store/db.ts).
 */
export const identitiesMigration = {
  version: 10,
  name: 'comptes tenus par l’émetteur et le sujet du fournisseur d’identité ; accès en attente',
  sql: `
    alter table accounts add column oidc_issuer text;
    alter table accounts add column oidc_subject text;
    alter table accounts add column email text;
    alter table accounts add column display_name text;
    create unique index accounts_oidc_identity on accounts (oidc_issuer, oidc_subject);

    -- People the provider vouched for and no administrator has answered yet (or refused).
    create table access_requests (
      id bigint generated always as identity primary key,
      issuer text not null,
      subject text not null,
      email text,
      display_name text,
      siret text,
      status text not null default 'pending' check (status in ('pending', 'refused')),
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      decided_by text,
      decided_at timestamptz,
      unique (issuer, subject)
    );
  `,
};
