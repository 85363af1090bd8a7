-- vtrbot schema, version 1. The PostgreSQL file of the same number must stay
-- equivalent. Civil dates are TEXT 'YYYY-MM-DD' and instants TEXT
-- 'YYYY-MM-DDTHH:MM:SSZ' (UTC): both databases compare them correctly as
-- strings, and no driver converts them behind our back (docs/architecture.md, "Data").

-- +goose Up
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE marketplaces (
    code     TEXT PRIMARY KEY,
    channel  TEXT NOT NULL UNIQUE,
    domain   TEXT NOT NULL,
    currency TEXT NOT NULL
);

CREATE TABLE orders (
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
CREATE INDEX orders_purchase ON orders (purchase_date);
CREATE INDEX orders_latest_ship ON orders (marketplace, latest_ship_date);

CREATE TABLE order_items (
    order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
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
CREATE INDEX order_items_sku ON order_items (sku);

CREATE TABLE sku_categories (
    sku      TEXT PRIMARY KEY,
    category TEXT NOT NULL
);

-- One row per package: (order, normalised tracking number); '' = no number.
-- No foreign key to orders: confirmations may be imported before orders.
-- The columns after first_scan_at are the package's classification
-- (vtr.Classify), kept current by the store whenever an input changes.
CREATE TABLE packages (
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
    hint            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, tracking_number)
);
-- Covers the window queries (status, untracked, history): no table reads.
CREATE INDEX packages_window ON packages (marketplace, window_date, category, ineligible, reason);
CREATE INDEX packages_tracking ON packages (tracking_number);

-- Amazon's Valid Tracking report: Amazon's own verdict per package.
CREATE TABLE vtr_report_rows (
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
CREATE INDEX vtr_report_tracking ON vtr_report_rows (tracking_number);

-- Carrier scan events from carrier mails (evidence of a physical scan).
CREATE TABLE carrier_events (
    tracking_number TEXT NOT NULL,
    status          TEXT NOT NULL,
    at              TEXT NOT NULL,
    notice_id       TEXT NOT NULL,
    PRIMARY KEY (tracking_number, status, at)
);

-- Every mail vtrbot received, raw bytes first (nothing received is lost).
-- notice_id is the Message-ID, or sha256:HEX of the bytes when it has none.
CREATE TABLE notices (
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
);
CREATE UNIQUE INDEX notices_raw ON notices (raw_sha256);
CREATE INDEX notices_state ON notices (state);
CREATE INDEX notices_case ON notices (case_key);

-- IMAP checkpoint per account and mailbox: advanced in the transaction that
-- stores the message.
CREATE TABLE mailbox_checkpoints (
    account     TEXT NOT NULL,
    mailbox     TEXT NOT NULL,
    uidvalidity BIGINT NOT NULL,
    last_uid    BIGINT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account, mailbox)
);

-- Slack outbox: every post is queued here first and retried until sent; the
-- message ts is kept so a restart never posts twice.
CREATE TABLE outbox (
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
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Triage state of a posted notice (buttons: assign, snooze, handled).
CREATE TABLE triage (
    notice_id     TEXT PRIMARY KEY,
    channel       TEXT NOT NULL DEFAULT '',
    slack_ts      TEXT NOT NULL DEFAULT '',
    assignee      TEXT NOT NULL DEFAULT '',
    snoozed_until TEXT NOT NULL DEFAULT '',
    handled_by    TEXT NOT NULL DEFAULT '',
    handled_at    TEXT NOT NULL DEFAULT ''
);

-- What users did with triage buttons, for the record.
CREATE TABLE triage_actions (
    notice_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    action    TEXT NOT NULL,
    value     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (notice_id, at, user_id, action)
);

-- +goose Down
DROP TABLE triage_actions;
DROP TABLE triage;
DROP TABLE outbox;
DROP TABLE mailbox_checkpoints;
DROP TABLE notices;
DROP TABLE carrier_events;
DROP TABLE vtr_report_rows;
DROP TABLE packages;
DROP TABLE sku_categories;
DROP TABLE order_items;
DROP TABLE orders;
DROP TABLE marketplaces;
DROP TABLE meta;
