// Package slackapp is vtrbot's Slack edge, and the only package of vtrbot that
// imports slack-go. It verifies and answers Slack's HTTP requests (slash
// commands, interactions, events), runs the same over Socket Mode, turns
// commands.Reply values into Block Kit, and posts to the Web API with retries.
//
// It knows no domain: what a command means is decided by the Dispatch and Act
// functions it is given, and what to post and when (the outbox) is decided by
// its caller. It must never log tokens, the signing secret or payload bodies
// above debug level.
package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/obs"
)

// DefaultAPIURL is Slack's Web API base URL.
const DefaultAPIURL = "https://slack.com/api/"

// Config is what New needs. Only BotToken is needed to post; Dispatch is
// needed as soon as SigningSecret or AppToken enables incoming requests.
type Config struct {
	BotToken      string // xoxb-...
	AppToken      string // xapp-...; enables RunSocketMode
	SigningSecret string // enables the /slack/* HTTP endpoints
	APIURL        string // Web API base; "" means DefaultAPIURL; a missing trailing "/" is added
	HTTPAddr      string // listen address for ListenAndServe

	Channel string // the triage channel: Post's default, and no top-level command replies there
	// TriageChannel, when set, says which channels are triage channels
	// instead of Channel (bot run serving several accounts, one channel each).
	TriageChannel func(channel string) bool

	AllowedUsers    []string // user IDs allowed to run commands; empty: everyone
	AllowedChannels []string // channel IDs where commands run; empty: everywhere

	Dispatch func(ctx context.Context, req commands.Request) commands.Reply
	Act      func(ctx context.Context, a commands.Action) (commands.ActionResult, error)
	Health   func(ctx context.Context) error // nil: always healthy

	// Metrics is the registry the App records in and /metrics shows;
	// nil: one of its own. Ready is what /readyz reports; the App sets its
	// part "slack" when Socket Mode connects or drops. Nil: always ready.
	Metrics *obs.Registry
	Ready   *obs.Ready

	Logger *slog.Logger     // nil: discard
	Now    func() time.Time // nil: time.Now; used for the 5-minute signature window and the dedupe cache
}

// LogValue keeps the tokens and the signing secret out of logs, should a
// Config ever be logged whole.
func (c Config) LogValue() slog.Value {
	redact := func(s string) string {
		if s == "" {
			return ""
		}
		return "<redacted>"
	}
	return slog.GroupValue(
		slog.String("bot_token", redact(c.BotToken)),
		slog.String("app_token", redact(c.AppToken)),
		slog.String("signing_secret", redact(c.SigningSecret)),
		slog.String("api_url", c.APIURL),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("channel", c.Channel),
		slog.Int("allowed_users", len(c.AllowedUsers)),
		slog.Int("allowed_channels", len(c.AllowedChannels)),
	)
}

// App is a configured Slack edge. Its methods are safe for concurrent use.
type App struct {
	cfg             Config
	api             *slack.Client
	apiURL          *url.URL
	log             *slog.Logger
	now             func() time.Time
	webhook         *http.Client
	allowedUsers    map[string]bool
	allowedChannels map[string]bool
	seen            *seenCache
	metrics         *metrics
	jobs            jobs
	ackWait         time.Duration // ackWait, shortened by tests
}

// Timings from Slack's rules (docs.slack.dev "Enabling interactivity with
// slash commands": a command must be answered within 3 seconds).
const (
	ackWait        = 2500 * time.Millisecond // how long a command may run before "Working on it…"
	jobTimeout     = 2 * time.Minute         // a whole command or click, answer included
	webTimeout     = 30 * time.Second        // one HTTP call to Slack
	dedupeTTL      = 15 * time.Minute        // Slack retries an event 3 times within ~5 minutes
	dedupeCapacity = 10000
)

// New checks cfg and builds an App. It does not contact Slack.
func New(cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if (cfg.SigningSecret != "" || cfg.AppToken != "") && cfg.Dispatch == nil {
		return nil, errors.New("slackapp: Dispatch is required to serve requests")
	}
	base, err := normaliseAPIURL(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	cfg.APIURL = base
	u, _ := url.Parse(base) // checked by normaliseAPIURL
	log := cfg.Logger.With("component", "slack")

	a := &App{
		cfg:             cfg,
		apiURL:          u,
		log:             log,
		now:             cfg.Now,
		webhook:         &http.Client{Timeout: webTimeout},
		allowedUsers:    set(cfg.AllowedUsers),
		allowedChannels: set(cfg.AllowedChannels),
		seen:            newSeenCache(dedupeTTL, dedupeCapacity),
		metrics:         newMetrics(cfg.Metrics),
		ackWait:         ackWait,
	}
	opts := []slack.Option{
		slack.OptionAPIURL(base),
		slack.OptionLog(slogOutput{log}),
		slack.OptionHTTPClient(&http.Client{Timeout: webTimeout}),
		// After OptionHTTPClient, or the retry wrapper is replaced
		// (slack-go's OptionRetryConfig doc).
		slack.OptionRetryConfig(retryConfig()),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	a.api = slack.New(cfg.BotToken, opts...)
	return a, nil
}

// normaliseAPIURL checks the Web API base URL and makes it end in "/":
// slack-go appends the method name, and without the slash a request goes
// to /apichat.postMessage and fails with 404.
func normaliseAPIURL(s string) (string, error) {
	if s == "" {
		return DefaultAPIURL, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("slackapp: APIURL: want an http(s) URL, got %q", s)
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s, nil
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			m[id] = true
		}
	}
	return m
}

// allowed applies AllowedUsers and AllowedChannels (empty lists allow all).
func (a *App) allowed(user, channel string) bool {
	if len(a.allowedUsers) > 0 && !a.allowedUsers[user] {
		return false
	}
	if len(a.allowedChannels) > 0 && !a.allowedChannels[channel] {
		return false
	}
	return true
}

// slogOutput routes slack-go's and socketmode's logger (Output(depth, s))
// to slog at debug: their lines may hold payload details.
type slogOutput struct{ log *slog.Logger }

func (o slogOutput) Output(_ int, s string) error {
	o.log.Debug("slack-go", "detail", strings.TrimSpace(s))
	return nil
}

// jobs counts work that outlives the request that started it (a slow command
// answered through response_url, a click, an app mention), so shutdown can
// wait for it. Unlike sync.WaitGroup, Add may race with Wait: HTTP and Socket
// Mode may both be running while one of them shuts down.
type jobs struct {
	mu   sync.Mutex
	n    int
	idle chan struct{}
}

func (j *jobs) add() {
	j.mu.Lock()
	j.n++
	j.mu.Unlock()
}

func (j *jobs) done() {
	j.mu.Lock()
	j.n--
	if j.n == 0 && j.idle != nil {
		close(j.idle)
		j.idle = nil
	}
	j.mu.Unlock()
}

// wait returns when no job runs, or with ctx's error.
func (j *jobs) wait(ctx context.Context) error {
	j.mu.Lock()
	if j.n == 0 {
		j.mu.Unlock()
		return nil
	}
	if j.idle == nil {
		j.idle = make(chan struct{})
	}
	idle := j.idle
	j.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wait blocks until background work (slow commands, clicks, mentions) has
// finished, or ctx ends. ListenAndServe and RunSocketMode call it on their
// way out; cmd/bot may call it before closing the store.
func (a *App) Wait(ctx context.Context) error { return a.jobs.wait(ctx) }

// goJob runs f in the background as a tracked job with its own context
// (the request's values, not its cancellation, bounded by jobTimeout).
// A panic is recovered and logged with its stack (docs/architecture.md, "Errors and panics").
func (a *App) goJob(ctx context.Context, name string, f func(ctx context.Context)) {
	a.jobs.add()
	go func() {
		defer a.jobs.done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jobTimeout)
		defer cancel()
		defer a.recoverPanic(name)
		f(ctx)
	}()
}

// recoverPanic is deferred at the boundary of per-request and per-event work.
func (a *App) recoverPanic(where string) {
	if v := recover(); v != nil {
		a.logPanic(where, v)
	}
}

// logPanic logs a recovered panic with its stack and counts it.
func (a *App) logPanic(where string, v any) {
	a.metrics.panics.Inc()
	a.log.Error("panic", "where", where, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
}

// apology is what a user sees when something failed inside vtrbot; the
// detail is in the log (docs/architecture.md, "Errors and panics").
const apology = "Sorry, something went wrong on vtrbot's side. The details are in its log."

// refusal is what users outside AllowedUsers/AllowedChannels see.
const refusal = "Sorry, vtrbot is not enabled for you here. Ask its admin to add your user or this channel."
