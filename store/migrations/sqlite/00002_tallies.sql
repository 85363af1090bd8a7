-- Version 2: package_tallies, and indexes for the N/A explanation.
--
-- package_tallies: how many packages of a marketplace have each window date,
-- category and verdict. It is what packages_window would give by GROUP BY,
-- kept current by store.reclassify (the only statement that changes the
-- verdict of a package with a marketplace), so that a 30-day status reads a
-- few hundred rows instead of tens of thousands of index entries, and a
-- year of history a few thousand. Packages with no marketplace yet (no known
-- order) are not counted: no marketplace's status includes them.
-- The PostgreSQL file of the same number must stay equivalent.

-- +goose Up
CREATE TABLE package_tallies (
    marketplace TEXT NOT NULL,
    window_date TEXT NOT NULL,
    category    TEXT NOT NULL,
    ineligible  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (marketplace, window_date, category, ineligible, reason)
) WITHOUT ROWID; -- rows stored in key order: a window is one range read

INSERT INTO package_tallies (marketplace, window_date, category, ineligible, reason, n)
    SELECT marketplace, window_date, category, ineligible, reason, count(*)
    FROM packages WHERE marketplace <> ''
    GROUP BY marketplace, window_date, category, ineligible, reason;

-- An N/A window is explained by what it holds that is not eligible: packages
-- shipped in it (by ship date, not window date) and orders expected in it.
-- Without these, explaining an empty window read every package and order
-- (13 s on a million packages).
CREATE INDEX packages_ship ON packages (marketplace, ship_date);
CREATE INDEX orders_promised ON orders (marketplace, promised_delivery, purchase_date);
CREATE INDEX orders_market_purchase ON orders (marketplace, purchase_date);

-- +goose Down
DROP INDEX orders_market_purchase;
DROP INDEX orders_promised;
DROP INDEX packages_ship;
DROP TABLE package_tallies;
