package replicasbench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
	"github.com/vtrbot/vtrbot/store/storetest"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for the connection count
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// notice is the i-th Valid Tracking Rate warning of an account.
func notice(account string, i int) (raw []byte, id string) {
	id = fmt.Sprintf("bench-%s-%05d@email.amazonses.com", account, i)
	return []byte(strings.ReplaceAll(fmt.Sprintf(`Return-Path: <bounces+seller-performance@amazon.com>
Authentication-Results: mx.example.net; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com; dmarc=pass header.from=amazon.com
From: "Amazon Seller Performance" <seller-performance@amazon.com>
To: orders@%s.example
Subject: Your Valid Tracking Rate is Below 95%% (notice %d)
Date: %s
Message-ID: <%s>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Hello,

Your Valid Tracking Rate for merchant-fulfilled orders is below the 95%% requirement.
Sellers must provide tracking numbers for at least 95%% of their shipments.

Seller Performance Team
`, account, i, time.Now().Format(time.RFC1123Z), id), "\n", "\r\n")), id
}

func BenchmarkReplicas(b *testing.B) {
	if os.Getenv("VTRBOT_TEST_POSTGRES") == "" {
		b.Skip("VTRBOT_TEST_POSTGRES not set: the replicas share a PostgreSQL database")
	}
	nAccounts := envInt("VTRBOT_BENCH_ACCOUNTS", 50)
	nReplicas := envInt("VTRBOT_BENCH_REPLICAS", 3)
	seconds := envInt("VTRBOT_BENCH_SECONDS", 60)
	ctx := context.Background()
	dir := b.TempDir()
	bot := filepath.Join(dir, "bot")
	if out, err := exec.Command("go", "build", "-o", bot, "../../cmd/bot").CombinedOutput(); err != nil {
		b.Fatalf("build bot: %v\n%s", err, out)
	}
	db := storetest.URL(b, "postgres")
	key := "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes, a benchmark's own
	fake := slackfake.New()
	b.Cleanup(fake.Close)
	baseEnv := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "DATABASE_URL=" + db, "VTRBOT_SECRET_KEY=" + key}

	servers := make([]*memserver.Server, nAccounts)
	names := make([]string, nAccounts)
	for i := range nAccounts {
		names[i] = fmt.Sprintf("acct_%02d", i)
		srv, err := memserver.StartWith(memserver.Options{Username: "seller@" + names[i] + ".example", Password: "app-password"})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { srv.Close() })
		servers[i] = srv
		pass := filepath.Join(dir, names[i]+".pass")
		os.WriteFile(pass, []byte("app-password\n"), 0o600)
		cmd := exec.Command(bot, "account", "add", names[i], "--marketplaces", "US", "--slack-channel", "C_"+strings.ToUpper(names[i]),
			"--imap-addr", srv.Addr(), "--imap-username", "seller@"+names[i]+".example", "--imap-password-file", pass, "--imap-tls", "none")
		cmd.Env = baseEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("account add: %v\n%s", err, out)
		}
	}
	var procs []*exec.Cmd
	var logs []string
	for r := range nReplicas {
		cmd := exec.Command(bot, "run")
		cmd.Env = append(slices.Clone(baseEnv), "SLACK_BOT_TOKEN=xoxb-bench", "SLACK_API_URL="+fake.URL(), "SLACK_CHANNEL=C_DEFAULT",
			fmt.Sprintf("VTRBOT_REPLICA_ID=replica-%d", r), "LOG_LEVEL=info")
		logs = append(logs, filepath.Join(dir, fmt.Sprintf("replica-%d.log", r)))
		log, _ := os.Create(logs[r])
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		procs = append(procs, cmd)
	}
	b.Cleanup(func() {
		for _, p := range procs {
			p.Process.Signal(os.Interrupt)
		}
		for _, p := range procs {
			p.Wait()
		}
	})
	admin, err := sql.Open("pgx", db)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	// Wait until every account's lease is held and the replicas have
	// shared them out (no replica above its share).
	deadline := time.Now().Add(2 * time.Minute)
	share := (nAccounts + 1 + nReplicas - 1) / nReplicas
	for {
		var n, holders, most int
		admin.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT holder), COALESCE(max(c), 0) FROM
			(SELECT holder, count(*) OVER (PARTITION BY holder) AS c FROM leases
			 WHERE holder <> '' AND expires_ms > (extract(epoch FROM now()) * 1000)::bigint) l`).Scan(&n, &holders, &most)
		if n == nAccounts+1 && holders == nReplicas && most <= share {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("after 2 minutes: %d of %d leases held by %d replicas, at most %d each", n, nAccounts+1, holders, most)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// A held lease is not yet a watcher: the account's store opens and
	// its watcher starts after the claim. Wait for every account's
	// "watching" line, then for the first IDLE.
	for {
		watching := 0
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			watching += strings.Count(string(b), "msg=watching")
		}
		if watching >= nAccounts {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("after 2 minutes: %d of %d mailboxes watched", watching, nAccounts)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)

	var mu sync.Mutex
	sent := map[string]time.Time{}
	latencies := []time.Duration{}
	seen := map[string]int{}
	maxConns := 0
	stopPoll := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { // the posts as they arrive
		last := 0
		for {
			posts := fake.Posts()
			now := time.Now()
			mu.Lock()
			for _, p := range posts[last:] {
				var md struct {
					Payload struct {
						Key string `json:"key"`
					} `json:"event_payload"`
				}
				json.Unmarshal([]byte(p.Form.Get("metadata")), &md)
				id := strings.TrimSuffix(strings.TrimPrefix(md.Payload.Key, "triage:<"), ">")
				seen[id]++
				if at, ok := sent[id]; ok && seen[id] == 1 {
					latencies = append(latencies, now.Sub(at))
				}
			}
			mu.Unlock()
			last = len(posts)
			select {
			case <-stopPoll:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	wg.Go(func() { // the connection count
		for {
			var n int
			admin.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()`).Scan(&n)
			mu.Lock()
			maxConns = max(maxConns, n)
			mu.Unlock()
			select {
			case <-stopPoll:
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	})

	b.ResetTimer()
	start := time.Now()
	tick := time.NewTicker(time.Second)
	for s := range seconds {
		for i, srv := range servers {
			raw, id := notice(names[i], s)
			mu.Lock()
			sent[id] = time.Now()
			mu.Unlock()
			if _, err := srv.Deliver("INBOX", raw); err != nil {
				b.Fatal(err)
			}
		}
		<-tick.C
	}
	tick.Stop()
	want := seconds * nAccounts
	deadline = time.Now().Add(2 * time.Minute)
	for {
		mu.Lock()
		got := len(latencies)
		mu.Unlock()
		if got >= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	elapsed := time.Since(start)
	time.Sleep(3 * time.Second) // anything more would be a duplicate
	close(stopPoll)
	wg.Wait()
	b.StopTimer()

	mu.Lock()
	defer mu.Unlock()
	dups := 0
	for _, n := range seen {
		dups += n - 1
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Milliseconds())
	}
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "posts/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(1)-0, "max-ms")
	b.ReportMetric(float64(dups), "duplicates")
	b.ReportMetric(float64(want-len(latencies)), "missing")
	b.ReportMetric(float64(maxConns), "max-pg-conns")
}
