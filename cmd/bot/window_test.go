package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// Every window the CLI takes is at most 730 days (vtr.MaxWindowDays): a
// longer one is one line on stderr and exit 2, before any work.
func TestWindowFlags_bound(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	importTraxtar(t, db)
	huge := []string{"--from", "0001-01-01", "--to", "9999-12-31"}
	long := []string{"--from", "2000-01-01", "--to", "2019-12-31"}
	tests := []struct {
		args []string
		want string
	}{
		{append([]string{"vtr", "history"}, huge...), "window 0001-01-01..9999-12-31 is 3652059 days long; at most 730 days"},
		{append([]string{"vtr", "history", "--days", "30"}, long...), "at most 730 days"},
		{append([]string{"vtr", "status"}, huge...), "at most 730 days"},
		{append([]string{"vtr", "status", "--json"}, long...), "at most 730 days"},
		{append([]string{"vtr", "untracked", "--csv"}, long...), "at most 730 days"},
		{append([]string{"metrics"}, long...), "at most 730 days"},
		{[]string{"vtr", "status", "--as-of", "2019-12-04", "--days", "731"}, "--days: want 1 to 730, got 731"},
		{[]string{"vtr", "untracked", "--days", "3660"}, "--days: want 1 to 730, got 3660"},
		{[]string{"metrics", "--days", "1000"}, "--days: want 1 to 730, got 1000"},
		{[]string{"vtr", "history", "--days", "366", "--from", "2019-01-01", "--to", "2019-12-31"}, "--days: want 1 to 365, got 366"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			env, out, errb := testEnv(t, db)
			code := run(context.Background(), tt.args, env)
			if code != exitConfig {
				t.Errorf("exit %d, want %d (usage)", code, exitConfig)
			}
			if got := strings.TrimSpace(errb.String()); !strings.Contains(got, tt.want) || strings.Contains(got, "\n") {
				t.Errorf("stderr = %q, want one line with %q", got, tt.want)
			}
			if out.Len() > 0 {
				t.Errorf("printed a result for a window it must refuse:\n%.300s", out)
			}
		})
	}
	// 730 days is still a window.
	runOK(t, db, "vtr", "history", "--from", "2018-01-01", "--to", "2019-12-31", "--json")
	runOK(t, db, "vtr", "status", "--as-of", "2019-12-04", "--days", "730")
}
