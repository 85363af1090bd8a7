-- Version 5: syncing from Amazon's Selling Partner API (bot sync).
-- Number 5 of this dialect; the other dialect's file of the same number must
-- stay equivalent. Instants are TEXT 'YYYY-MM-DDTHH:MM:SSZ' in UTC, as in 00001.

-- +goose Up
-- One row per marketplace. watermark: orders updated before it are synced
-- (the next pass asks for orders updated after it, less an overlap). A pass
-- in progress has run_after/run_before (its lastUpdatedAfter/Before) and the
-- token of its next page, written in the transaction that writes a page's
-- orders: a pass stopped mid-way resumes at the page it had not written.
CREATE TABLE spapi_sync (
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

-- Reports asked of Amazon, kept so that a restart waits for the one in
-- flight instead of asking again. status is Amazon's processingStatus, or
-- STUCK when vtrbot gave up on it after 24 hours.
CREATE TABLE spapi_reports (
    report_id    TEXT PRIMARY KEY,
    marketplace  TEXT NOT NULL,
    report_type  TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status       TEXT NOT NULL,
    finished_at  TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX spapi_reports_market ON spapi_reports (marketplace, requested_at);

-- Amazon's own Valid Tracking Rate, one snapshot per seller-performance
-- report and marketplace, every one kept. date_from/date_to are the date
-- parts of reportingDateFrom/To as Amazon writes them.
CREATE TABLE amazon_vtr (
    marketplace TEXT NOT NULL,
    report_id   TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    date_from   TEXT NOT NULL DEFAULT '',
    date_to     TEXT NOT NULL DEFAULT '',
    rate        DOUBLE PRECISION,
    valid       INTEGER NOT NULL,
    eligible    INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (marketplace, report_id)
);
CREATE INDEX amazon_vtr_latest ON amazon_vtr (marketplace, fetched_at);

-- +goose Down
DROP TABLE amazon_vtr;
DROP TABLE spapi_reports;
DROP TABLE spapi_sync;
