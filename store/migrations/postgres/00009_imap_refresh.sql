-- Version 9: what an account's imap_secret holds when its mailbox logs in
-- with OAuth 2: '' (as before: the password, or an access token by
-- imap_auth) or 'refresh_token' (an OAuth 2 refresh token: vtrbot gets
-- and renews access tokens with it, and stores the new one sealed when
-- the provider rotates it; docs/accounts.md, "Secrets at rest"). The file
-- of the same number in the other dialect must stay equivalent.

-- +goose Up
ALTER TABLE accounts ADD COLUMN imap_secret_kind TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE accounts DROP COLUMN imap_secret_kind;
