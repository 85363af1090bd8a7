package main

import "log/slog"

// newLogger returns the process logger on stderr at the configured level:
// text, or JSON (LOG_FORMAT=json) for log collectors.
func newLogger(env *Env, cfg *Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(env.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(env.Stderr, opts))
}
