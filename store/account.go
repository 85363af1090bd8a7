package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// DefaultAccount is the account the environment-only setup serves: its
// data is the database DATABASE_URL names, as before accounts existed.
const DefaultAccount = "default"

// Account is one seller account of the registry (table accounts). The two
// secret fields hold sealed values (package secretbox); the store never
// sees them in clear.
type Account struct {
	Name                 string `db:"name"`
	Marketplaces         string `db:"marketplaces"`  // comma-separated codes, e.g. "US,CA"
	SlackChannel         string `db:"slack_channel"` // triage channel ID
	SlackAllowedUsers    string `db:"slack_allowed_users"`
	SlackAllowedChannels string `db:"slack_allowed_channels"`
	IMAPAddr             string `db:"imap_addr"`
	IMAPUsername         string `db:"imap_username"`
	IMAPTLS              string `db:"imap_tls"`
	IMAPMailbox          string `db:"imap_mailbox"`
	IMAPAuth             string `db:"imap_auth"`
	IMAPSecret           string `db:"imap_secret"`         // sealed password or OAuth token
	IMAPSecretKind       string `db:"imap_secret_kind"`    // "" (password or access token, by IMAPAuth) or IMAPRefreshToken
	SPAPIRefreshToken    string `db:"spapi_refresh_token"` // sealed
	CreatedAt            string `db:"created_at"`
	UpdatedAt            string `db:"updated_at"`
}

// Columns of accounts that hold sealed secrets (the additional data of a
// sealed value names its column).
const (
	ColIMAPSecret        = "imap_secret"
	ColSPAPIRefreshToken = "spapi_refresh_token"
)

// IMAPRefreshToken is the IMAPSecretKind of an OAuth 2 refresh token.
const IMAPRefreshToken = "refresh_token"

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,39}$`)

// CheckAccountName validates a new account's name: lower-case letters,
// digits and _, at most 40, starting with a letter or digit. It becomes a
// PostgreSQL schema name or part of a file name, so nothing else is allowed.
func CheckAccountName(name string) error {
	if !validName.MatchString(name) {
		return vtr.Errorf(vtr.EINVALID, "account name %q: want lower-case letters, digits and _ (at most 40, starting with a letter or digit)", name)
	}
	return nil
}

const accountCols = `name, marketplaces, slack_channel, slack_allowed_users, slack_allowed_channels, imap_addr, imap_username,
	imap_tls, imap_mailbox, imap_auth, imap_secret, imap_secret_kind, spapi_refresh_token, created_at, updated_at`

// PutAccount adds an account or updates the one with its name (every
// field is replaced; created_at is kept).
func (s *Store) PutAccount(ctx context.Context, a Account) error {
	if err := CheckAccountName(a.Name); err != nil {
		return err
	}
	now := fmtTime(s.Now())
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO accounts (`+accountCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET marketplaces = excluded.marketplaces, slack_channel = excluded.slack_channel,
			slack_allowed_users = excluded.slack_allowed_users, slack_allowed_channels = excluded.slack_allowed_channels,
			imap_addr = excluded.imap_addr, imap_username = excluded.imap_username, imap_tls = excluded.imap_tls,
			imap_mailbox = excluded.imap_mailbox, imap_auth = excluded.imap_auth, imap_secret = excluded.imap_secret,
			imap_secret_kind = excluded.imap_secret_kind, spapi_refresh_token = excluded.spapi_refresh_token, updated_at = excluded.updated_at`),
			a.Name, a.Marketplaces, a.SlackChannel, a.SlackAllowedUsers, a.SlackAllowedChannels, a.IMAPAddr, a.IMAPUsername,
			a.IMAPTLS, a.IMAPMailbox, a.IMAPAuth, a.IMAPSecret, a.IMAPSecretKind, a.SPAPIRefreshToken, now, now)
		if err != nil {
			return fmt.Errorf("save account %s: %w", a.Name, err)
		}
		return nil
	})
}

// GetAccount returns one account; ENOTFOUND when there is none by that name.
func (s *Store) GetAccount(ctx context.Context, name string) (Account, error) {
	var a Account
	err := s.db.GetContext(ctx, &a, s.q(`SELECT `+accountCols+` FROM accounts WHERE name = ?`), name)
	if errors.Is(err, sql.ErrNoRows) {
		return a, vtr.Errorf(vtr.ENOTFOUND, "no account %q", name)
	}
	if err != nil {
		return a, fmt.Errorf("read account %s: %w", name, err)
	}
	return a, nil
}

// Accounts returns every account of the registry, by name.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	var as []Account
	err := s.db.SelectContext(ctx, &as, `SELECT `+accountCols+` FROM accounts ORDER BY name`)
	if err != nil {
		return as, fmt.Errorf("list accounts: %w", err)
	}
	return as, nil
}

// SetAccountSecrets replaces the sealed secrets of an account if they are
// still old (bot account rekey); it reports whether the row changed.
func (s *Store) SetAccountSecrets(ctx context.Context, name, oldIMAP, oldSPAPI, newIMAP, newSPAPI string) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE accounts SET imap_secret = ?, spapi_refresh_token = ?, updated_at = ?
		WHERE name = ? AND imap_secret = ? AND spapi_refresh_token = ?`),
		newIMAP, newSPAPI, fmtTime(s.Now()), name, oldIMAP, oldSPAPI)
	if err != nil {
		return false, fmt.Errorf("replace the secrets of account %s: %w", name, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReplaceIMAPSecret stores an account's new sealed mailbox secret if the
// stored one is still old (its OAuth provider rotated the refresh token:
// an operator's bot account add in between wins); it reports whether the
// row changed.
func (s *Store) ReplaceIMAPSecret(ctx context.Context, name, old, new string) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE accounts SET imap_secret = ?, updated_at = ? WHERE name = ? AND imap_secret = ?`),
		new, fmtTime(s.Now()), name, old)
	if err != nil {
		return false, fmt.Errorf("replace the mailbox secret of account %s: %w", name, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// accountKey is what the column account holds for an account: its name,
// but the empty text for DefaultAccount. Most databases serve that one
// account alone, and every primary key and index of a seller's data
// starts with the column: an empty text costs a SQLite record a header
// byte, where 'default' made every key 8 bytes longer (a first day's
// import of a million orders: 36.5 s against 35 s; docs/benchmarks.md).
// accountName is the way back.
func accountKey(name string) string {
	if name == DefaultAccount {
		return ""
	}
	return name
}

func accountName(key string) string {
	if key == "" {
		return DefaultAccount
	}
	return key
}

// sellerTables are the tables of a seller's data: each has the column
// account, first in its primary key (migration 00010; docs/accounts.md,
// "Where an account's data lives"). Children come before their parents
// (order_items before orders), the order rows are deleted in.
var sellerTables = []string{
	"order_items", "orders", "sku_categories", "packages", "package_tallies", "vtr_report_rows",
	"carrier_events", "notices", "mailbox_checkpoints", "outbox", "triage", "triage_actions",
	"spapi_sync", "spapi_reports", "amazon_vtr", "digests", "fence", "meta",
}

// RemoveAccount deletes an account from the registry with its lease and
// every row of its data, in one transaction. file is a SQLite file an
// older vtrbot kept the account's data in and that was never moved into
// rows (legacy.go); the caller deletes it.
func (s *Store) RemoveAccount(ctx context.Context, name string) (file string, err error) {
	if name == DefaultAccount {
		return "", vtr.Errorf(vtr.EINVALID, "the default account is the environment's: it cannot be removed")
	}
	if _, err := s.GetAccount(ctx, name); err != nil {
		return "", err
	}
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM leases WHERE account = ?`), name); err != nil {
			return fmt.Errorf("delete the lease of account %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM accounts WHERE name = ?`), name); err != nil {
			return fmt.Errorf("delete account %s: %w", name, err)
		}
		for _, t := range sellerTables {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM `+t+` WHERE account = ?`), accountKey(name)); err != nil {
				return fmt.Errorf("delete the %s of account %s: %w", t, name, err)
			}
		}
		file, err = s.dialect.dropLegacy(ctx, tx, name)
		return err
	})
	if err != nil {
		return "", err
	}
	return file, nil
}

// OpenAccount returns a Store of an account's rows in the registry's
// database: it shares the registry's connections (Close does not close
// them) and every query it runs is limited to the account. The account
// must be in the registry, except default (a handle of the default
// account's rows of its own, fenced apart from the registry's). Data an older vtrbot kept in a
// schema or file of the account's own is moved into rows first
// (legacy.go). Packages are classified again when the account's rules
// (opts.Rules) differ from those its verdicts were computed with.
func (s *Store) OpenAccount(ctx context.Context, name string, opts Options) (*Store, error) {
	if name != DefaultAccount {
		if _, err := s.GetAccount(ctx, name); err != nil {
			return nil, err
		}
		if err := s.moveLegacy(ctx, name); err != nil {
			return nil, fmt.Errorf("move account %s's data into rows: %w", name, err)
		}
	}
	if opts.Rules.DefaultMarketplace == "" {
		opts.Rules = vtr.DefaultRules("US")
	}
	a := s.WithAccount(name)
	a.rules = opts.Rules
	if err := a.refreshRules(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// WithAccount returns a Store of account name's rows on s's connections
// ("" is DefaultAccount too),
// with s's rules and without what OpenAccount checks and does (the
// registry, older data, the rules): for writes that classify nothing,
// such as a sender marking the outbox entries of every account
// (commands.Sender) it claimed with ClaimOutboxAll. It is not fenced.
func (s *Store) WithAccount(name string) *Store {
	a := &Store{db: s.db, account: accountKey(name), shared: true, rules: s.rules, Now: s.Now,
		dsn: s.dsn, target: s.target, ordersPending: s.ordersPending, bulkMinRows: s.bulkMinRows}
	a.dialect = s.dialect.bind(a)
	return a
}
