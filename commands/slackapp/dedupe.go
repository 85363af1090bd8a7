package slackapp

import (
	"sync"
	"time"
)

// seenCache remembers request IDs (event_id, trigger_id) for a while, so a
// request Slack delivers twice runs once. Slack retries an event when it got
// no 200 within 3 seconds, up to 3 times over about 5 minutes
// (docs.slack.dev "Events API", "Responding to events"), and the signature
// check alone lets a replay through within its 5-minute window (slack-go
// security.go says so). Bounded: past capacity the oldest IDs are forgotten.
type seenCache struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	until map[string]time.Time
	order []seenEntry // insertion order, oldest first
}

type seenEntry struct {
	key   string
	until time.Time
}

func newSeenCache(ttl time.Duration, max int) *seenCache {
	return &seenCache{ttl: ttl, max: max, until: make(map[string]time.Time)}
}

// dedupeKey namespaces an ID; an empty ID gives an empty key, which never
// counts as a duplicate (a request without an ID cannot be matched).
func dedupeKey(kind, id string) string {
	if id == "" {
		return ""
	}
	return kind + ":" + id
}

// seen reports whether key was recorded within the TTL, and records it if not.
// An empty key is never a duplicate.
func (c *seenCache) seen(key string, now time.Time) bool {
	if key == "" {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire(now)
	if until, ok := c.until[key]; ok && now.Before(until) {
		return true
	}
	until := now.Add(c.ttl)
	c.until[key] = until
	c.order = append(c.order, seenEntry{key, until})
	return false
}

// expire drops entries past their TTL and the oldest ones beyond capacity.
func (c *seenCache) expire(now time.Time) {
	drop := 0
	for drop < len(c.order) {
		e := c.order[drop]
		if now.Before(e.until) && len(c.order)-drop < c.max {
			break
		}
		if c.until[e.key].Equal(e.until) {
			delete(c.until, e.key)
		}
		drop++
	}
	// Reslicing is enough: once the array is full, append copies only the
	// live tail into a new one.
	c.order = c.order[drop:]
}
