package obs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Ready holds the readiness of the parts that talk to the outside: the
// mailbox connection, the Slack connection. A part counts once declared
// with Want, and is not ready until Set says so.
type Ready struct {
	mu    sync.Mutex
	order []string
	ok    map[string]bool
}

// NewReady returns flags with no parts.
func NewReady() *Ready { return &Ready{ok: map[string]bool{}} }

// Want declares a part that must be ready; it starts not ready. The
// methods of a nil *Ready do nothing (and Check says ready).
func (r *Ready) Want(part string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.ok[part]; !ok {
		r.order = append(r.order, part)
		r.ok[part] = false
	}
}

// Set records whether part is ready now (a part not declared is ignored).
func (r *Ready) Set(part string, ready bool) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.ok[part]; ok {
		r.ok[part] = ready
	}
}

// Check returns whether every part is ready, and one line per part.
func (r *Ready) Check() (bool, []string) {
	if r == nil {
		return true, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	all := true
	lines := make([]string, 0, len(r.order))
	for _, p := range r.order {
		state := "ready"
		if !r.ok[p] {
			state, all = "not ready", false
		}
		lines = append(lines, p+": "+state)
	}
	return all, lines
}

// Parts returns the declared parts and whether each is ready.
func (r *Ready) Parts() map[string]bool {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	m := make(map[string]bool, len(r.ok))
	for k, v := range r.ok {
		m[k] = v
	}
	return m
}

// healthTimeout bounds /healthz's check (a database ping).
const healthTimeout = 2 * time.Second

// ServeMetrics answers GET /metrics from reg.
func ServeMetrics(reg *Registry) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		reg.Write(r.Context(), w)
	}
}

// ServeReady answers GET /readyz: 200 when every part of ready is ready
// (nil: always), else 503; one line per part either way. It only reads
// flags, so it is as cheap as /healthz.
func ServeReady(ready *Ready) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ok, lines := ready.Check()
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
		if ok {
			fmt.Fprintln(w, "ok")
		}
	}
}

// ServeHealth answers GET /healthz: 200 when health reports nil (nil:
// always), else 503. The error goes to log, not to the client.
func ServeHealth(health func(context.Context) error, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if health != nil {
			ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
			defer cancel()
			if err := health(ctx); err != nil {
				if log != nil {
					log.Warn("health check failed", slog.Any("error", err))
				}
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintln(w, "unavailable")
				return
			}
		}
		fmt.Fprintln(w, "ok")
	}
}

// Handler serves /metrics, /healthz and /readyz alone: the metrics-only
// listener (METRICS_ADDR) of a bot without Slack's HTTP mode.
func Handler(reg *Registry, health func(context.Context) error, ready *Ready, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", ServeMetrics(reg))
	mux.HandleFunc("GET /healthz", ServeHealth(health, log))
	mux.HandleFunc("GET /readyz", ServeReady(ready))
	return mux
}

// Serve serves h on ln until ctx ends, then shuts down within 5 seconds.
// It closes ln.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("metrics listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve metrics: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
