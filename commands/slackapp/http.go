package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/obs"
)

const shutdownTimeout = 10 * time.Second

// Handler serves Slack's HTTP endpoints and the operational ones:
//
//	POST /slack/commands      slash commands (form-encoded)
//	POST /slack/interactions  button clicks (form field "payload", JSON)
//	POST /slack/events        Events API (JSON): url_verification, app_mention
//	GET  /healthz             200 when Config.Health reports nil, else 503
//	GET  /metrics             Prometheus text format
//	GET  /readyz              200 when Config.Ready's parts (mailbox, Slack) are connected, else 503
//
// Every /slack/ request must carry a valid signature no older than five
// minutes; otherwise it gets 401 and nothing runs.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	routes := make(map[string]string)
	handle := func(pattern string, h http.Handler) {
		mux.Handle(pattern, h)
		_, path, _ := strings.Cut(pattern, " ")
		routes[pattern] = path
	}
	handle("POST /slack/commands", a.slackRequest(a.serveCommand))
	handle("POST /slack/interactions", a.slackRequest(a.serveInteraction))
	handle("POST /slack/events", a.slackRequest(a.serveEvent))
	handle("GET /healthz", http.HandlerFunc(a.serveHealth))
	handle("GET /metrics", http.HandlerFunc(a.serveMetrics))
	handle("GET /readyz", obs.ServeReady(a.cfg.Ready))
	return a.instrument(mux, routes)
}

// instrument times each request and recovers a panic in it: the stack goes
// to the log, the client gets a short apology (docs/architecture.md, "Errors and panics"). The latency
// series is labelled with the matched route, never the request's path, so
// no client can add series (issue 13: 20,000 made-up paths made /metrics
// 78 MB).
func (a *App) instrument(mux *http.ServeMux, routes map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// A 405 has no pattern; a redirect to the canonical path has the
		// pattern it redirects to, but is not that route (no route has
		// wildcards, so the path must be the route itself).
		_, pattern := mux.Handler(r)
		route, ok := routes[pattern]
		if !ok || r.URL.Path != route {
			route = obs.Other // made-up paths, wrong methods, redirects
		}
		defer a.metrics.httpSeconds.Since(route, start)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.logPanic(r.URL.Path, v)
				http.Error(w, apology, http.StatusInternalServerError)
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

func (a *App) serveHealth(w http.ResponseWriter, r *http.Request) {
	obs.ServeHealth(a.cfg.Health, a.log)(w, r)
}

// writeJSON answers 200 with v as JSON (a nil v: an empty 200, which Slack
// takes as an acknowledgement that shows nothing).
func (a *App) writeJSON(w http.ResponseWriter, v any) {
	if v == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		a.log.Error("encode answer", slog.Any("error", err))
		http.Error(w, apology, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// ListenAndServe serves Handler on Config.HTTPAddr until ctx ends.
func (a *App) ListenAndServe(ctx context.Context) error {
	if a.cfg.HTTPAddr == "" {
		return errors.New("slackapp: no HTTPAddr")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", a.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return a.Serve(ctx, ln)
}

// Serve serves Handler on ln until ctx ends, then shuts down gracefully:
// no new connections, in-flight requests and background work (slow
// commands, clicks) get up to 10 seconds to finish. It returns nil after a
// shutdown caused by ctx, and closes ln.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
		// Requests keep ctx's values but not its end, so Shutdown can let
		// them finish.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.log.Info("http listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	// The serving context is over; shutdown gets its own, bounded one.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		a.log.Warn("http shutdown", slog.Any("error", err))
		_ = srv.Close()
	}
	<-errc // http.ErrServerClosed
	if err := a.jobs.wait(sctx); err != nil {
		a.log.Warn("background work still running at shutdown", slog.Any("error", err))
	}
	return nil
}
