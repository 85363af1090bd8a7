-- Version 10: accounts as rows. Every table of a seller's data gains the
-- column account (the registry's name; '' for the account default, the
-- environment-only setup: an empty key costs the indexes nothing, and most
-- databases hold default alone), first in its primary key and in every
-- index, and the rows already here are the account default's. The column
-- has no default: every statement says whose row it writes. The tables that are not a seller's
-- (marketplaces, accounts, replicas, leases) keep their shape. The IMAP
-- login that notices and mailbox checkpoints called account is now
-- imap_account. fence has one row per account. An account kept in a schema
-- of its own by versions 6-9 moves into these rows when it is next opened
-- (store/legacy.go); docs/accounts.md, "Where an account's data lives". The
-- file of the same number in the other dialect must stay equivalent.

-- +goose Up
ALTER TABLE notices RENAME COLUMN account TO imap_account;
ALTER TABLE mailbox_checkpoints RENAME COLUMN account TO imap_account;

ALTER TABLE meta ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE order_items ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE sku_categories ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE packages ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE vtr_report_rows ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE carrier_events ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE notices ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE mailbox_checkpoints ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE triage ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE triage_actions ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE package_tallies ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE spapi_sync ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE spapi_reports ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE amazon_vtr ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE digests ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE fence ADD COLUMN account TEXT NOT NULL DEFAULT '';

ALTER TABLE meta DROP CONSTRAINT meta_pkey, ADD PRIMARY KEY (account, key);
ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_pkey, ADD PRIMARY KEY (account, order_id);
ALTER TABLE order_items DROP CONSTRAINT order_items_pkey, ADD PRIMARY KEY (account, order_id, line),
    ADD CONSTRAINT order_items_order_fkey FOREIGN KEY (account, order_id) REFERENCES orders (account, order_id) ON DELETE CASCADE;
ALTER TABLE sku_categories DROP CONSTRAINT sku_categories_pkey, ADD PRIMARY KEY (account, sku);
ALTER TABLE packages DROP CONSTRAINT packages_pkey, ADD PRIMARY KEY (account, order_id, tracking_number);
ALTER TABLE vtr_report_rows DROP CONSTRAINT vtr_report_rows_pkey, ADD PRIMARY KEY (account, order_id, tracking_number);
ALTER TABLE carrier_events DROP CONSTRAINT carrier_events_pkey, ADD PRIMARY KEY (account, tracking_number, status, at);
ALTER TABLE notices DROP CONSTRAINT notices_pkey, ADD PRIMARY KEY (account, notice_id);
ALTER TABLE mailbox_checkpoints DROP CONSTRAINT mailbox_checkpoints_pkey, ADD PRIMARY KEY (account, imap_account, mailbox);
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey, ADD PRIMARY KEY (account, outbox_id);
ALTER TABLE triage DROP CONSTRAINT triage_pkey, ADD PRIMARY KEY (account, notice_id);
ALTER TABLE triage_actions DROP CONSTRAINT triage_actions_pkey, ADD PRIMARY KEY (account, notice_id, at, user_id, action);
ALTER TABLE package_tallies DROP CONSTRAINT package_tallies_pkey, ADD PRIMARY KEY (account, marketplace, window_date, category, ineligible, reason);
ALTER TABLE spapi_sync DROP CONSTRAINT spapi_sync_pkey, ADD PRIMARY KEY (account, marketplace);
ALTER TABLE spapi_reports DROP CONSTRAINT spapi_reports_pkey, ADD PRIMARY KEY (account, report_id);
ALTER TABLE amazon_vtr DROP CONSTRAINT amazon_vtr_pkey, ADD PRIMARY KEY (account, marketplace, report_id);
ALTER TABLE digests DROP CONSTRAINT digests_pkey, ADD PRIMARY KEY (account, marketplace, digest_date, category);
ALTER TABLE fence DROP CONSTRAINT fence_pkey, DROP CONSTRAINT fence_id_check, DROP COLUMN id, ADD PRIMARY KEY (account);

DROP INDEX orders_purchase;
DROP INDEX orders_latest_ship;
DROP INDEX orders_promised;
DROP INDEX orders_market_purchase;
DROP INDEX order_items_sku;
DROP INDEX packages_window;
DROP INDEX packages_tracking;
DROP INDEX packages_ship;
DROP INDEX vtr_report_tracking;
DROP INDEX notices_raw;
DROP INDEX notices_state;
DROP INDEX notices_case;
DROP INDEX notices_warnings;
DROP INDEX spapi_reports_market;
DROP INDEX amazon_vtr_latest;
CREATE INDEX orders_purchase ON orders (account, purchase_date);
CREATE INDEX orders_latest_ship ON orders (account, marketplace, latest_ship_date);
CREATE INDEX orders_promised ON orders (account, marketplace, promised_delivery, purchase_date);
CREATE INDEX orders_market_purchase ON orders (account, marketplace, purchase_date);
CREATE INDEX order_items_sku ON order_items (account, sku);
CREATE INDEX packages_window ON packages (account, marketplace, window_date, category, ineligible, reason);
CREATE INDEX packages_tracking ON packages (account, tracking_number);
CREATE INDEX packages_ship ON packages (account, marketplace, ship_date);
CREATE INDEX vtr_report_tracking ON vtr_report_rows (account, tracking_number);
CREATE UNIQUE INDEX notices_raw ON notices (account, raw_sha256);
CREATE INDEX notices_state ON notices (account, state);
CREATE INDEX notices_case ON notices (account, case_key);
CREATE INDEX notices_warnings ON notices (account, kind, notice_date);
CREATE INDEX spapi_reports_market ON spapi_reports (account, marketplace, requested_at);
CREATE INDEX amazon_vtr_latest ON amazon_vtr (account, marketplace, fetched_at);
-- outbox_due (state, next_attempt_at) stays across accounts: any replica
-- drains every account's outbox (ClaimOutbox).
-- No default from here on: a statement that does not say whose row it
-- writes fails instead of writing into default's.
ALTER TABLE meta ALTER COLUMN account DROP DEFAULT;
ALTER TABLE orders ALTER COLUMN account DROP DEFAULT;
ALTER TABLE order_items ALTER COLUMN account DROP DEFAULT;
ALTER TABLE sku_categories ALTER COLUMN account DROP DEFAULT;
ALTER TABLE packages ALTER COLUMN account DROP DEFAULT;
ALTER TABLE vtr_report_rows ALTER COLUMN account DROP DEFAULT;
ALTER TABLE carrier_events ALTER COLUMN account DROP DEFAULT;
ALTER TABLE notices ALTER COLUMN account DROP DEFAULT;
ALTER TABLE mailbox_checkpoints ALTER COLUMN account DROP DEFAULT;
ALTER TABLE outbox ALTER COLUMN account DROP DEFAULT;
ALTER TABLE triage ALTER COLUMN account DROP DEFAULT;
ALTER TABLE triage_actions ALTER COLUMN account DROP DEFAULT;
ALTER TABLE package_tallies ALTER COLUMN account DROP DEFAULT;
ALTER TABLE spapi_sync ALTER COLUMN account DROP DEFAULT;
ALTER TABLE spapi_reports ALTER COLUMN account DROP DEFAULT;
ALTER TABLE amazon_vtr ALTER COLUMN account DROP DEFAULT;
ALTER TABLE digests ALTER COLUMN account DROP DEFAULT;
ALTER TABLE fence ALTER COLUMN account DROP DEFAULT;

-- +goose Down
-- Only the account default's rows can go back to the single-account shape:
-- the other accounts' rows are deleted (export them first).
DELETE FROM fence WHERE account <> '';
DELETE FROM digests WHERE account <> '';
DELETE FROM amazon_vtr WHERE account <> '';
DELETE FROM spapi_reports WHERE account <> '';
DELETE FROM spapi_sync WHERE account <> '';
DELETE FROM package_tallies WHERE account <> '';
DELETE FROM triage_actions WHERE account <> '';
DELETE FROM triage WHERE account <> '';
DELETE FROM outbox WHERE account <> '';
DELETE FROM mailbox_checkpoints WHERE account <> '';
DELETE FROM notices WHERE account <> '';
DELETE FROM carrier_events WHERE account <> '';
DELETE FROM vtr_report_rows WHERE account <> '';
DELETE FROM packages WHERE account <> '';
DELETE FROM sku_categories WHERE account <> '';
DELETE FROM order_items WHERE account <> '';
DELETE FROM meta WHERE account <> '';
DELETE FROM orders WHERE account <> '';
DROP INDEX orders_purchase;
DROP INDEX orders_latest_ship;
DROP INDEX orders_promised;
DROP INDEX orders_market_purchase;
DROP INDEX order_items_sku;
DROP INDEX packages_window;
DROP INDEX packages_tracking;
DROP INDEX packages_ship;
DROP INDEX vtr_report_tracking;
DROP INDEX notices_raw;
DROP INDEX notices_state;
DROP INDEX notices_case;
DROP INDEX notices_warnings;
DROP INDEX spapi_reports_market;
DROP INDEX amazon_vtr_latest;
CREATE INDEX orders_purchase ON orders (purchase_date);
CREATE INDEX orders_latest_ship ON orders (marketplace, latest_ship_date);
CREATE INDEX orders_promised ON orders (marketplace, promised_delivery, purchase_date);
CREATE INDEX orders_market_purchase ON orders (marketplace, purchase_date);
CREATE INDEX order_items_sku ON order_items (sku);
CREATE INDEX packages_window ON packages (marketplace, window_date, category, ineligible, reason);
CREATE INDEX packages_tracking ON packages (tracking_number);
CREATE INDEX packages_ship ON packages (marketplace, ship_date);
CREATE INDEX vtr_report_tracking ON vtr_report_rows (tracking_number);
CREATE UNIQUE INDEX notices_raw ON notices (raw_sha256);
CREATE INDEX notices_state ON notices (state);
CREATE INDEX notices_case ON notices (case_key);
CREATE INDEX notices_warnings ON notices (kind, notice_date);
CREATE INDEX spapi_reports_market ON spapi_reports (marketplace, requested_at);
CREATE INDEX amazon_vtr_latest ON amazon_vtr (marketplace, fetched_at);
ALTER TABLE fence DROP CONSTRAINT fence_pkey, ADD COLUMN id INTEGER NOT NULL DEFAULT 1 CHECK (id = 1);
ALTER TABLE fence ADD PRIMARY KEY (id);
ALTER TABLE fence ALTER COLUMN id DROP DEFAULT;
ALTER TABLE digests DROP CONSTRAINT digests_pkey, ADD PRIMARY KEY (marketplace, digest_date, category);
ALTER TABLE amazon_vtr DROP CONSTRAINT amazon_vtr_pkey, ADD PRIMARY KEY (marketplace, report_id);
ALTER TABLE spapi_reports DROP CONSTRAINT spapi_reports_pkey, ADD PRIMARY KEY (report_id);
ALTER TABLE spapi_sync DROP CONSTRAINT spapi_sync_pkey, ADD PRIMARY KEY (marketplace);
ALTER TABLE package_tallies DROP CONSTRAINT package_tallies_pkey, ADD PRIMARY KEY (marketplace, window_date, category, ineligible, reason);
ALTER TABLE triage_actions DROP CONSTRAINT triage_actions_pkey, ADD PRIMARY KEY (notice_id, at, user_id, action);
ALTER TABLE triage DROP CONSTRAINT triage_pkey, ADD PRIMARY KEY (notice_id);
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey, ADD PRIMARY KEY (outbox_id);
ALTER TABLE mailbox_checkpoints DROP CONSTRAINT mailbox_checkpoints_pkey, ADD PRIMARY KEY (imap_account, mailbox);
ALTER TABLE notices DROP CONSTRAINT notices_pkey, ADD PRIMARY KEY (notice_id);
ALTER TABLE carrier_events DROP CONSTRAINT carrier_events_pkey, ADD PRIMARY KEY (tracking_number, status, at);
ALTER TABLE vtr_report_rows DROP CONSTRAINT vtr_report_rows_pkey, ADD PRIMARY KEY (order_id, tracking_number);
ALTER TABLE packages DROP CONSTRAINT packages_pkey, ADD PRIMARY KEY (order_id, tracking_number);
ALTER TABLE sku_categories DROP CONSTRAINT sku_categories_pkey, ADD PRIMARY KEY (sku);
ALTER TABLE order_items DROP CONSTRAINT order_items_order_fkey, DROP CONSTRAINT order_items_pkey, ADD PRIMARY KEY (order_id, line);
ALTER TABLE orders DROP CONSTRAINT orders_pkey, ADD PRIMARY KEY (order_id);
ALTER TABLE order_items ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (order_id) ON DELETE CASCADE;
ALTER TABLE meta DROP CONSTRAINT meta_pkey, ADD PRIMARY KEY (key);
ALTER TABLE meta DROP COLUMN account;
ALTER TABLE orders DROP COLUMN account;
ALTER TABLE order_items DROP COLUMN account;
ALTER TABLE sku_categories DROP COLUMN account;
ALTER TABLE packages DROP COLUMN account;
ALTER TABLE vtr_report_rows DROP COLUMN account;
ALTER TABLE carrier_events DROP COLUMN account;
ALTER TABLE notices DROP COLUMN account;
ALTER TABLE mailbox_checkpoints DROP COLUMN account;
ALTER TABLE outbox DROP COLUMN account;
ALTER TABLE triage DROP COLUMN account;
ALTER TABLE triage_actions DROP COLUMN account;
ALTER TABLE package_tallies DROP COLUMN account;
ALTER TABLE spapi_sync DROP COLUMN account;
ALTER TABLE spapi_reports DROP COLUMN account;
ALTER TABLE amazon_vtr DROP COLUMN account;
ALTER TABLE digests DROP COLUMN account;
ALTER TABLE fence DROP COLUMN account;
ALTER TABLE mailbox_checkpoints RENAME COLUMN imap_account TO account;
ALTER TABLE notices RENAME COLUMN imap_account TO account;
