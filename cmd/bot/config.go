package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/joho/godotenv"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/notice"
)

// secret is a configuration value that is never printed or logged.
type secret string

func (s secret) String() string {
	if s == "" {
		return ""
	}
	return "<redacted>"
}

// LogValue keeps secrets out of slog output.
func (s secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Config is every setting of vtrbot, filled from the table in configVars.
type Config struct {
	DatabaseURL string
	dbFrom      string // "--db" when the flag set DatabaseURL: errors name it
	Marketplace string
	SellerName  string
	// Timezone is VTR_TIMEZONE; nil means VTR_MARKETPLACE's zone.
	Timezone *time.Location

	IMAPAddr     string
	IMAPUsername string
	IMAPPassword secret
	IMAPMailbox  string
	IMAPTLS      string
	IMAPAuth     string
	IMAPToken    secret
	IMAPPoll     time.Duration
	IMAPRecheck  time.Duration // how long one IDLE lasts before the watcher looks anyway
	IMAPSince    int
	IMAPMoveTo   string

	TrustedForwarders []string // lower-case addresses and @domains

	// OAuth 2 refresh: vtrbot fetches and renews IMAP access tokens.
	IMAPOAuthTokenURL     string
	IMAPOAuthClientID     string
	IMAPOAuthClientSecret secret
	IMAPOAuthRefreshToken secret
	// account is the registry account these settings are of ("": the
	// environment's own): mailbox errors then name bot account add's
	// flags instead of variables.
	account string
	// imapRotated keeps a refresh token the provider rotated (an
	// account's: sealed into its row); nil: it lives in memory only.
	imapRotated func(refreshToken string)

	SlackBotToken        secret
	SlackAppToken        secret
	SlackSigningSecret   secret
	SlackChannel         string
	SlackAPIURL          string
	SlackAllowedUsers    []string
	SlackAllowedChannels []string
	HTTPAddr             string

	SPAPI spapiConfig // spapiconfig.go

	SecretKey, SecretKeyOld secret        // account.go
	Lease                   leaseSettings // replicas.go
	Account                 string        // --account (accountflag.go)
	accountAware            bool          // the command takes --account
	DigestOn                bool          // DIGEST_AT is set (digest.go)
	DigestAt                time.Duration // its time of day, from midnight

	LogLevel slog.Level

	// Observability.
	LogFormat   string
	MetricsAddr string
}

// configVar declares one environment variable: its name, default, whether it
// is secret, and how it is read into Config. The table's order is the order
// of .env.example (a test checks it).
type configVar struct {
	name   string
	def    string
	secret bool
	help   string
	set    func(c *Config, v string) error
}

func configVars() []configVar {
	str := func(f func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *f(c) = v; return nil }
	}
	sec := func(f func(*Config) *secret) func(*Config, string) error {
		return func(c *Config, v string) error { *f(c) = secret(v); return nil }
	}
	list := func(f func(*Config) *[]string) func(*Config, string) error {
		return func(c *Config, v string) error {
			*f(c) = nil
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					*f(c) = append(*f(c), s)
				}
			}
			return nil
		}
	}
	oneOf := func(f func(*Config) *string, allowed ...string) func(*Config, string) error {
		return func(c *Config, v string) error {
			v = strings.ToLower(strings.TrimSpace(v))
			for _, a := range allowed {
				if v == a {
					*f(c) = v
					return nil
				}
			}
			return fmt.Errorf("want %s, got %q", orList(allowed), v)
		}
	}
	return []configVar{
		{"DATABASE_URL", "vtrbot.db", true, "a SQLite file path (or sqlite:PATH), postgres://user@host:5432/db, or PostgreSQL settings host=H dbname=D", func(c *Config, v string) error {
			if err := store.CheckURL(v); err != nil {
				return err
			}
			c.DatabaseURL = v
			return nil
		}},
		{"VTR_MARKETPLACE", "US", false, "default marketplace code (US, UK, DE, FR, IT, ES, JP, ...)", func(c *Config, v string) error {
			v = strings.ToUpper(strings.TrimSpace(v))
			if !isMarketplaceCode(v) {
				return fmt.Errorf("want a marketplace code such as US, UK, DE or JP, got %q", v)
			}
			c.Marketplace = v
			return nil
		}},
		{"VTR_TIMEZONE", "", false, "IANA time zone whose date is \"today\" for default windows, e.g. America/New_York (empty: VTR_MARKETPLACE's, e.g. America/Los_Angeles for US)", func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			c.Timezone = nil
			if v == "" {
				return nil
			}
			// time.LoadLocation also reads files: a name is letters, digits, _ + - and /.
			if strings.Contains(v, "..") || strings.HasPrefix(v, "/") || strings.ContainsFunc(v, unicode.IsSpace) {
				return fmt.Errorf("want an IANA time zone name such as America/New_York, got %q", v)
			}
			loc, err := time.LoadLocation(v)
			if err != nil {
				return fmt.Errorf("want an IANA time zone name such as America/New_York, got %q", v)
			}
			c.Timezone = loc
			return nil
		}},
		{"SELLER_NAME", "", false, "the name that signs drafted replies to Seller Support (empty: drafts are left unsigned)", func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if len(v) > 100 || strings.ContainsFunc(v, unicode.IsControl) {
				return fmt.Errorf("want one line of at most 100 characters, got %d characters", len(v))
			}
			c.SellerName = v
			return nil
		}},
		{"IMAP_ADDR", "", false, "host:port of the seller's mailbox (e.g. imap.gmail.com:993); empty: no mail watching", func(c *Config, v string) error {
			if v == "" {
				c.IMAPAddr = ""
				return nil
			}
			if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
				return fmt.Errorf("want host:port, got %q", v)
			}
			c.IMAPAddr = v
			return nil
		}},
		{"IMAP_USERNAME", "", false, "mailbox login", str(func(c *Config) *string { return &c.IMAPUsername })},
		{"IMAP_PASSWORD", "", true, "mailbox password (an app password for Gmail/Microsoft 365)", sec(func(c *Config) *secret { return &c.IMAPPassword })},
		{"IMAP_MAILBOX", "INBOX", false, "folder to watch", str(func(c *Config) *string { return &c.IMAPMailbox })},
		{"IMAP_TLS", "tls", false, "tls, starttls or none (none only for a loopback address)", oneOf(func(c *Config) *string { return &c.IMAPTLS }, "tls", "starttls", "none")},
		{"IMAP_AUTH", "password", false, "password, xoauth2 or oauthbearer (OAuth 2 for Gmail and Microsoft 365)", oneOf(func(c *Config) *string { return &c.IMAPAuth }, "password", "xoauth2", "oauthbearer")},
		{"IMAP_TOKEN", "", true, "OAuth 2 access token when IMAP_AUTH is xoauth2 or oauthbearer (expires within hours: prefer IMAP_OAUTH_REFRESH_TOKEN)", sec(func(c *Config) *secret { return &c.IMAPToken })},
		{"IMAP_OAUTH_TOKEN_URL", "", false, "OAuth 2 token endpoint for IMAP_OAUTH_REFRESH_TOKEN (Microsoft 365: https://login.microsoftonline.com/TENANT/oauth2/v2.0/token; Google: https://oauth2.googleapis.com/token)", func(c *Config, v string) error {
			if v != "" {
				if err := checkHTTPS(v); err != nil {
					return err
				}
			}
			c.IMAPOAuthTokenURL = v
			return nil
		}},
		{"IMAP_OAUTH_CLIENT_ID", "", false, "the OAuth app's client ID (Azure application ID, Google OAuth client ID)", str(func(c *Config) *string { return &c.IMAPOAuthClientID })},
		{"IMAP_OAUTH_CLIENT_SECRET", "", true, "the OAuth app's client secret (empty for a public client)", sec(func(c *Config) *secret { return &c.IMAPOAuthClientSecret })},
		{"IMAP_OAUTH_REFRESH_TOKEN", "", true, "OAuth 2 refresh token: vtrbot gets and renews access tokens with it (docs/imap.md)", sec(func(c *Config) *secret { return &c.IMAPOAuthRefreshToken })},
		{"IMAP_POLL", "1m", false, "how often to poll when the server has no IDLE (Go duration: 30s, 5m)", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second {
				return fmt.Errorf("want a duration of at least 1s such as 30s or 5m, got %q", v)
			}
			c.IMAPPoll = d
			return nil
		}},
		{"IMAP_IDLE_RECHECK", "4m", false, "how long one IDLE lasts before the watcher looks for new mail anyway, in case the server\nsent no notice (Go duration, 1s to 28m)", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second || d > 28*time.Minute {
				return fmt.Errorf("want a duration from 1s to 28m such as 4m, got %q", v)
			}
			c.IMAPRecheck = d
			return nil
		}},
		{"IMAP_SINCE", "90", false, "on the first run, read mail of the last N days only", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("want a whole number of days of at least 1, got %q", v)
			}
			c.IMAPSince = n
			return nil
		}},
		{"IMAP_MOVE_TO", "", false, "optional folder to move handled Amazon notices to", str(func(c *Config) *string { return &c.IMAPMoveTo })},
		{"TRUSTED_FORWARDERS", "", false, "comma-separated addresses or @domains whose forwards of a notice may be believed, besides IMAP_USERNAME's domain (empty: only that)", func(c *Config, v string) error {
			l, err := notice.ParseForwarders(v)
			c.TrustedForwarders = l
			return err
		}},
		{"SLACK_BOT_TOKEN", "", true, "bot token, xoxb-...", func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "xoxb-") {
				return errors.New("want a bot token starting with xoxb-")
			}
			c.SlackBotToken = secret(v)
			return nil
		}},
		{"SLACK_APP_TOKEN", "", true, "app-level token, xapp-...; when set, Socket Mode (no public URL needed)", func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "xapp-") {
				return errors.New("want an app-level token starting with xapp-")
			}
			c.SlackAppToken = secret(v)
			return nil
		}},
		{"SLACK_SIGNING_SECRET", "", true, "signing secret; with HTTP_ADDR, serves /slack/commands, /slack/interactions, /slack/events", sec(func(c *Config) *secret { return &c.SlackSigningSecret })},
		{"SLACK_CHANNEL", "", false, "channel ID (C...) that receives triage messages", str(func(c *Config) *string { return &c.SlackChannel })},
		{"SLACK_API_URL", "https://slack.com/api/", false, "base URL of the Slack Web API; https:// unless loopback (tests point it at a local server)", func(c *Config, v string) error {
			if err := checkHTTPS(v); err != nil {
				return err
			}
			// slack-go appends the method name: the base must end in "/".
			if !strings.HasSuffix(v, "/") {
				v += "/"
			}
			c.SlackAPIURL = v
			return nil
		}},
		{"SLACK_ALLOWED_USERS", "", false, "comma-separated user IDs allowed to use /vtr (empty: everyone in the workspace)", list(func(c *Config) *[]string { return &c.SlackAllowedUsers })},
		{"SLACK_ALLOWED_CHANNELS", "", false, "comma-separated channel IDs where /vtr answers (empty: any)", list(func(c *Config) *[]string { return &c.SlackAllowedChannels })},
		{"HTTP_ADDR", "", false, "listen address for the Slack HTTP endpoints, /healthz and /metrics (e.g. :8080)", func(c *Config, v string) error {
			if v != "" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("want host:port or :port, got %q", v)
				}
			}
			c.HTTPAddr = v
			return nil
		}},
		{"SPAPI_REFRESH_TOKEN", "", true, "the seller's Login-with-Amazon refresh token (Atzr|...) from self-authorising the app; when set, bot run also syncs from Amazon", setSPAPIRefreshToken},
		{"SPAPI_CLIENT_ID", "", false, "the app's Login-with-Amazon client ID (amzn1.application-oa2-client....)", setSPAPIClientID},
		{"SPAPI_CLIENT_SECRET", "", true, "the app's Login-with-Amazon client secret (rotate it every 180 days)", setSPAPIClientSecret},
		{"SPAPI_MARKETPLACES", "", false, "comma-separated marketplace codes to sync; their region picks the endpoint (empty: VTR_MARKETPLACE)", setSPAPIMarketplaces},
		{"SPAPI_ENDPOINT", "", false, "override the Selling Partner API base URL (tests point it at a local server); https:// unless loopback", setSPAPIEndpoint},
		{"SPAPI_LWA_URL", "", false, "override the Login-with-Amazon token URL; https:// unless loopback", setSPAPILWAURL},
		{"SPAPI_POLL", "15m", false, "how often bot run syncs orders from Amazon (Go duration, at least 1m)", setSPAPIPoll},
		{"SPAPI_SINCE", "60", false, "the first sync's look-back in days", setSPAPISince},
		{"METRICS_ADDR", "", false, "listen address for /metrics, /healthz and /readyz alone (e.g. 127.0.0.1:9090), besides or without HTTP_ADDR", func(c *Config, v string) error {
			if v != "" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("want host:port or :port, got %q", v)
				}
			}
			c.MetricsAddr = v
			return nil
		}},
		{"VTRBOT_SECRET_KEY", "", true, "32 bytes in base64 (openssl rand -base64 32): encrypts the accounts' mailbox passwords and Amazon tokens in the database (bot account)", setSecretKey},
		{"VTRBOT_SECRET_KEY_OLD", "", true, "while rotating VTRBOT_SECRET_KEY: the previous key, so stored secrets still open until bot account rekey", setSecretKeyOld},
		{"DIGEST_AT", "", false, "time of day (HH:MM, the account's time zone) bot run posts the daily VTR digest to SLACK_CHANNEL; empty = off", setDigestAt},
		{"VTRBOT_LEASE", "15s", false, "bot run with accounts: how long a replica's hold on an account lasts unless renewed (Go duration, at least 1s)", setLease},
		{"VTRBOT_LEASE_RENEW", "", false, "how often a replica renews its leases, at most a third of VTRBOT_LEASE (empty: a fifth of it)", setLeaseRenew},
		{"VTRBOT_REPLICA_ID", "", false, "this bot run's name among the replicas sharing the database (empty: host, process ID and a random part)", func(c *Config, v string) error {
			c.Lease.Replica = strings.TrimSpace(v)
			return nil
		}},
		{"LOG_LEVEL", "info", false, "debug, info, warn or error", func(c *Config, v string) error {
			var l slog.Level
			if err := l.UnmarshalText([]byte(v)); err != nil {
				return fmt.Errorf("want debug, info, warn or error, got %q", v)
			}
			c.LogLevel = l
			return nil
		}},
		{"LOG_FORMAT", "text", false, "text (key=value lines) or json (one object per line, for log collectors)", oneOf(func(c *Config) *string { return &c.LogFormat }, "text", "json")},
	}
}

// configError is a problem with one setting: one line naming the variable.
type configError struct {
	Name string
	Msg  string
}

func (e *configError) Error() string { return e.Name + ": " + e.Msg }

// loadConfig reads defaults, then .env in env.Dir, then the real environment
// (which wins). The first bad value is returned as a *configError.
func loadConfig(env *Env) (*Config, error) {
	file, err := godotenv.Read(filepath.Join(env.Dir, ".env"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, &configError{".env", err.Error()}
	}
	c := &Config{}
	for _, v := range configVars() {
		val := v.def
		if s, ok := file[v.name]; ok {
			val = s
		}
		if s, ok := env.Getenv(v.name); ok {
			val = s
		}
		if err := v.set(c, val); err != nil {
			return nil, &configError{v.name, err.Error()}
		}
	}
	return c, nil
}

// loadSettings reads only the named variables, as loadConfig does, for a
// command that needs nothing else (bot parse): another setting's mistake is
// no reason for it to refuse.
func loadSettings(env *Env, names ...string) (*Config, error) {
	file, err := godotenv.Read(filepath.Join(env.Dir, ".env"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, &configError{".env", err.Error()}
	}
	c := &Config{}
	for _, v := range configVars() {
		if !slices.Contains(names, v.name) {
			continue
		}
		val := v.def
		if s, ok := file[v.name]; ok {
			val = s
		}
		if s, ok := env.Getenv(v.name); ok {
			val = s
		}
		if err := v.set(c, val); err != nil {
			return nil, &configError{v.name, err.Error()}
		}
	}
	return c, nil
}

// zone is where "today" is a date for default windows (--as-of, Nd,
// /vtr status without a window, forecast, metrics): VTR_TIMEZONE, else
// the zone of VTR_MARKETPLACE (docs/rules.md "Windows"), so that an
// evening run in California does not ask about tomorrow.
func (c *Config) zone() *time.Location {
	if c.Timezone != nil {
		return c.Timezone
	}
	return vtr.MarketplaceZone(c.Marketplace)
}

// today is the current date in c.zone().
func (c *Config) today(env *Env) vtr.Date { return vtr.DateIn(env.Now(), c.zone()) }

// noticeOptions is how every command reads mail: whose forwards are
// believed comes from TRUSTED_FORWARDERS and IMAP_USERNAME (docs/notices.md).
func (c *Config) noticeOptions() notice.Options {
	return notice.Options{Trust: notice.Trust{Forwarders: c.TrustedForwarders, Mailbox: c.IMAPUsername}}
}

// validateIMAP checks the settings the mailbox needs, for commands that use it.
func (c *Config) validateIMAP() error {
	switch {
	case c.IMAPAddr == "":
		return &configError{"IMAP_ADDR", "not set (host:port of the mailbox)"}
	case c.IMAPUsername == "":
		return &configError{"IMAP_USERNAME", "not set (needed with IMAP_ADDR)"}
	case c.IMAPAuth == "password" && c.IMAPPassword == "":
		return &configError{"IMAP_PASSWORD", "not set (needed with IMAP_AUTH=password)"}
	case c.IMAPAuth == "password" && c.IMAPOAuthRefreshToken != "":
		return &configError{"IMAP_AUTH", "password, but IMAP_OAUTH_REFRESH_TOKEN is set (use xoauth2 or oauthbearer)"}
	case c.IMAPAuth != "password" && c.IMAPOAuthRefreshToken != "" && c.IMAPOAuthTokenURL == "":
		return &configError{"IMAP_OAUTH_TOKEN_URL", "not set (needed with IMAP_OAUTH_REFRESH_TOKEN)"}
	case c.IMAPAuth != "password" && c.IMAPOAuthRefreshToken != "" && c.IMAPOAuthClientID == "":
		return &configError{"IMAP_OAUTH_CLIENT_ID", "not set (needed with IMAP_OAUTH_REFRESH_TOKEN)"}
	case c.IMAPAuth != "password" && c.IMAPToken == "" && c.IMAPOAuthRefreshToken == "":
		return &configError{"IMAP_OAUTH_REFRESH_TOKEN", "not set (needed with IMAP_AUTH=" + c.IMAPAuth + "; or a short-lived IMAP_TOKEN)"}
	case c.IMAPTLS == "none" && !isLoopback(c.IMAPAddr):
		return &configError{"IMAP_TLS", fmt.Sprintf("none is only allowed for a loopback address, not %s", c.IMAPAddr)}
	}
	return nil
}

// validateSlack checks the Slack settings for the daemon.
func (c *Config) validateSlack() error {
	switch {
	case c.SlackBotToken == "" && (c.SlackAppToken != "" || c.SlackSigningSecret != "" || c.SlackChannel != ""):
		return &configError{"SLACK_BOT_TOKEN", "not set (needed for any Slack setting)"}
	case c.SlackBotToken != "" && c.SlackChannel == "":
		return &configError{"SLACK_CHANNEL", "not set (the channel ID that receives triage messages)"}
	case c.SlackSigningSecret != "" && c.HTTPAddr == "" && c.SlackAppToken == "":
		return &configError{"HTTP_ADDR", "not set (SLACK_SIGNING_SECRET serves HTTP endpoints on it; or set SLACK_APP_TOKEN for Socket Mode)"}
	case c.HTTPAddr != "" && c.SlackBotToken != "" && c.SlackSigningSecret == "":
		return &configError{"SLACK_SIGNING_SECRET", "not set (needed to verify requests on HTTP_ADDR)"}
	}
	return nil
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return isLoopbackHost(host)
}

// isLoopbackHost reports localhost, 127.0.0.0/8 and ::1.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkHTTPS checks a URL setting the bot sends secrets to (a bot token, an
// Amazon refresh token): it must be https://, or http:// to a loopback host
// only (a local stand-in in tests), as IMAP_TLS=none is for the mailbox. The
// error says what is wanted; the caller names the variable. Use it for
// every such setting (SLACK_API_URL, SPAPI_ENDPOINT, SPAPI_LWA_URL).
func checkHTTPS(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("want an https:// URL, got %q", store.Redacted(v))
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return fmt.Errorf("want https:// (http:// only for a loopback host such as 127.0.0.1), got %q", store.Redacted(v))
	}
	return nil
}

func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// dbFlag adds --db to fs; the returned func applies it over DATABASE_URL
// (setup checks it as it checks DATABASE_URL).
func dbFlag(fs *flag.FlagSet) func(*Config) {
	db := fs.String("db", "", "database: a SQLite file, postgres://... or host=... dbname=... (overrides DATABASE_URL)")
	account := accountFlag(fs) // accountflag.go
	return func(c *Config) {
		if *db != "" {
			c.DatabaseURL, c.dbFrom = *db, "--db"
		}
		account(c)
	}
}

// dbSetting names where the database setting came from, for errors.
func (c *Config) dbSetting() string {
	if c.dbFrom != "" {
		return c.dbFrom
	}
	return "DATABASE_URL"
}

func isMarketplaceCode(s string) bool {
	_, ok := vtr.MarketplaceByCode(s)
	return ok
}
