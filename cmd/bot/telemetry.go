package main

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/obs"
	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/store"
)

// Readiness parts of bot run (/readyz); slackapp.ReadyPart is Slack's.
const readyMailbox = "mailbox"

// botMetrics are bot run's series besides the Slack edge's (slackapp
// records its own into the same registry). Every label value is a
// constant here or a kind/state the code writes; see docs/architecture.md.
type botMetrics struct {
	reg   *obs.Registry
	ready *obs.Ready

	mail       *obs.CounterVec // result: stored, duplicate, ignored, error
	posts      *obs.CounterVec // result: ok, error (every error is retried)
	imapLogins *obs.Counter
	mailboxUp  *obs.Gauge

	// Counted by the Amazon sync (countSync) and the account leases;
	// exported at zero until then.
	syncPages     *obs.Counter
	syncThrottled *obs.Counter
	leaseChanges  *obs.Counter
}

const (
	mailStored    = "stored"
	mailDuplicate = "duplicate"
	mailIgnored   = "ignored"
	resultOK      = "ok"
	resultError   = "error"
)

func newBotMetrics(s *store.Store, now func() time.Time) *botMetrics {
	reg := obs.NewRegistry()
	bi := readBuildInfo(version, commit)
	reg.Info("vtrbot_build_info", "The running binary: version, commit, Go version.", []string{"version", "commit", "goversion"},
		[]string{bi.Version, bi.Commit, runtime.Version()})
	m := &botMetrics{
		reg:   reg,
		ready: obs.NewReady(),
		mail: reg.CounterVec("vtrbot_mail_received_total",
			"Mails the mailbox watcher handed over, by what became of them: stored (a notice or carrier mail), duplicate (stored before), ignored (not Amazon's or a carrier's), error (not stored; offered again).", "result"),
		posts: reg.CounterVec("vtrbot_slack_posts_total",
			"Outbox posts to Slack by result; an error is retried with backoff.", "result"),
		imapLogins:    reg.Counter("vtrbot_imap_sessions_total", "Mailbox sessions opened (logged in, folder selected); more than a few an hour means reconnects."),
		mailboxUp:     reg.Gauge("vtrbot_mailbox_connected", "1 while a mailbox session is open."),
		syncPages:     reg.Counter("vtrbot_sync_pages_total", "Pages read from Amazon's Selling Partner API."),
		syncThrottled: reg.Counter("vtrbot_sync_throttled_total", "Selling Partner API calls answered 429 (throttled) and retried later."),
		leaseChanges:  reg.Counter("vtrbot_lease_holder_changes_total", "Times an account's lease changed holder between bot processes."),
	}
	for _, r := range []string{mailStored, mailDuplicate, mailIgnored, resultError} {
		m.mail.Add(0, r)
	}
	m.posts.Add(0, resultOK)
	m.posts.Add(0, resultError)

	reg.GaugeFunc("vtrbot_notices", "Stored notices by kind (\"\" until parsed) and pipeline state.", []string{"kind", "state"},
		func(ctx context.Context) ([]obs.Sample, error) {
			ts, err := s.NoticeTalliesAll(ctx)
			if err != nil {
				return nil, err
			}
			out := make([]obs.Sample, len(ts))
			for i, t := range ts {
				out[i] = obs.Sample{Labels: []string{t.Kind, string(t.State)}, Value: float64(t.N)}
			}
			return out, nil
		})
	reg.GaugeFunc("vtrbot_outbox_pending", "Slack posts queued and not sent yet.", nil, func(ctx context.Context) ([]obs.Sample, error) {
		n, _, err := s.OutboxDepthAll(ctx)
		return []obs.Sample{{Value: float64(n)}}, err
	})
	reg.GaugeFunc("vtrbot_outbox_oldest_pending_seconds", "Age of the oldest post not sent yet (0 when none): Slack down, or a post it keeps refusing.", nil,
		func(ctx context.Context) ([]obs.Sample, error) {
			_, oldest, err := s.OutboxDepthAll(ctx)
			age := 0.0
			if !oldest.IsZero() {
				age = max(0, now().Sub(oldest).Seconds())
			}
			return []obs.Sample{{Value: age}}, err
		})
	return m
}

// received counts one mail the watcher handed over.
func (m *botMetrics) received(id string, created bool, err error) {
	switch {
	case err != nil:
		m.mail.Inc(resultError)
	case id == "":
		m.mail.Inc(mailIgnored)
	case !created:
		m.mail.Inc(mailDuplicate)
	default:
		m.mail.Inc(mailStored)
	}
}

// connected follows the watcher's sessions.
func (m *botMetrics) connected(up bool) {
	m.ready.Set(readyMailbox, up)
	if up {
		m.imapLogins.Inc()
		m.mailboxUp.Set(1)
	} else {
		m.mailboxUp.Set(0)
	}
}

func (m *botMetrics) posted(err error) {
	if err != nil {
		m.posts.Inc(resultError)
		return
	}
	m.posts.Inc(resultOK)
}

// countSync counts the pages a syncer reads and the calls Amazon throttled
// (each client's 429s, added as they grow).
func (m *botMetrics) countSync(s *commands.Syncer) {
	var mu sync.Mutex
	seen := map[*spapi.Client]int{}
	s.Progress = func(p commands.SyncProgress) {
		if p.Phase == "orders" {
			m.syncPages.Inc()
		}
		mu.Lock()
		defer mu.Unlock()
		for _, c := range s.Clients {
			n := c.Stats().Retries429
			if d := n - seen[c]; d > 0 {
				m.syncThrottled.Add(int64(d))
			}
			seen[c] = n
		}
	}
}
