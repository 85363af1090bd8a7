package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/vtr"
)

// spapiConfig are the SPAPI_* settings (docs/amazon.md).
type spapiConfig struct {
	RefreshToken secret
	ClientID     string
	ClientSecret secret
	Marketplaces []string // codes; empty: VTR_MARKETPLACE
	Endpoint     string   // "": Amazon's, by region
	LWAURL       string   // "": Amazon's
	Poll         time.Duration
	Since        int
}

func setSPAPIRefreshToken(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if v != "" && !strings.HasPrefix(v, "Atzr|") {
		return errors.New("want a Login-with-Amazon refresh token starting with Atzr|")
	}
	c.SPAPI.RefreshToken = secret(v)
	return nil
}

func setSPAPIClientID(c *Config, v string) error {
	c.SPAPI.ClientID = strings.TrimSpace(v)
	return nil
}

func setSPAPIClientSecret(c *Config, v string) error {
	c.SPAPI.ClientSecret = secret(strings.TrimSpace(v))
	return nil
}

func setSPAPIMarketplaces(c *Config, v string) error {
	c.SPAPI.Marketplaces = nil
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		m, ok := vtr.MarketplaceByCode(s)
		if _, api := spapi.MarketplaceID(s); !ok || !api {
			return fmt.Errorf("want marketplace codes such as US,CA or UK,DE, got %q", s)
		}
		c.SPAPI.Marketplaces = append(c.SPAPI.Marketplaces, m.Code)
	}
	return nil
}

func setSPAPIEndpoint(c *Config, v string) error {
	u, err := httpsUnlessLoopback(v)
	c.SPAPI.Endpoint = u
	return err
}

func setSPAPILWAURL(c *Config, v string) error {
	u, err := httpsUnlessLoopback(v)
	c.SPAPI.LWAURL = u
	return err
}

func setSPAPIPoll(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Minute {
		return fmt.Errorf("want a duration of at least 1m such as 15m or 1h, got %q", v)
	}
	c.SPAPI.Poll = d
	return nil
}

func setSPAPISince(c *Config, v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 730 {
		return fmt.Errorf("want a whole number of days from 1 to 730, got %q", v)
	}
	c.SPAPI.Since = n
	return nil
}

// httpsUnlessLoopback accepts "" or a URL that passes checkHTTPS, and
// returns it without a trailing slash.
func httpsUnlessLoopback(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if err := checkHTTPS(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(v, "/"), nil
}

// markets returns the marketplaces to sync.
func (c *spapiConfig) markets(def string) []string {
	if len(c.Marketplaces) > 0 {
		return c.Marketplaces
	}
	return []string{def}
}

// validateSPAPI checks what syncing needs.
func (c *Config) validateSPAPI() error {
	s := c.SPAPI
	switch {
	case s.RefreshToken == "":
		return &configError{"SPAPI_REFRESH_TOKEN", "not set (self-authorise the app in Seller Central; see README \"Connect Amazon\")"}
	case s.ClientID == "":
		return &configError{"SPAPI_CLIENT_ID", "not set (needed with SPAPI_REFRESH_TOKEN)"}
	case s.ClientSecret == "":
		return &configError{"SPAPI_CLIENT_SECRET", "not set (needed with SPAPI_REFRESH_TOKEN)"}
	}
	for _, m := range s.markets(c.Marketplace) {
		if _, ok := spapi.MarketplaceID(m); !ok {
			return &configError{"SPAPI_MARKETPLACES", fmt.Sprintf("Amazon has no API marketplace %q (set SPAPI_MARKETPLACES)", m)}
		}
	}
	return nil
}
