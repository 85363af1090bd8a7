package main

import (
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/vtrbot/vtrbot/commands"
)

// setDigestAt reads DIGEST_AT: "HH:MM" (24-hour), or empty for no digest.
func setDigestAt(c *Config, v string) error {
	c.DigestOn, c.DigestAt = false, 0
	if v == "" {
		return nil
	}
	t, err := time.Parse("15:04", v)
	if err != nil || len(v) != 5 {
		return fmt.Errorf("want a time of day HH:MM (e.g. 09:00), got %q", v)
	}
	c.DigestOn, c.DigestAt = true, time.Duration(t.Hour())*time.Hour+time.Duration(t.Minute())*time.Minute
	return nil
}

// digestZone is the account's time zone, in which DIGEST_AT and the
// digest's "today" are read: VTR_TIMEZONE's, else the default marketplace's
// (Config.zone).
func digestZone(cfg *Config) *time.Location { return cfg.zone() }

// digestMarkets are the marketplaces a digest covers: the default one and
// those synced from Amazon.
func digestMarkets(cfg *Config) []string {
	ms := []string{cfg.Marketplace}
	for _, m := range cfg.SPAPI.Marketplaces {
		if !slices.Contains(ms, m) {
			ms = append(ms, m)
		}
	}
	return ms
}

// validateDigest checks that a digest has somewhere to go.
func (c *Config) validateDigest() error {
	if c.DigestOn && c.SlackChannel == "" {
		return &configError{"DIGEST_AT", "set, but SLACK_CHANNEL is not (the digest is posted there)"}
	}
	return nil
}

// newDigest is bot run's daily digest, nil when DIGEST_AT is not set.
func newDigest(env *Env, cfg *Config, cmds *commands.Commands, wake func(), log *slog.Logger) *commands.Digest {
	if !cfg.DigestOn {
		return nil
	}
	return &commands.Digest{Cmds: cmds, Markets: digestMarkets(cfg), Channel: cfg.SlackChannel, At: cfg.DigestAt,
		Zone: digestZone(cfg), Now: env.Now, Queued: wake, Logger: log.With("component", "digest")}
}
