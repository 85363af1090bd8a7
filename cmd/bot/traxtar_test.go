package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store/storetest"
)

// shared is where the project's shared fixtures live, beside the checkout.
const shared = "../../../shared"

func sharedPath(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(shared, rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing: CI must have ../shared beside the checkout", p)
		}
		t.Skipf("%s missing (set CI to make this fatal)", p)
	}
	return p
}

// testEnv returns an Env for run with captured output, no .env file and a
// fixed clock, using db as DATABASE_URL.
func testEnv(t *testing.T, db string, vars ...string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	m := map[string]string{"DATABASE_URL": db}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	return &Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) (string, bool) { v, ok := m[k]; return v, ok },
		Now:    func() time.Time { return time.Date(2019, 12, 4, 12, 0, 0, 0, time.UTC) },
		Dir:    t.TempDir(),
	}, &out, &errb
}

// runOK runs bot with args and fails the test unless it exits 0.
func runOK(t *testing.T, db string, args ...string) string {
	t.Helper()
	env, out, errb := testEnv(t, db)
	if code := run(context.Background(), args, env); code != 0 {
		t.Fatalf("bot %s: exit %d\nstderr: %s", strings.Join(args, " "), code, errb)
	}
	return out.String()
}

func importTraxtar(t *testing.T, db string) {
	t.Helper()
	dir := sharedPath(t, "testdata/traxtar")
	runOK(t, db, "import", "orders", filepath.Join(dir, "orders.tsv"))
	runOK(t, db, "import", "categories", filepath.Join(dir, "categories.tsv"))
	runOK(t, db, "import", "shipments", filepath.Join(dir, "shipments.tsv"))
}

// jsonEqual compares two JSON documents as values.
func jsonEqual(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(subset(g, w), w) {
		gb, _ := json.MarshalIndent(g, "", "  ")
		t.Errorf("got:\n%s\nwant:\n%s", gb, want)
	}
}

// subset drops the keys of got that want does not have (the contract lets
// objects grow), recursively.
func subset(got, want any) any {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return got
		}
		out := map[string]any{}
		for k, wv := range w {
			if gv, ok := g[k]; ok {
				out[k] = subset(gv, wv)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return got
		}
		out := make([]any, len(g))
		for i := range g {
			out[i] = subset(g[i], w[i])
		}
		return out
	}
	return got
}

func TestTraxtar(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			importTraxtar(t, db)
			dir := sharedPath(t, "testdata/traxtar")
			got := runOK(t, db, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14", "--json")
			want, _ := os.ReadFile(filepath.Join(dir, "expected-status.json"))
			jsonEqual(t, []byte(got), want)
			got = runOK(t, db, "vtr", "untracked", "--from", "2019-10-15", "--to", "2019-11-14", "--json")
			want, _ = os.ReadFile(filepath.Join(dir, "expected-untracked.json"))
			jsonEqual(t, []byte(got), want)
		})
	}
}
