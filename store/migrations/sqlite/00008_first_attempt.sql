-- Version 8: when an outbox entry was first attempted, on the database's
-- clock (fineInstant; '' until then). A sender that finds an entry
-- attempted before looks for that attempt's post in Slack from a minute
-- before this instant: created_at is the queuing process's clock, and a
-- replica whose clock runs fast would make the look-up start after the
-- post and post it again (docs/accounts.md, "Outbox"). The PostgreSQL
-- file of the same number must stay equivalent.

-- +goose Up
ALTER TABLE outbox ADD COLUMN first_attempt_at TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN first_attempt_at;
