package spapi

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Usage plans of the operations vtrbot calls: the default rate (requests
// per second) and burst each operation's description in Amazon's model
// gives. x-amzn-RateLimit-Limit, when a response carries it, replaces the
// rate.
var usagePlans = map[string]struct{ rate, burst float64 }{
	opSearchOrders:      {0.0056, 20},
	opGetOrder:          {0.5, 30},
	opCreateReport:      {0.0167, 15},
	opGetReport:         {2, 15},
	opGetReports:        {0.0222, 10},
	opGetReportDocument: {0.0167, 15},
}

// bucket is a token bucket for one operation, as Amazon meters it: burst
// requests at once, then one every 1/rate seconds. Callers reserve a token
// (the count may go negative) and then sleep for their turn outside the
// lock, so concurrent callers queue in order instead of polling.
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate, burst float64, now time.Time) *bucket {
	return &bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

// reserve takes a token and returns how long to wait before using it.
func (b *bucket) reserve(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

// setRate applies an x-amzn-RateLimit-Limit value (requests per second).
func (b *bucket) setRate(rate float64, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.rate = rate
}

// drain empties the bucket after a 429: Amazon's bucket is empty, so ours
// must wait a whole interval too.
func (b *bucket) drain(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.tokens = min(b.tokens, 0)
}

// Rate returns the bucket's current rate.
func (b *bucket) currentRate() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rate
}

// parseRateLimit reads x-amzn-RateLimit-Limit ("0.0167"); 0 when absent or
// unusable.
func parseRateLimit(v string) float64 {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	r, err := strconv.ParseFloat(v, 64)
	if err != nil || r <= 0 || r > 1e6 {
		return 0
	}
	return r
}

// limiters holds a bucket per operation.
type limiters struct {
	mu sync.Mutex
	m  map[string]*bucket
}

func (l *limiters) get(op string, now time.Time) *bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*bucket{}
	}
	b := l.m[op]
	if b == nil {
		p, ok := usagePlans[op]
		if !ok {
			p.rate, p.burst = 1, 1
		}
		b = newBucket(p.rate, p.burst, now)
		l.m[op] = b
	}
	return b
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
