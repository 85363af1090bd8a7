package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vtrbot/vtrbot/secretbox"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// bot account: the registry of seller accounts one deployment serves
// (docs/accounts.md). Secrets come only from files or standard input, are
// sealed with VTRBOT_SECRET_KEY before they reach the store, and are never
// printed.

func setSecretKey(c *Config, v string) error {
	if v != "" {
		if _, err := secretbox.ParseKey(v); err != nil {
			return err
		}
	}
	c.SecretKey = secret(v)
	return nil
}

func setSecretKeyOld(c *Config, v string) error {
	if v != "" {
		if _, err := secretbox.ParseKey(v); err != nil {
			return err
		}
	}
	c.SecretKeyOld = secret(v)
	return nil
}

// secretBox returns the Box of VTRBOT_SECRET_KEY (and _OLD), or a
// configError naming what is missing and why.
func (c *Config) secretBox(why string) (*secretbox.Box, error) {
	if c.SecretKey == "" {
		return nil, &configError{"VTRBOT_SECRET_KEY", "not set (" + why + "; openssl rand -base64 32 makes one)"}
	}
	k, err := secretbox.ParseKey(string(c.SecretKey))
	if err != nil {
		return nil, &configError{"VTRBOT_SECRET_KEY", err.Error()}
	}
	var old []secretbox.Key
	if c.SecretKeyOld != "" {
		o, err := secretbox.ParseKey(string(c.SecretKeyOld))
		if err != nil {
			return nil, &configError{"VTRBOT_SECRET_KEY_OLD", err.Error()}
		}
		old = append(old, o)
	}
	return secretbox.New(k, old...), nil
}

func secretAD(name, column string) []byte { return secretbox.AD("accounts", name, column) }

const accountUsage = `Usage: bot account add|list|show|rm|rekey ...

  add NAME --marketplaces US,CA --slack-channel C123 [--imap-addr HOST:PORT
      --imap-username USER --imap-password-file FILE | --imap-oauth-refresh-token-file FILE
      --imap-tls tls|starttls|none --imap-mailbox INBOX] [--spapi-refresh-token-file FILE]
                   add an account, or update the one named NAME (flags not given keep
                   their value); secrets only from files (- = standard input)
  list [--json]    every account, and which replica holds it (lease, epoch, since)
  show NAME        one account; secrets are shown as set or not, never printed
  rm NAME          remove an account and its data
  rekey            seal every stored secret again with VTRBOT_SECRET_KEY (after
                   moving the previous key to VTRBOT_SECRET_KEY_OLD)

Without accounts, the environment is the single account "default". Secrets are
stored encrypted with VTRBOT_SECRET_KEY (see docs/accounts.md).`

// cmdAccount is `bot account`.
func cmdAccount(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.Stderr, accountUsage)
		if len(args) == 0 {
			return exitConfig
		}
		return exitOK
	}
	switch args[0] {
	case "add":
		return accountAdd(ctx, env, args[1:])
	case "list":
		return accountList(ctx, env, args[1:])
	case "show":
		return accountShow(ctx, env, args[1:])
	case "rm":
		return accountRemove(ctx, env, args[1:])
	case "rekey":
		return accountRekey(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "bot account: unknown command %q (want add, list, show, rm or rekey)\n", args[0])
	return exitConfig
}

// oneName parses flags and exactly one positional NAME.
func oneName(fs *flag.FlagSet, cmd string, args []string) (string, error) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", exitf(exitConfig, "bot account %s: want one account NAME, got %d arguments", cmd, len(pos))
	}
	return pos[0], nil
}

// readSecretFile reads a secret from a file, or standard input for "-":
// its first line, without the line end.
func readSecretFile(env *Env, flagName, path string) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(env.Stdin, 64<<10))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("--%s: %v", flagName, err)
	}
	s, _, _ := strings.Cut(string(b), "\n")
	s = strings.TrimRight(s, "\r")
	if s == "" {
		return "", fmt.Errorf("--%s: %s is empty", flagName, path)
	}
	return s, nil
}

func accountAdd(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "account add", "NAME --marketplaces US,CA --slack-channel C123 [flags]",
		"Add a seller account, or update the one named NAME: flags not given keep\ntheir value. Secrets only from files (- = standard input), sealed with\nVTRBOT_SECRET_KEY before they are stored.")
	applyDB := registryDBFlag(fs)
	markets := fs.String("marketplaces", "", "comma-separated marketplace codes (US,CA)")
	channel := fs.String("slack-channel", "", "the account's triage channel ID (C...)")
	allowedUsers := fs.String("slack-allowed-users", "", "comma-separated user IDs allowed to use /vtr for this account (empty: everyone)")
	allowedChannels := fs.String("slack-allowed-channels", "", "comma-separated channel IDs where /vtr answers for this account (empty: any)")
	imapAddr := fs.String("imap-addr", "", "host:port of the account's mailbox")
	imapUser := fs.String("imap-username", "", "mailbox login")
	imapPassFile := fs.String("imap-password-file", "", "file holding the mailbox password (- = standard input)")
	imapTokenFile := fs.String("imap-token-file", "", "file holding an OAuth 2 access token (with --imap-auth xoauth2 or oauthbearer; expires within hours)")
	imapRefreshFile := fs.String("imap-oauth-refresh-token-file", "", "file holding an OAuth 2 refresh token: vtrbot renews access tokens with\nIMAP_OAUTH_TOKEN_URL and IMAP_OAUTH_CLIENT_ID (default --imap-auth xoauth2)")
	imapAuth := fs.String("imap-auth", "", "password, xoauth2 or oauthbearer (default password)")
	imapTLS := fs.String("imap-tls", "", "tls, starttls or none (none only for loopback; default tls)")
	imapMailbox := fs.String("imap-mailbox", "", "folder to watch (default INBOX)")
	spapiFile := fs.String("spapi-refresh-token-file", "", "file holding the account's Amazon refresh token Atzr|... (- = standard input)")
	name, err := oneName(fs, "add", args)
	if err != nil {
		return exitCode(env, err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if err := store.CheckAccountName(name); err != nil {
		return badUsage(env, err)
	}
	if name == store.DefaultAccount {
		fmt.Fprintln(env.Stderr, `bot account add: "default" is the account the environment describes (IMAP_*, SLACK_CHANNEL, SPAPI_*): choose another name`)
		return exitConfig
	}
	if n := countGiven(given, "imap-password-file", "imap-token-file", "imap-oauth-refresh-token-file"); n > 1 {
		fmt.Fprintln(env.Stderr, "bot account add: --imap-password-file, --imap-token-file and --imap-oauth-refresh-token-file: give one")
		return exitConfig
	}
	cfg, s, err := setupStore(ctx, env, applyDB, openStore)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()

	a, err := s.GetAccount(ctx, name)
	isNew := vtr.ErrorCode(err) == vtr.ENOTFOUND
	if err != nil && !isNew {
		return fail(env, err)
	}
	a.Name = name
	if given["marketplaces"] {
		var codes []string
		for _, c := range strings.Split(*markets, ",") {
			c = strings.ToUpper(strings.TrimSpace(c))
			if c == "" {
				continue
			}
			if !isMarketplaceCode(c) {
				fmt.Fprintf(env.Stderr, "--marketplaces: %q is not a marketplace code (US, CA, UK, DE, JP, ...)\n", c)
				return exitConfig
			}
			if !slices.Contains(codes, c) {
				codes = append(codes, c)
			}
		}
		a.Marketplaces = strings.Join(codes, ",")
	}
	set := func(flagName string, dst *string, v string) {
		if given[flagName] {
			*dst = strings.TrimSpace(v)
		}
	}
	set("slack-channel", &a.SlackChannel, *channel)
	set("slack-allowed-users", &a.SlackAllowedUsers, *allowedUsers)
	set("slack-allowed-channels", &a.SlackAllowedChannels, *allowedChannels)
	set("imap-addr", &a.IMAPAddr, *imapAddr)
	set("imap-username", &a.IMAPUsername, *imapUser)
	set("imap-mailbox", &a.IMAPMailbox, *imapMailbox)
	if given["imap-tls"] {
		if v := strings.ToLower(*imapTLS); !slices.Contains([]string{"tls", "starttls", "none"}, v) {
			fmt.Fprintf(env.Stderr, "--imap-tls: want tls, starttls or none, got %q\n", *imapTLS)
			return exitConfig
		}
		a.IMAPTLS = strings.ToLower(*imapTLS)
	}
	if given["imap-auth"] {
		if v := strings.ToLower(*imapAuth); !slices.Contains([]string{"password", "xoauth2", "oauthbearer"}, v) {
			fmt.Fprintf(env.Stderr, "--imap-auth: want password, xoauth2 or oauthbearer, got %q\n", *imapAuth)
			return exitConfig
		}
		a.IMAPAuth = strings.ToLower(*imapAuth)
	}
	if a.IMAPTLS == "" {
		a.IMAPTLS = "tls"
	}
	if given["imap-oauth-refresh-token-file"] && !given["imap-auth"] && (a.IMAPAuth == "" || a.IMAPAuth == "password") {
		a.IMAPAuth = "xoauth2"
	}
	if a.IMAPAuth == "" {
		a.IMAPAuth = "password"
	}
	switch {
	case given["imap-oauth-refresh-token-file"] && a.IMAPAuth == "password":
		fmt.Fprintln(env.Stderr, "--imap-auth: password, but --imap-oauth-refresh-token-file is given (use xoauth2 or oauthbearer)")
		return exitConfig
	case given["imap-oauth-refresh-token-file"] && (cfg.IMAPOAuthTokenURL == "" || cfg.IMAPOAuthClientID == ""):
		fmt.Fprintln(env.Stderr, "IMAP_OAUTH_TOKEN_URL and IMAP_OAUTH_CLIENT_ID: not set (the OAuth app every account's refresh token belongs to; docs/imap.md)")
		return exitConfig
	}
	if a.IMAPMailbox == "" {
		a.IMAPMailbox = "INBOX"
	}
	switch {
	case a.Marketplaces == "":
		fmt.Fprintln(env.Stderr, "--marketplaces: not set (the account's marketplace codes, e.g. US,CA)")
		return exitConfig
	case a.SlackChannel == "":
		fmt.Fprintln(env.Stderr, "--slack-channel: not set (the channel ID that receives the account's triage messages)")
		return exitConfig
	}
	if a.IMAPAddr != "" {
		if _, port, err := net.SplitHostPort(a.IMAPAddr); err != nil || port == "" {
			fmt.Fprintf(env.Stderr, "--imap-addr: want host:port, got %q\n", a.IMAPAddr)
			return exitConfig
		}
		if a.IMAPTLS == "none" && !isLoopback(a.IMAPAddr) {
			fmt.Fprintf(env.Stderr, "--imap-tls: none is only allowed for a loopback address, not %s\n", a.IMAPAddr)
			return exitConfig
		}
		if a.IMAPUsername == "" {
			fmt.Fprintln(env.Stderr, "--imap-username: not set (needed with --imap-addr)")
			return exitConfig
		}
	}

	secrets := []struct{ flag, path, column string }{
		{"imap-password-file", *imapPassFile, store.ColIMAPSecret},
		{"imap-token-file", *imapTokenFile, store.ColIMAPSecret},
		{"imap-oauth-refresh-token-file", *imapRefreshFile, store.ColIMAPSecret},
		{"spapi-refresh-token-file", *spapiFile, store.ColSPAPIRefreshToken},
	}
	var box *secretbox.Box
	for _, sec := range secrets {
		if !given[sec.flag] {
			continue
		}
		if box == nil {
			if box, err = cfg.secretBox("needed to store --" + sec.flag); err != nil {
				fmt.Fprintln(env.Stderr, err)
				return exitConfig
			}
		}
		plain, err := readSecretFile(env, sec.flag, sec.path)
		if err != nil {
			fmt.Fprintln(env.Stderr, err)
			return exitConfig
		}
		sealed, err := box.Seal(plain, secretAD(name, sec.column))
		if err != nil {
			return fail(env, err)
		}
		if sec.column == store.ColIMAPSecret {
			a.IMAPSecret, a.IMAPSecretKind = sealed, ""
			if sec.flag == "imap-oauth-refresh-token-file" {
				a.IMAPSecretKind = store.IMAPRefreshToken
			}
		} else {
			a.SPAPIRefreshToken = sealed
		}
	}
	if a.IMAPAddr != "" && a.IMAPSecret == "" {
		fmt.Fprintln(env.Stderr, "--imap-password-file: not set (needed with --imap-addr; or --imap-oauth-refresh-token-file, --imap-token-file)")
		return exitConfig
	}
	if err := s.PutAccount(ctx, a); err != nil {
		return fail(env, err)
	}
	// Create the account's own store now: a mistake shows here, not in bot run.
	as, err := s.OpenAccount(ctx, name, store.Options{Rules: vtr.DefaultRules(strings.Split(a.Marketplaces, ",")[0])})
	if err != nil {
		return fail(env, err)
	}
	as.Close()
	verb := "updated"
	if isNew {
		verb = "added"
	}
	fmt.Fprintf(env.Stdout, "%s account %s (%s, channel %s)\n", verb, name, a.Marketplaces, a.SlackChannel)
	return exitOK
}

// countGiven counts the flags of names that were given.
func countGiven(given map[string]bool, names ...string) int {
	n := 0
	for _, f := range names {
		if given[f] {
			n++
		}
	}
	return n
}

// accountView is what list and show print: never a secret, only whether
// one is set.
type accountView struct {
	Name                 string     `json:"name"`
	Marketplaces         []string   `json:"marketplaces"`
	SlackChannel         string     `json:"slack_channel"`
	SlackAllowedUsers    []string   `json:"slack_allowed_users"`
	SlackAllowedChannels []string   `json:"slack_allowed_channels"`
	IMAP                 *imapView  `json:"imap"`
	SPAPIRefreshTokenSet bool       `json:"spapi_refresh_token_set"`
	Lease                *leaseView `json:"lease"`
	CreatedAt            string     `json:"created_at"`
	UpdatedAt            string     `json:"updated_at"`
}

type imapView struct {
	Addr      string `json:"addr"`
	Username  string `json:"username"`
	TLS       string `json:"tls"`
	Mailbox   string `json:"mailbox"`
	Auth      string `json:"auth"`
	SecretSet bool   `json:"secret_set"`
	// Secret is what the secret is: password, access_token or
	// refresh_token (vtrbot renews access tokens and keeps the newest
	// refresh token sealed).
	Secret string `json:"secret,omitempty"`
}

type leaseView struct {
	Holder  string `json:"holder"`
	Epoch   int64  `json:"epoch"`
	Since   string `json:"since"`
	Expires string `json:"expires"`
	Live    bool   `json:"live"`
}

func splitList(s string) []string {
	out := []string{}
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func msTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

func viewAccount(a store.Account, leases map[string]store.Lease) accountView {
	v := accountView{Name: a.Name, Marketplaces: splitList(a.Marketplaces), SlackChannel: a.SlackChannel,
		SlackAllowedUsers: splitList(a.SlackAllowedUsers), SlackAllowedChannels: splitList(a.SlackAllowedChannels),
		SPAPIRefreshTokenSet: a.SPAPIRefreshToken != "", CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if a.IMAPAddr != "" {
		v.IMAP = &imapView{Addr: a.IMAPAddr, Username: a.IMAPUsername, TLS: a.IMAPTLS, Mailbox: a.IMAPMailbox, Auth: a.IMAPAuth, SecretSet: a.IMAPSecret != ""}
		switch {
		case a.IMAPSecret == "":
		case a.IMAPAuth == "password":
			v.IMAP.Secret = "password"
		case a.IMAPSecretKind == store.IMAPRefreshToken:
			v.IMAP.Secret = store.IMAPRefreshToken
		default:
			v.IMAP.Secret = "access_token"
		}
	}
	if l, ok := leases[a.Name]; ok {
		v.Lease = &leaseView{Holder: l.Holder, Epoch: l.Epoch, Since: msTime(l.AcquiredMS), Expires: msTime(l.ExpiresMS), Live: l.Live()}
	}
	return v
}

func leaseMap(ctx context.Context, s *store.Store) (map[string]store.Lease, error) {
	ls, err := s.Leases(ctx)
	if err != nil {
		return nil, err
	}
	m := map[string]store.Lease{}
	for _, l := range ls {
		m[l.Account] = l
	}
	return m, nil
}

func accountList(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "account list", "[--json]", "List the seller accounts and which bot run replica holds each (lease epoch, since when).\nSecrets are never printed, only whether they are set.")
	applyDB := registryDBFlag(fs)
	asJSON := fs.Bool("json", false, "one JSON object: {\"accounts\": [...]}")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(env, err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "bot account list: unexpected argument %q\n", pos[0])
		return exitConfig
	}
	_, s, err := setupStore(ctx, env, applyDB, openStore)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	as, err := s.Accounts(ctx)
	if err != nil {
		return fail(env, err)
	}
	leases, err := leaseMap(ctx, s)
	if err != nil {
		return fail(env, err)
	}
	views := []accountView{}
	for _, a := range as {
		views = append(views, viewAccount(a, leases))
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"accounts": views}); err != nil {
			return fail(env, err)
		}
		return exitOK
	}
	if len(views) == 0 {
		fmt.Fprintln(env.Stdout, `no accounts: the environment is the single account "default" (bot account add NAME ... adds one)`)
		return exitOK
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tMARKETPLACES\tCHANNEL\tMAILBOX\tAMAZON\tHELD BY\tEPOCH\tSINCE")
	for _, v := range views {
		mailbox := "-"
		if v.IMAP != nil {
			mailbox = v.IMAP.Username + "@" + v.IMAP.Addr
		}
		amazon := "-"
		if v.SPAPIRefreshTokenSet {
			amazon = "token set"
		}
		holder, epoch, since := "-", "-", "-"
		if v.Lease != nil && v.Lease.Live {
			holder, epoch, since = v.Lease.Holder, fmt.Sprint(v.Lease.Epoch), v.Lease.Since
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Name, strings.Join(v.Marketplaces, ","), v.SlackChannel, mailbox, amazon, holder, epoch, since)
	}
	tw.Flush()
	return exitOK
}

func accountShow(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "account show", "NAME", "Show one seller account. Secrets are never printed, only whether they are set.")
	applyDB := registryDBFlag(fs)
	name, err := oneName(fs, "show", args)
	if err != nil {
		return exitCode(env, err)
	}
	_, s, err := setupStore(ctx, env, applyDB, openStore)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	a, err := s.GetAccount(ctx, name)
	if err != nil {
		return fail(env, err)
	}
	leases, err := leaseMap(ctx, s)
	if err != nil {
		return fail(env, err)
	}
	v := viewAccount(a, leases)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	set := func(b bool) string {
		if b {
			return "set (encrypted)"
		}
		return "not set"
	}
	fmt.Fprintf(tw, "account\t%s\n", v.Name)
	fmt.Fprintf(tw, "marketplaces\t%s\n", strings.Join(v.Marketplaces, ","))
	fmt.Fprintf(tw, "slack channel\t%s\n", v.SlackChannel)
	if len(v.SlackAllowedUsers) > 0 {
		fmt.Fprintf(tw, "slack allowed users\t%s\n", strings.Join(v.SlackAllowedUsers, ","))
	}
	if len(v.SlackAllowedChannels) > 0 {
		fmt.Fprintf(tw, "slack allowed channels\t%s\n", strings.Join(v.SlackAllowedChannels, ","))
	}
	if v.IMAP != nil {
		fmt.Fprintf(tw, "mailbox\t%s at %s, folder %s, %s, auth %s\n", v.IMAP.Username, v.IMAP.Addr, v.IMAP.Mailbox, v.IMAP.TLS, v.IMAP.Auth)
		what := set(v.IMAP.SecretSet)
		if v.IMAP.Secret != "" {
			what = strings.ReplaceAll(v.IMAP.Secret, "_", " ") + ", " + what
		}
		fmt.Fprintf(tw, "mailbox secret\t%s\n", what)
	} else {
		fmt.Fprintf(tw, "mailbox\tnone\n")
	}
	fmt.Fprintf(tw, "amazon refresh token\t%s\n", set(v.SPAPIRefreshTokenSet))
	if v.Lease != nil && v.Lease.Live {
		fmt.Fprintf(tw, "held by\t%s (epoch %d, since %s, until %s)\n", v.Lease.Holder, v.Lease.Epoch, v.Lease.Since, v.Lease.Expires)
	} else {
		fmt.Fprintf(tw, "held by\tno replica\n")
	}
	tw.Flush()
	return exitOK
}

func accountRemove(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "account rm", "NAME", "Remove a seller account from the registry, with its data (orders, notices,\noutbox) and its lease. A bot run holding it stops its work at the next renewal.")
	applyDB := registryDBFlag(fs)
	name, err := oneName(fs, "rm", args)
	if err != nil {
		return exitCode(env, err)
	}
	_, s, err := setupStore(ctx, env, applyDB, openStore)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	file, err := s.RemoveAccount(ctx, name)
	if err != nil {
		return fail(env, err)
	}
	if file != "" {
		for _, f := range []string{file, file + "-wal", file + "-shm"} {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fail(env, err)
			}
		}
	}
	fmt.Fprintf(env.Stdout, "removed account %s\n", name)
	return exitOK
}

func accountRekey(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "account rekey", "", "Seal every stored account secret again with VTRBOT_SECRET_KEY. To rotate the key:\nput the new key in VTRBOT_SECRET_KEY and the previous one in\nVTRBOT_SECRET_KEY_OLD, run this, then remove VTRBOT_SECRET_KEY_OLD.")
	applyDB := registryDBFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(env, err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "bot account rekey: unexpected argument %q\n", pos[0])
		return exitConfig
	}
	cfg, err := setup(env, applyDB)
	if err != nil {
		return exitCode(env, err)
	}
	box, err := cfg.secretBox("the key to seal the secrets with")
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return exitConfig
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	as, err := s.Accounts(ctx)
	if err != nil {
		return fail(env, err)
	}
	n := 0
	for _, a := range as {
		imap, err := box.Reseal(a.IMAPSecret, secretAD(a.Name, store.ColIMAPSecret))
		if err != nil {
			return fail(env, fmt.Errorf("account %s, mailbox secret: %w", a.Name, err))
		}
		tok, err := box.Reseal(a.SPAPIRefreshToken, secretAD(a.Name, store.ColSPAPIRefreshToken))
		if err != nil {
			return fail(env, fmt.Errorf("account %s, Amazon refresh token: %w", a.Name, err))
		}
		if imap == a.IMAPSecret && tok == a.SPAPIRefreshToken {
			continue
		}
		changed, err := s.SetAccountSecrets(ctx, a.Name, a.IMAPSecret, a.SPAPIRefreshToken, imap, tok)
		if err != nil {
			return fail(env, err)
		}
		if !changed {
			return fail(env, fmt.Errorf("account %s changed while re-sealing: run bot account rekey again", a.Name))
		}
		n++
	}
	fmt.Fprintf(env.Stdout, "re-sealed the secrets of %d of %d accounts with key %s\n", n, len(as), mustKeyID(cfg))
	return exitOK
}

func mustKeyID(cfg *Config) string {
	k, _ := secretbox.ParseKey(string(cfg.SecretKey))
	return k.ID()
}
