-- Version 6: several seller accounts, several bot run replicas (issue 15).
-- Number 6 of this dialect; the PostgreSQL file of the same number must stay
-- equivalent. docs/accounts.md explains the design.
--
-- The database DATABASE_URL names holds the account "default" (the
-- environment-only setup, unchanged) and the registry of the others; every
-- other account's data lives in its own schema (PostgreSQL) or file
-- (SQLite) with this same set of migrations, so no query of the store can
-- read or write another account's rows. accounts, replicas and leases are
-- used in the registry's database only; fence is used in every one.
--
-- Lease instants are milliseconds since 1970 on the DATABASE's clock (never
-- a replica's own), so a replica whose clock is wrong can neither steal nor
-- keep a lease.

-- +goose Up
-- The accounts besides "default". Secrets are sealed (package secretbox,
-- AES-256-GCM with VTRBOT_SECRET_KEY, bound to this table, the name and the
-- column): a dump holds none in clear.
CREATE TABLE accounts (
    name                   TEXT PRIMARY KEY,
    marketplaces           TEXT NOT NULL DEFAULT '',
    slack_channel          TEXT NOT NULL DEFAULT '',
    slack_allowed_users    TEXT NOT NULL DEFAULT '',
    slack_allowed_channels TEXT NOT NULL DEFAULT '',
    imap_addr              TEXT NOT NULL DEFAULT '',
    imap_username          TEXT NOT NULL DEFAULT '',
    imap_tls               TEXT NOT NULL DEFAULT '',
    imap_mailbox           TEXT NOT NULL DEFAULT '',
    imap_auth              TEXT NOT NULL DEFAULT '',
    imap_secret            TEXT NOT NULL DEFAULT '',
    spapi_refresh_token    TEXT NOT NULL DEFAULT '',
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);

-- Live bot run processes: each writes seen_ms every few seconds.
CREATE TABLE replicas (
    replica_id TEXT PRIMARY KEY,
    started_ms BIGINT NOT NULL,
    seen_ms    BIGINT NOT NULL
);

-- Who runs each account's mailbox watcher and Amazon sync, until when, and
-- the fencing epoch: it grows by one whenever the lease changes hands.
CREATE TABLE leases (
    account     TEXT PRIMARY KEY,
    holder      TEXT NOT NULL DEFAULT '',
    epoch       BIGINT NOT NULL DEFAULT 0,
    acquired_ms BIGINT NOT NULL DEFAULT 0,
    expires_ms  BIGINT NOT NULL DEFAULT 0
);

-- The highest epoch that has written this account's data: a write carrying
-- a lower epoch (a paused old leader's late write) is refused.
CREATE TABLE fence (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);

-- +goose Down
DROP TABLE fence;
DROP TABLE leases;
DROP TABLE replicas;
DROP TABLE accounts;
