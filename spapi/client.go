package spapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Operation names, as in Amazon's models; each has its own rate limit.
const (
	opSearchOrders      = "searchOrders"
	opGetOrder          = "getOrder"
	opCreateReport      = "createReport"
	opGetReport         = "getReport"
	opGetReports        = "getReports"
	opGetReportDocument = "getReportDocument"
)

// Retry limits: a throttled call is retried patiently (each retry also
// waits for the operation's bucket), a failing server a few times.
const (
	max429Retries = 8
	max5xxRetries = 5
	backoffBase   = time.Second
	backoffCap    = 2 * time.Minute
)

// Client calls the Selling Partner API for one seller (one refresh token).
// Its zero value is not usable: set Endpoint, RefreshToken and Auth.
type Client struct {
	Endpoint     string // API base URL: https://sellingpartnerapi-na.amazon.com, ...
	RefreshToken string // the seller's LWA refresh token (Atzr|...)
	Auth         *LWA   // shared by every client of one app
	HTTP         *http.Client
	Logger       *slog.Logger
	// Now and Sleep are the clock, for tests; Jitter returns a number in
	// [0, 1) (math/rand by default).
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func() float64

	limits limiters
	mu     sync.Mutex
	stats  Stats
}

// Stats say what a client did: calls made, retries, and how long it waited
// for the rate limiter and for backoff.
type Stats struct {
	Calls       int
	Retries429  int
	Retries5xx  int
	Refreshes   int // access tokens refreshed after a 403 "expired"
	LimiterWait time.Duration
	BackoffWait time.Duration
}

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Rate returns the rate (requests per second) the client currently allows
// an operation.
func (c *Client) Rate(op string) float64 { return c.limits.get(op, c.now()).currentRate() }

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return sleepCtx(ctx, d)
}

func (c *Client) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (c *Client) count(f func(s *Stats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

// backoff is the n-th (from 1) retry's wait: doubling from a second up to
// two minutes, with "equal jitter" (half fixed, half random) so that many
// clients throttled together do not come back together.
func (c *Client) backoff(n int) time.Duration {
	d := backoffBase << min(n-1, 10)
	d = min(d, backoffCap)
	j := rand.Float64
	if c.Jitter != nil {
		j = c.Jitter
	}
	return d/2 + time.Duration(j()*float64(d/2))
}

// do calls one operation and decodes a 2xx JSON answer into out.
func (c *Client) do(ctx context.Context, op, method, path string, query url.Values, body, out any) error {
	if c.Auth == nil || c.Endpoint == "" {
		return errors.New("spapi: client needs Endpoint and Auth")
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	u := strings.TrimSuffix(c.Endpoint, "/") + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var n429, n5xx int
	refreshed := false
	for {
		b := c.limits.get(op, c.now())
		if d := b.reserve(c.now()); d > 0 {
			c.count(func(s *Stats) { s.LimiterWait += d })
			if err := c.sleep(ctx, d); err != nil {
				return err
			}
		}
		tok, err := c.Auth.Token(ctx, c.RefreshToken)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		req.Header.Set("x-amz-access-token", tok)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "vtrbot/1 (Language=Go)")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		hc := c.HTTP
		if hc == nil {
			hc = http.DefaultClient
		}
		c.count(func(s *Stats) { s.Calls++ })
		resp, err := hc.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// A lost connection: a read may be tried again.
			if method == http.MethodGet && n5xx < max5xxRetries {
				n5xx++
				if err := c.retryWait(ctx, op, n5xx, "", err.Error(), func(s *Stats) { s.Retries5xx++ }); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("%s: %w", op, err)
		}
		data, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		reqID := resp.Header.Get("x-amzn-RequestId")
		if r := parseRateLimit(resp.Header.Get("x-amzn-RateLimit-Limit")); r > 0 {
			b.setRate(r, c.now())
		}
		switch st := resp.StatusCode; {
		case st >= 200 && st < 300:
			if rerr != nil {
				return fmt.Errorf("%s: read answer [request %s]: %w", op, reqID, rerr)
			}
			if out != nil && len(bytes.TrimSpace(data)) > 0 {
				if err := json.Unmarshal(data, out); err != nil {
					return fmt.Errorf("%s: decode answer [request %s]: %w", op, reqID, err)
				}
			}
			return nil
		case st == http.StatusTooManyRequests:
			b.drain(c.now())
			if n429 >= max429Retries {
				return apiError(op, st, reqID, data)
			}
			n429++
			if err := c.retryWait(ctx, op, n429, reqID, "throttled (429)", func(s *Stats) { s.Retries429++ }); err != nil {
				return err
			}
		case st >= 500:
			if n5xx >= max5xxRetries {
				return apiError(op, st, reqID, data)
			}
			n5xx++
			if err := c.retryWait(ctx, op, n5xx, reqID, fmt.Sprintf("HTTP %d", st), func(s *Stats) { s.Retries5xx++ }); err != nil {
				return err
			}
		default:
			e := apiError(op, st, reqID, data)
			if e.expiredToken() && !refreshed {
				refreshed = true
				c.Auth.Invalidate(c.RefreshToken, tok)
				c.count(func(s *Stats) { s.Refreshes++ })
				continue
			}
			return e
		}
	}
}

func (c *Client) retryWait(ctx context.Context, op string, n int, reqID, why string, count func(*Stats)) error {
	d := c.backoff(n)
	c.count(func(s *Stats) { count(s); s.BackoffWait += d })
	c.logger().Warn("sp-api retry", "operation", op, "attempt", n, "wait", d.Round(time.Millisecond), "request_id", reqID, "why", why)
	return c.sleep(ctx, d)
}
