-- Version 4: packages.first_confirmed_at, when each package was first
-- confirmed (the earliest confirmed-at of its rows). confirmed_at keeps the
-- latest, which Valid Tracking Rate's UPLOADED_AFTER_DELIVERY compares with
-- the delivery; Late Shipment Rate counts the first, which a re-upload never
-- moves (docs/rules.md). Packages stored before this version only kept the
-- latest: it is the best first confirmation known for them until their
-- original file is imported again (imports keep the earliest).
-- The SQLite file of the same number must stay equivalent.

-- +goose Up
ALTER TABLE packages ADD COLUMN first_confirmed_at TEXT NOT NULL DEFAULT '';
UPDATE packages SET first_confirmed_at = confirmed_at WHERE confirmed_at <> '';

-- +goose Down
ALTER TABLE packages DROP COLUMN first_confirmed_at;
