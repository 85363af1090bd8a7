-- Version 10: accounts as rows. Every table of a seller's data gains the
-- column account (the registry's name; '' for the account default, the
-- environment-only setup: an empty key costs the indexes nothing, and most
-- databases hold default alone), first in its primary key and in every
-- index, and the rows already here are the account default's. The column
-- has no default: every statement says whose row it writes. The tables that are not a seller's
-- (marketplaces, accounts, replicas, leases) keep their shape. The IMAP
-- login that notices and mailbox checkpoints called account is now
-- imap_account. fence has one row per account. SQLite cannot change a
-- primary key, so each table is built again beside the old one, filled, and
-- takes its name. An account kept in a file of its own by versions 6-9
-- moves into these rows when it is next opened (store/legacy.go);
-- docs/accounts.md, "Where an account's data lives". The file of the same
-- number in the other dialect must stay equivalent.

-- +goose Up
CREATE TABLE meta_new (
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (account, key)
);
CREATE TABLE orders_new (
    order_id TEXT NOT NULL,
    sales_channel TEXT NOT NULL DEFAULT '',
    marketplace TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    fulfillment TEXT NOT NULL,
    purchase_date TEXT NOT NULL DEFAULT '',
    purchased_at TEXT NOT NULL DEFAULT '',
    promised_delivery TEXT NOT NULL DEFAULT '',
    latest_ship_date TEXT NOT NULL DEFAULT '',
    latest_ship_at TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT '',
    ship_country TEXT NOT NULL DEFAULT '',
    buyer_cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    source TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, order_id)
);
CREATE TABLE order_items_new (
    order_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    sku TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL DEFAULT 1,
    price BIGINT NOT NULL DEFAULT 0,
    shipping BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, order_id, line),
    FOREIGN KEY (account, order_id) REFERENCES orders_new (account, order_id) ON DELETE CASCADE
);
CREATE TABLE sku_categories_new (
    sku TEXT NOT NULL,
    category TEXT NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (account, sku)
);
CREATE TABLE packages_new (
    order_id TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    carrier_code TEXT NOT NULL DEFAULT '',
    carrier_name TEXT NOT NULL DEFAULT '',
    ship_method TEXT NOT NULL DEFAULT '',
    ship_date TEXT NOT NULL,
    confirmed_at TEXT NOT NULL DEFAULT '',
    delivered_at TEXT NOT NULL DEFAULT '',
    first_scan_at TEXT NOT NULL DEFAULT '',
    marketplace TEXT NOT NULL DEFAULT '',
    window_date TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    carrier TEXT NOT NULL DEFAULT '',
    ineligible TEXT NOT NULL DEFAULT 'NO_ORDER',
    exemption TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    hint TEXT NOT NULL DEFAULT '',
    first_confirmed_at TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, order_id, tracking_number)
);
CREATE TABLE vtr_report_rows_new (
    order_id TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    carrier_name TEXT NOT NULL DEFAULT '',
    ship_method TEXT NOT NULL DEFAULT '',
    promised_delivery TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    package_value TEXT NOT NULL DEFAULT '',
    valid BOOLEAN NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, order_id, tracking_number)
);
CREATE TABLE carrier_events_new (
    tracking_number TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    notice_id TEXT NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (account, tracking_number, status, at)
);
CREATE TABLE notices_new (
    notice_id TEXT NOT NULL,
    imap_account TEXT NOT NULL DEFAULT '',
    mailbox TEXT NOT NULL DEFAULT '',
    uidvalidity BIGINT NOT NULL DEFAULT 0,
    uid BIGINT NOT NULL DEFAULT 0,
    raw BYTEA NOT NULL,
    raw_sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'stored',
    kind TEXT NOT NULL DEFAULT '',
    parsed TEXT NOT NULL DEFAULT '',
    parse_error TEXT NOT NULL DEFAULT '',
    case_key TEXT NOT NULL DEFAULT '',
    case_ref TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    notice_date TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    metric TEXT NOT NULL DEFAULT '',
    authentic BOOLEAN NOT NULL DEFAULT FALSE,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, notice_id)
);
CREATE TABLE mailbox_checkpoints_new (
    imap_account TEXT NOT NULL,
    mailbox TEXT NOT NULL,
    uidvalidity BIGINT NOT NULL,
    last_uid BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (account, imap_account, mailbox)
);
CREATE TABLE outbox_new (
    outbox_id TEXT NOT NULL,
    notice_id TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    thread_of TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    slack_ts TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT NOT NULL DEFAULT '',
    claimed_by TEXT NOT NULL DEFAULT '',
    claim_until TEXT NOT NULL DEFAULT '',
    first_attempt_at TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, outbox_id)
);
CREATE TABLE triage_new (
    notice_id TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    slack_ts TEXT NOT NULL DEFAULT '',
    assignee TEXT NOT NULL DEFAULT '',
    snoozed_until TEXT NOT NULL DEFAULT '',
    handled_by TEXT NOT NULL DEFAULT '',
    handled_at TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, notice_id)
);
CREATE TABLE triage_actions_new (
    notice_id TEXT NOT NULL,
    at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    action TEXT NOT NULL,
    value TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, notice_id, at, user_id, action)
);
CREATE TABLE package_tallies_new (
    marketplace TEXT NOT NULL,
    window_date TEXT NOT NULL,
    category TEXT NOT NULL,
    ineligible TEXT NOT NULL,
    reason TEXT NOT NULL,
    n INTEGER NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (account, marketplace, window_date, category, ineligible, reason)
) WITHOUT ROWID;
CREATE TABLE spapi_sync_new (
    marketplace TEXT NOT NULL,
    watermark TEXT NOT NULL DEFAULT '',
    run_after TEXT NOT NULL DEFAULT '',
    run_before TEXT NOT NULL DEFAULT '',
    next_token TEXT NOT NULL DEFAULT '',
    token_at TEXT NOT NULL DEFAULT '',
    pages INTEGER NOT NULL DEFAULT 0,
    orders INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, marketplace)
);
CREATE TABLE spapi_reports_new (
    report_id TEXT NOT NULL,
    marketplace TEXT NOT NULL,
    report_type TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, report_id)
);
CREATE TABLE amazon_vtr_new (
    marketplace TEXT NOT NULL,
    report_id TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    date_from TEXT NOT NULL DEFAULT '',
    date_to TEXT NOT NULL DEFAULT '',
    rate REAL,
    valid INTEGER NOT NULL,
    eligible INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL,
    PRIMARY KEY (account, marketplace, report_id)
);
CREATE TABLE digests_new (
    marketplace TEXT NOT NULL,
    digest_date TEXT NOT NULL,
    category TEXT NOT NULL,
    eligible INTEGER NOT NULL,
    valid INTEGER NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (account, marketplace, digest_date, category)
);
CREATE TABLE fence_new (
    epoch BIGINT NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (account)
);

INSERT INTO meta_new (key, value, account)
    SELECT key, value, '' FROM meta;
INSERT INTO orders_new (order_id, sales_channel, marketplace, status, fulfillment, purchase_date, purchased_at, promised_delivery, latest_ship_date, latest_ship_at, currency, ship_country, buyer_cancelled, source, account)
    SELECT order_id, sales_channel, marketplace, status, fulfillment, purchase_date, purchased_at, promised_delivery, latest_ship_date, latest_ship_at, currency, ship_country, buyer_cancelled, source, '' FROM orders;
INSERT INTO order_items_new (order_id, line, sku, category, quantity, price, shipping, status, name, account)
    SELECT order_id, line, sku, category, quantity, price, shipping, status, name, '' FROM order_items;
INSERT INTO sku_categories_new (sku, category, account)
    SELECT sku, category, '' FROM sku_categories;
INSERT INTO packages_new (order_id, tracking_number, carrier_code, carrier_name, ship_method, ship_date, confirmed_at, delivered_at, first_scan_at, marketplace, window_date, category, carrier, ineligible, exemption, reason, hint, first_confirmed_at, account)
    SELECT order_id, tracking_number, carrier_code, carrier_name, ship_method, ship_date, confirmed_at, delivered_at, first_scan_at, marketplace, window_date, category, carrier, ineligible, exemption, reason, hint, first_confirmed_at, '' FROM packages;
INSERT INTO vtr_report_rows_new (order_id, tracking_number, carrier_name, ship_method, promised_delivery, category, package_value, valid, source, account)
    SELECT order_id, tracking_number, carrier_name, ship_method, promised_delivery, category, package_value, valid, source, '' FROM vtr_report_rows;
INSERT INTO carrier_events_new (tracking_number, status, at, notice_id, account)
    SELECT tracking_number, status, at, notice_id, '' FROM carrier_events;
INSERT INTO notices_new (notice_id, imap_account, mailbox, uidvalidity, uid, raw, raw_sha256, received_at, state, kind, parsed, parse_error, case_key, case_ref, result, notice_date, source, metric, authentic, attempts, last_error, account)
    SELECT notice_id, account, mailbox, uidvalidity, uid, raw, raw_sha256, received_at, state, kind, parsed, parse_error, case_key, case_ref, result, notice_date, source, metric, authentic, attempts, last_error, '' FROM notices;
INSERT INTO mailbox_checkpoints_new (imap_account, mailbox, uidvalidity, last_uid, updated_at, account)
    SELECT account, mailbox, uidvalidity, last_uid, updated_at, '' FROM mailbox_checkpoints;
INSERT INTO outbox_new (outbox_id, notice_id, kind, channel, thread_of, payload, state, attempts, next_attempt_at, last_error, slack_ts, created_at, sent_at, claimed_by, claim_until, first_attempt_at, account)
    SELECT outbox_id, notice_id, kind, channel, thread_of, payload, state, attempts, next_attempt_at, last_error, slack_ts, created_at, sent_at, claimed_by, claim_until, first_attempt_at, '' FROM outbox;
INSERT INTO triage_new (notice_id, channel, slack_ts, assignee, snoozed_until, handled_by, handled_at, account)
    SELECT notice_id, channel, slack_ts, assignee, snoozed_until, handled_by, handled_at, '' FROM triage;
INSERT INTO triage_actions_new (notice_id, at, user_id, action, value, account)
    SELECT notice_id, at, user_id, action, value, '' FROM triage_actions;
INSERT INTO package_tallies_new (marketplace, window_date, category, ineligible, reason, n, account)
    SELECT marketplace, window_date, category, ineligible, reason, n, '' FROM package_tallies;
INSERT INTO spapi_sync_new (marketplace, watermark, run_after, run_before, next_token, token_at, pages, orders, updated_at, account)
    SELECT marketplace, watermark, run_after, run_before, next_token, token_at, pages, orders, updated_at, '' FROM spapi_sync;
INSERT INTO spapi_reports_new (report_id, marketplace, report_type, requested_at, status, finished_at, error, account)
    SELECT report_id, marketplace, report_type, requested_at, status, finished_at, error, '' FROM spapi_reports;
INSERT INTO amazon_vtr_new (marketplace, report_id, fetched_at, date_from, date_to, rate, valid, eligible, status, account)
    SELECT marketplace, report_id, fetched_at, date_from, date_to, rate, valid, eligible, status, '' FROM amazon_vtr;
INSERT INTO digests_new (marketplace, digest_date, category, eligible, valid, account)
    SELECT marketplace, digest_date, category, eligible, valid, '' FROM digests;
INSERT INTO fence_new (epoch, account)
    SELECT epoch, '' FROM fence;

DROP TABLE order_items;
DROP TABLE meta;
DROP TABLE orders;
DROP TABLE sku_categories;
DROP TABLE packages;
DROP TABLE vtr_report_rows;
DROP TABLE carrier_events;
DROP TABLE notices;
DROP TABLE mailbox_checkpoints;
DROP TABLE outbox;
DROP TABLE triage;
DROP TABLE triage_actions;
DROP TABLE package_tallies;
DROP TABLE spapi_sync;
DROP TABLE spapi_reports;
DROP TABLE amazon_vtr;
DROP TABLE digests;
DROP TABLE fence;
ALTER TABLE orders_new RENAME TO orders;
ALTER TABLE meta_new RENAME TO meta;
ALTER TABLE order_items_new RENAME TO order_items;
ALTER TABLE sku_categories_new RENAME TO sku_categories;
ALTER TABLE packages_new RENAME TO packages;
ALTER TABLE vtr_report_rows_new RENAME TO vtr_report_rows;
ALTER TABLE carrier_events_new RENAME TO carrier_events;
ALTER TABLE notices_new RENAME TO notices;
ALTER TABLE mailbox_checkpoints_new RENAME TO mailbox_checkpoints;
ALTER TABLE outbox_new RENAME TO outbox;
ALTER TABLE triage_new RENAME TO triage;
ALTER TABLE triage_actions_new RENAME TO triage_actions;
ALTER TABLE package_tallies_new RENAME TO package_tallies;
ALTER TABLE spapi_sync_new RENAME TO spapi_sync;
ALTER TABLE spapi_reports_new RENAME TO spapi_reports;
ALTER TABLE amazon_vtr_new RENAME TO amazon_vtr;
ALTER TABLE digests_new RENAME TO digests;
ALTER TABLE fence_new RENAME TO fence;

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
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- +goose Down
-- Only the account default's rows can go back to the single-account shape:
-- the other accounts' rows are dropped (export them first).
CREATE TABLE meta_old (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE orders_old (
    order_id          TEXT PRIMARY KEY,
    sales_channel     TEXT NOT NULL DEFAULT '',
    marketplace       TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    fulfillment       TEXT NOT NULL,
    purchase_date     TEXT NOT NULL DEFAULT '',
    purchased_at      TEXT NOT NULL DEFAULT '',
    promised_delivery TEXT NOT NULL DEFAULT '',
    latest_ship_date  TEXT NOT NULL DEFAULT '',
    latest_ship_at    TEXT NOT NULL DEFAULT '',
    currency          TEXT NOT NULL DEFAULT '',
    ship_country      TEXT NOT NULL DEFAULT '',
    buyer_cancelled   BOOLEAN NOT NULL DEFAULT FALSE,
    source            TEXT NOT NULL DEFAULT ''
);
CREATE TABLE order_items_old (
    order_id TEXT NOT NULL REFERENCES orders_old (order_id) ON DELETE CASCADE,
    line     INTEGER NOT NULL,
    sku      TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL DEFAULT 1,
    price    BIGINT NOT NULL DEFAULT 0,
    shipping BIGINT NOT NULL DEFAULT 0,
    status   TEXT NOT NULL DEFAULT '',
    name     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, line)
);
CREATE TABLE sku_categories_old (
    sku      TEXT PRIMARY KEY,
    category TEXT NOT NULL
);
CREATE TABLE packages_old (
    order_id        TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    carrier_code    TEXT NOT NULL DEFAULT '',
    carrier_name    TEXT NOT NULL DEFAULT '',
    ship_method     TEXT NOT NULL DEFAULT '',
    ship_date       TEXT NOT NULL,
    confirmed_at    TEXT NOT NULL DEFAULT '',
    delivered_at    TEXT NOT NULL DEFAULT '',
    first_scan_at   TEXT NOT NULL DEFAULT '',
    marketplace     TEXT NOT NULL DEFAULT '',
    window_date     TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL DEFAULT '',
    carrier         TEXT NOT NULL DEFAULT '',
    ineligible      TEXT NOT NULL DEFAULT 'NO_ORDER',
    exemption       TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    hint            TEXT NOT NULL DEFAULT '', first_confirmed_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, tracking_number)
);
CREATE TABLE vtr_report_rows_old (
    order_id          TEXT NOT NULL,
    tracking_number   TEXT NOT NULL,
    carrier_name      TEXT NOT NULL DEFAULT '',
    ship_method       TEXT NOT NULL DEFAULT '',
    promised_delivery TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL DEFAULT '',
    package_value     TEXT NOT NULL DEFAULT '',
    valid             BOOLEAN NOT NULL,
    source            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, tracking_number)
);
CREATE TABLE carrier_events_old (
    tracking_number TEXT NOT NULL,
    status          TEXT NOT NULL,
    at              TEXT NOT NULL,
    notice_id       TEXT NOT NULL,
    PRIMARY KEY (tracking_number, status, at)
);
CREATE TABLE notices_old (
    notice_id    TEXT PRIMARY KEY,
    account      TEXT NOT NULL DEFAULT '',
    mailbox      TEXT NOT NULL DEFAULT '',
    uidvalidity  BIGINT NOT NULL DEFAULT 0,
    uid          BIGINT NOT NULL DEFAULT 0,
    raw          BYTEA NOT NULL,
    raw_sha256   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'stored',
    kind         TEXT NOT NULL DEFAULT '',
    parsed       TEXT NOT NULL DEFAULT '',
    parse_error  TEXT NOT NULL DEFAULT '',
    case_key     TEXT NOT NULL DEFAULT '',
    case_ref     TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',
    notice_date  TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT ''
, metric TEXT NOT NULL DEFAULT '', authentic BOOLEAN NOT NULL DEFAULT FALSE, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');
CREATE TABLE mailbox_checkpoints_old (
    account     TEXT NOT NULL,
    mailbox     TEXT NOT NULL,
    uidvalidity BIGINT NOT NULL,
    last_uid    BIGINT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account, mailbox)
);
CREATE TABLE outbox_old (
    outbox_id       TEXT PRIMARY KEY,
    notice_id       TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL,
    channel         TEXT NOT NULL DEFAULT '',
    thread_of       TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    slack_ts        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT NOT NULL DEFAULT ''
, claimed_by TEXT NOT NULL DEFAULT '', claim_until TEXT NOT NULL DEFAULT '', first_attempt_at TEXT NOT NULL DEFAULT '');
CREATE TABLE triage_old (
    notice_id     TEXT PRIMARY KEY,
    channel       TEXT NOT NULL DEFAULT '',
    slack_ts      TEXT NOT NULL DEFAULT '',
    assignee      TEXT NOT NULL DEFAULT '',
    snoozed_until TEXT NOT NULL DEFAULT '',
    handled_by    TEXT NOT NULL DEFAULT '',
    handled_at    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE triage_actions_old (
    notice_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    action    TEXT NOT NULL,
    value     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (notice_id, at, user_id, action)
);
CREATE TABLE package_tallies_old (
    marketplace TEXT NOT NULL,
    window_date TEXT NOT NULL,
    category    TEXT NOT NULL,
    ineligible  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (marketplace, window_date, category, ineligible, reason)
) WITHOUT ROWID;
CREATE TABLE spapi_sync_old (
    marketplace TEXT PRIMARY KEY,
    watermark   TEXT NOT NULL DEFAULT '',
    run_after   TEXT NOT NULL DEFAULT '',
    run_before  TEXT NOT NULL DEFAULT '',
    next_token  TEXT NOT NULL DEFAULT '',
    token_at    TEXT NOT NULL DEFAULT '',
    pages       INTEGER NOT NULL DEFAULT 0,
    orders      INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL DEFAULT ''
);
CREATE TABLE spapi_reports_old (
    report_id    TEXT PRIMARY KEY,
    marketplace  TEXT NOT NULL,
    report_type  TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status       TEXT NOT NULL,
    finished_at  TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE amazon_vtr_old (
    marketplace TEXT NOT NULL,
    report_id   TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    date_from   TEXT NOT NULL DEFAULT '',
    date_to     TEXT NOT NULL DEFAULT '',
    rate        REAL,
    valid       INTEGER NOT NULL,
    eligible    INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (marketplace, report_id)
);
CREATE TABLE digests_old (
    marketplace TEXT NOT NULL,
    digest_date TEXT NOT NULL,
    category    TEXT NOT NULL,
    eligible    INTEGER NOT NULL,
    valid       INTEGER NOT NULL,
    PRIMARY KEY (marketplace, digest_date, category)
);
CREATE TABLE fence_old (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO meta_old (key, value)
    SELECT key, value FROM meta WHERE account = '';
INSERT INTO orders_old (order_id, sales_channel, marketplace, status, fulfillment, purchase_date, purchased_at, promised_delivery, latest_ship_date, latest_ship_at, currency, ship_country, buyer_cancelled, source)
    SELECT order_id, sales_channel, marketplace, status, fulfillment, purchase_date, purchased_at, promised_delivery, latest_ship_date, latest_ship_at, currency, ship_country, buyer_cancelled, source FROM orders WHERE account = '';
INSERT INTO order_items_old (order_id, line, sku, category, quantity, price, shipping, status, name)
    SELECT order_id, line, sku, category, quantity, price, shipping, status, name FROM order_items WHERE account = '';
INSERT INTO sku_categories_old (sku, category)
    SELECT sku, category FROM sku_categories WHERE account = '';
INSERT INTO packages_old (order_id, tracking_number, carrier_code, carrier_name, ship_method, ship_date, confirmed_at, delivered_at, first_scan_at, marketplace, window_date, category, carrier, ineligible, exemption, reason, hint, first_confirmed_at)
    SELECT order_id, tracking_number, carrier_code, carrier_name, ship_method, ship_date, confirmed_at, delivered_at, first_scan_at, marketplace, window_date, category, carrier, ineligible, exemption, reason, hint, first_confirmed_at FROM packages WHERE account = '';
INSERT INTO vtr_report_rows_old (order_id, tracking_number, carrier_name, ship_method, promised_delivery, category, package_value, valid, source)
    SELECT order_id, tracking_number, carrier_name, ship_method, promised_delivery, category, package_value, valid, source FROM vtr_report_rows WHERE account = '';
INSERT INTO carrier_events_old (tracking_number, status, at, notice_id)
    SELECT tracking_number, status, at, notice_id FROM carrier_events WHERE account = '';
INSERT INTO notices_old (notice_id, account, mailbox, uidvalidity, uid, raw, raw_sha256, received_at, state, kind, parsed, parse_error, case_key, case_ref, result, notice_date, source, metric, authentic, attempts, last_error)
    SELECT notice_id, imap_account, mailbox, uidvalidity, uid, raw, raw_sha256, received_at, state, kind, parsed, parse_error, case_key, case_ref, result, notice_date, source, metric, authentic, attempts, last_error FROM notices WHERE account = '';
INSERT INTO mailbox_checkpoints_old (account, mailbox, uidvalidity, last_uid, updated_at)
    SELECT imap_account, mailbox, uidvalidity, last_uid, updated_at FROM mailbox_checkpoints WHERE account = '';
INSERT INTO outbox_old (outbox_id, notice_id, kind, channel, thread_of, payload, state, attempts, next_attempt_at, last_error, slack_ts, created_at, sent_at, claimed_by, claim_until, first_attempt_at)
    SELECT outbox_id, notice_id, kind, channel, thread_of, payload, state, attempts, next_attempt_at, last_error, slack_ts, created_at, sent_at, claimed_by, claim_until, first_attempt_at FROM outbox WHERE account = '';
INSERT INTO triage_old (notice_id, channel, slack_ts, assignee, snoozed_until, handled_by, handled_at)
    SELECT notice_id, channel, slack_ts, assignee, snoozed_until, handled_by, handled_at FROM triage WHERE account = '';
INSERT INTO triage_actions_old (notice_id, at, user_id, action, value)
    SELECT notice_id, at, user_id, action, value FROM triage_actions WHERE account = '';
INSERT INTO package_tallies_old (marketplace, window_date, category, ineligible, reason, n)
    SELECT marketplace, window_date, category, ineligible, reason, n FROM package_tallies WHERE account = '';
INSERT INTO spapi_sync_old (marketplace, watermark, run_after, run_before, next_token, token_at, pages, orders, updated_at)
    SELECT marketplace, watermark, run_after, run_before, next_token, token_at, pages, orders, updated_at FROM spapi_sync WHERE account = '';
INSERT INTO spapi_reports_old (report_id, marketplace, report_type, requested_at, status, finished_at, error)
    SELECT report_id, marketplace, report_type, requested_at, status, finished_at, error FROM spapi_reports WHERE account = '';
INSERT INTO amazon_vtr_old (marketplace, report_id, fetched_at, date_from, date_to, rate, valid, eligible, status)
    SELECT marketplace, report_id, fetched_at, date_from, date_to, rate, valid, eligible, status FROM amazon_vtr WHERE account = '';
INSERT INTO digests_old (marketplace, digest_date, category, eligible, valid)
    SELECT marketplace, digest_date, category, eligible, valid FROM digests WHERE account = '';
INSERT INTO fence_old (id, epoch) SELECT 1, epoch FROM fence WHERE account = '';
DROP TABLE order_items;
DROP TABLE meta;
DROP TABLE orders;
DROP TABLE sku_categories;
DROP TABLE packages;
DROP TABLE vtr_report_rows;
DROP TABLE carrier_events;
DROP TABLE notices;
DROP TABLE mailbox_checkpoints;
DROP TABLE outbox;
DROP TABLE triage;
DROP TABLE triage_actions;
DROP TABLE package_tallies;
DROP TABLE spapi_sync;
DROP TABLE spapi_reports;
DROP TABLE amazon_vtr;
DROP TABLE digests;
DROP TABLE fence;
ALTER TABLE orders_old RENAME TO orders;
ALTER TABLE meta_old RENAME TO meta;
ALTER TABLE order_items_old RENAME TO order_items;
ALTER TABLE sku_categories_old RENAME TO sku_categories;
ALTER TABLE packages_old RENAME TO packages;
ALTER TABLE vtr_report_rows_old RENAME TO vtr_report_rows;
ALTER TABLE carrier_events_old RENAME TO carrier_events;
ALTER TABLE notices_old RENAME TO notices;
ALTER TABLE mailbox_checkpoints_old RENAME TO mailbox_checkpoints;
ALTER TABLE outbox_old RENAME TO outbox;
ALTER TABLE triage_old RENAME TO triage;
ALTER TABLE triage_actions_old RENAME TO triage_actions;
ALTER TABLE package_tallies_old RENAME TO package_tallies;
ALTER TABLE spapi_sync_old RENAME TO spapi_sync;
ALTER TABLE spapi_reports_old RENAME TO spapi_reports;
ALTER TABLE amazon_vtr_old RENAME TO amazon_vtr;
ALTER TABLE digests_old RENAME TO digests;
ALTER TABLE fence_old RENAME TO fence;
CREATE INDEX orders_purchase ON orders (purchase_date);
CREATE INDEX orders_latest_ship ON orders (marketplace, latest_ship_date);
CREATE INDEX order_items_sku ON order_items (sku);
CREATE INDEX packages_window ON packages (marketplace, window_date, category, ineligible, reason);
CREATE INDEX packages_tracking ON packages (tracking_number);
CREATE INDEX vtr_report_tracking ON vtr_report_rows (tracking_number);
CREATE UNIQUE INDEX notices_raw ON notices (raw_sha256);
CREATE INDEX notices_state ON notices (state);
CREATE INDEX notices_case ON notices (case_key);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX packages_ship ON packages (marketplace, ship_date);
CREATE INDEX orders_promised ON orders (marketplace, promised_delivery, purchase_date);
CREATE INDEX orders_market_purchase ON orders (marketplace, purchase_date);
CREATE INDEX notices_warnings ON notices (kind, notice_date);
CREATE INDEX spapi_reports_market ON spapi_reports (marketplace, requested_at);
CREATE INDEX amazon_vtr_latest ON amazon_vtr (marketplace, fetched_at);
