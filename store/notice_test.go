package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// saveNotice stores n as a parsed notice with the Message-ID id, in the
// case caseKey ("" leaves it unreconciled, as a crash after parsing would).
func saveNotice(t *testing.T, s *store.Store, id string, n vtr.Notice, caseKey string) {
	t.Helper()
	ctx := context.Background()
	n.MessageID = id
	if _, _, err := s.SaveMail(ctx, store.Mail{MessageID: id, Raw: []byte("Message-ID: " + id + "\r\n\r\nbody\r\n")}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveParsed(ctx, id, &n, ""); err != nil {
		t.Fatal(err)
	}
	if caseKey != "" {
		if err := s.SaveReconciled(ctx, id, caseKey, "", nil); err != nil {
			t.Fatal(err)
		}
	}
}

func at(day string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", day)
	if err != nil {
		panic(err)
	}
	return t
}

// LatestWarningCase is the case a Support reply or carrier mail without a
// link joins: the latest authentic warning (or deactivation) about its
// metric in its window, once reconciled into a case.
func TestLatestWarningCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		received := time.Date(2024, 7, 10, 0, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { received = received.Add(time.Second); return received } // in the order stored
		warning := func(m vtr.Metric, day string, authentic bool) vtr.Notice {
			return vtr.Notice{Kind: vtr.KindPerformanceWarning, Metric: m, Date: at(day), Authentic: authentic}
		}
		saveNotice(t, s, "<a>", warning(vtr.MetricVTR, "2024-05-01 09:00", true), "<a>")
		saveNotice(t, s, "<b>", warning(vtr.MetricLateShipment, "2024-06-20 09:00", true), "<b>")
		saveNotice(t, s, "<c>", warning(vtr.MetricVTR, "2024-06-25 09:00", false), "<c>") // a spoof
		saveNotice(t, s, "<d>", vtr.Notice{Kind: vtr.KindDeactivation, Metric: vtr.MetricVTR, Date: at("2024-06-12 09:00"), Authentic: true}, "<d>")
		saveNotice(t, s, "<e>", warning(vtr.MetricVTR, "2024-07-05 09:00", true), "<e>")
		saveNotice(t, s, "<f>", vtr.Notice{Kind: vtr.KindSupportReply, Metric: vtr.MetricVTR, Date: at("2024-06-28 09:00"), Authentic: true}, "<f>")
		saveNotice(t, s, "<g>", warning(vtr.MetricVTR, "2024-06-30 09:00", true), "")    // not reconciled yet
		saveNotice(t, s, "<h>", warning(vtr.MetricVTR, "2024-06-08 09:00", true), "<a>") // in an earlier case

		tests := []struct {
			name     string
			except   string
			metric   vtr.Metric
			from, to string
			want     string
		}{
			{"VTR in 60 days: the deactivation, not the spoof, the reply or the unreconciled", "", vtr.MetricVTR, "2024-05-02 16:00", "2024-07-01 16:00", "<d>"},
			{"a warning in an earlier case: that case", "", vtr.MetricVTR, "2024-06-01 00:00", "2024-06-09 00:00", "<a>"},
			{"window's ends included", "", vtr.MetricVTR, "2024-05-01 09:00", "2024-05-01 09:00", "<a>"},
			{"another metric", "", vtr.MetricLateShipment, "2024-05-02 16:00", "2024-07-01 16:00", "<b>"},
			{"any metric", "", "", "2024-05-02 16:00", "2024-07-01 16:00", "<b>"},
			{"any date", "", vtr.MetricVTR, "", "", "<e>"},
			{"not itself", "<e>", vtr.MetricVTR, "", "", "<d>"},
			{"nothing in the window", "", vtr.MetricVTR, "2024-04-01 00:00", "2024-04-30 00:00", ""},
			{"no warning about the metric", "", vtr.MetricOnTime, "", "", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var from, to time.Time
				if tt.from != "" {
					from, to = at(tt.from), at(tt.to)
				}
				got, err := s.LatestWarningCase(context.Background(), tt.except, tt.metric, from, to)
				if err != nil || got != tt.want {
					t.Errorf("LatestWarningCase(%q, %s, %s, %s) = %q, %v; want %q", tt.except, tt.metric, tt.from, tt.to, got, err, tt.want)
				}
			})
		}
	})
}

// The look-up reads the index on (account, kind, notice_date), not every
// notice (nor every account's).
func TestLatestWarningCase_readsTheIndex(t *testing.T) {
	s, err := store.Open(t.Context(), storetest.URL(t, "sqlite"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, metric := range []vtr.Metric{vtr.MetricVTR, ""} {
		q, args := store.LatestWarningQuery(s.AccountKey(), "<x>", metric, at("2024-05-01 00:00"), at("2024-07-01 00:00"))
		rows, err := s.DB().Queryx("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING INDEX notices_warnings (account=? AND kind=? AND notice_date>? AND notice_date<?)") {
			t.Errorf("metric %q: plan %q does not read notices_warnings by account, kind and date", metric, p)
		}
	}
}

// A reply may list more Message-IDs than a statement takes parameters; the
// first notice among them by the time it was received gives the case,
// wherever it is in the list.
func TestFindCase_70000IDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		base := time.Date(2024, 7, 1, 9, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return base }
		saveNotice(t, s, "<first>", vtr.Notice{Kind: vtr.KindPerformanceWarning}, "<case-1>")
		s.Now = func() time.Time { return base.Add(time.Minute) }
		saveNotice(t, s, "<second>", vtr.Notice{Kind: vtr.KindPerformanceWarning}, "<case-2>")
		saveNotice(t, s, "<open>", vtr.Notice{Kind: vtr.KindPerformanceWarning}, "") // no case yet

		ids := make([]string, 70000)
		for i := range ids {
			ids[i] = fmt.Sprintf("<r%05d@x>", i%60000) // repeats too
		}
		ids[10], ids[20], ids[69000] = "<open>", "<second>", "<first>"
		got, err := s.FindCase(context.Background(), ids)
		if err != nil || got != "<case-1>" {
			t.Errorf("FindCase = %q, %v; want <case-1> (the earliest received notice listed)", got, err)
		}
		if got, err := s.FindCase(context.Background(), ids[:20]); err != nil || got != "" {
			t.Errorf("FindCase without a reconciled notice = %q, %v; want \"\"", got, err)
		}
	})
}

// Upgrading a database fills the new link columns from the notices
// parsed before: a warning stored by an older vtrbot is still found.
func TestMigration3_fillsLinkColumns(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			dsn := storetest.URL(t, kind)
			db, err := store.MigrateTo(ctx, dsn, 2)
			if err != nil {
				t.Fatal(err)
			}
			for i, n := range []vtr.Notice{
				{MessageID: "<old-warning>", Kind: vtr.KindPerformanceWarning, Metric: vtr.MetricVTR, Date: at("2024-06-01 09:00"), Authentic: true},
				{MessageID: "<old-spoof>", Kind: vtr.KindPerformanceWarning, Metric: vtr.MetricVTR, Date: at("2024-06-02 09:00")},
				{MessageID: "<old-lsr>", Kind: vtr.KindPerformanceWarning, Metric: vtr.MetricLateShipment, Date: at("2024-06-03 09:00"), Authentic: true},
			} {
				parsed, err := json.Marshal(n)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO notices (notice_id, raw, raw_sha256, received_at, state, kind, parsed, case_key, notice_date)
					VALUES (?, ?, ?, ?, 'done', ?, ?, ?, ?)`), n.MessageID, []byte("raw"), fmt.Sprint(i), "2024-06-03T10:00:00Z",
					string(n.Kind), string(parsed), n.MessageID, n.Date.Format(time.RFC3339)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO notices (notice_id, raw, raw_sha256, received_at) VALUES ('<unparsed>', 'x', 'u', '2024-06-03T10:00:00Z')`); err != nil {
				t.Fatal(err)
			}
			db.Close()

			s, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got, err := s.LatestWarningCase(ctx, "", vtr.MetricVTR, time.Time{}, time.Time{})
			if err != nil || got != "<old-warning>" {
				t.Errorf("after the upgrade the latest authentic VTR warning is %q, %v; want <old-warning>", got, err)
			}
		})
	}
}
