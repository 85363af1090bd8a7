-- Version 3: case linking by index, a bounded number of attempts per mail,
-- and outbox claims. The PostgreSQL file of the same number must stay
-- equivalent.
--
-- notices.metric and notices.authentic copy two fields of the parsed notice
-- so that "the latest authentic warning about this metric in the last 60
-- days" (a Support reply or carrier mail with no other link) is one range
-- read of notices_warnings, however many other mails arrived since.
-- notices.attempts and last_error count the pipeline's failures on a mail;
-- after a bounded number it is marked 'failed' (docs/architecture.md).
-- outbox.claimed_by and claim_until: the sender that may post an entry, and
-- until when; an expired claim may be taken by another sender.

-- +goose Up
ALTER TABLE notices ADD COLUMN metric TEXT NOT NULL DEFAULT '';
ALTER TABLE notices ADD COLUMN authentic BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE notices ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notices ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
UPDATE notices SET metric = COALESCE(json_extract(parsed, '$.metric'), ''),
    authentic = COALESCE(json_extract(parsed, '$.authentic'), FALSE)
    WHERE parsed <> '';
CREATE INDEX notices_warnings ON notices (kind, notice_date);

ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claim_until TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN claim_until;
ALTER TABLE outbox DROP COLUMN claimed_by;
DROP INDEX notices_warnings;
ALTER TABLE notices DROP COLUMN last_error;
ALTER TABLE notices DROP COLUMN attempts;
ALTER TABLE notices DROP COLUMN authentic;
ALTER TABLE notices DROP COLUMN metric;
