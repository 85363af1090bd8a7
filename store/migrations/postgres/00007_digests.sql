-- Version 7: the figures of each daily digest (DIGEST_AT), so that the next
-- one can say how each rate moved since. One row per marketplace, digest
-- date and category ('' = all categories); the PostgreSQL file of the same
-- number must stay equivalent. The digest's post itself is an outbox entry
-- keyed digest:<marketplace>:<date>, queued in the same transaction.

-- +goose Up
CREATE TABLE digests (
    marketplace TEXT NOT NULL,
    digest_date TEXT NOT NULL,
    category    TEXT NOT NULL,
    eligible    INTEGER NOT NULL,
    valid       INTEGER NOT NULL,
    PRIMARY KEY (marketplace, digest_date, category)
);

-- +goose Down
DROP TABLE digests;
