package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// TestExplain_golden reconciles every shared notice fixture against the
// traxtar records; findings and the reply draft are golden files.
func TestExplain_golden(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	importTraxtar(t, db)
	files, _ := filepath.Glob(filepath.Join(sharedPath(t, "testdata/notices"), "*.eml"))
	if len(files) == 0 {
		t.Fatal("no notice fixtures")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			out := runOK(t, db, "explain", f, "--json")
			var e struct {
				Findings json.RawMessage `json:"findings"`
				Actions  json.RawMessage `json:"actions"`
				Reply    string          `json:"reply"`
				Window   json.RawMessage `json:"window"`
			}
			if err := json.Unmarshal([]byte(out), &e); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			got, _ := json.MarshalIndent(e, "", "  ")
			golden := filepath.Join("testdata", "explain", name+".golden.json")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				os.WriteFile(golden, append(got, '\n'), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if strings.TrimSpace(string(got)) != strings.TrimSpace(string(want)) {
				t.Errorf("explain %s differs from %s:\n got: %s", name, golden, got)
			}
		})
	}
}

// findingCodes runs bot explain --json and returns its finding codes.
func findingCodes(t *testing.T, db, file string) (codes []string, e map[string]any) {
	t.Helper()
	out := runOK(t, db, "explain", file, "--json")
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	for _, f := range e["findings"].([]any) {
		codes = append(codes, f.(map[string]any)["code"].(string))
	}
	return codes, e
}

func hasAll(got []string, want ...string) bool {
	have := map[string]bool{}
	for _, g := range got {
		have[g] = true
	}
	for _, w := range want {
		if !have[w] {
			return false
		}
	}
	return true
}

func TestExplain_seedStory(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	importTraxtar(t, db)
	dir := sharedPath(t, "testdata/notices")

	codes, e := findingCodes(t, db, filepath.Join(dir, "vtr-below-95-us.eml"))
	if !hasAll(codes, "LOCAL_RATE_MEETS_TARGET", "CATEGORY_BELOW_TARGET", "INVALID_PACKAGES", "EXEMPT_PACKAGES") {
		t.Errorf("vtr warning findings = %v", codes)
	}
	local := e["local"].(map[string]any)
	if local["from"] != "2019-10-15" || local["to"] != "2019-11-14" {
		t.Errorf("local window = %v..%v, want 2019-10-15..2019-11-14", local["from"], local["to"])
	}
	if r := local["overall"].(map[string]any)["rate"].(float64); r < 0.97619 || r > 0.97620 {
		t.Errorf("local rate = %v, want 82/84", r)
	}

	codes, e = findingCodes(t, db, filepath.Join(dir, "support-reply-na.eml"))
	if !hasAll(codes, "CONTRADICTS_ORDER_COUNT", "CONTRADICTS_ORDER_STATUS", "METRIC_NA_EXPLAINED", "IGNORE_INSTRUCTION") {
		t.Errorf("support reply findings = %v", codes)
	}
	reply := e["reply"].(string)
	for _, want := range []string{"only 1 order", "107 orders", "105 merchant-fulfilled", "1 Unshipped"} {
		if !strings.Contains(reply, want) {
			t.Errorf("reply draft does not quote %q:\n%s", want, reply)
		}
	}
}

func TestExplain_emptyDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	counts(t, db) // an empty database (explain never creates one)
	dir := sharedPath(t, "testdata/notices")
	env, out, errb := testEnv(t, db)
	if code := run(context.Background(), []string{"explain", filepath.Join(dir, "vtr-below-95-us.eml")}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	// The finding in words (NO_LOCAL_DATA is for --json).
	if !strings.Contains(out.String(), "has no orders or shipments yet") || !strings.Contains(out.String(), "bot import orders") {
		t.Errorf("empty database: want 'no orders or shipments yet' and import advice, got:\n%s", out)
	}
}

func TestImportMail_carrierEvidence(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	importTraxtar(t, db)
	mail := filepath.Join(sharedPath(t, "testdata/notices"), "usps-delivered.eml")
	status := func() map[string]any {
		var st map[string]any
		json.Unmarshal([]byte(runOK(t, db, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14", "--json")), &st)
		return st["overall"].(map[string]any)
	}
	before := status()
	runOK(t, db, "import", "mail", mail)
	after := status()
	if before["verified"].(float64) != 78 || after["verified"].(float64) != 79 {
		t.Errorf("verified %v -> %v, want 78 -> 79", before["verified"], after["verified"])
	}
	if before["valid"] != after["valid"] {
		t.Errorf("valid changed %v -> %v", before["valid"], after["valid"])
	}
	c1 := counts(t, db)
	runOK(t, db, "import", "mail", mail)
	if c2 := counts(t, db); c1["notices"] != c2["notices"] || c1["carrier_events"] != c2["carrier_events"] {
		t.Errorf("importing the same mail twice changed counts: %v -> %v", c1, c2)
	}
}

func TestExplain_evidenceCSV(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	importTraxtar(t, db)
	out := filepath.Join(dir, "evidence.csv")
	runOK(t, db, "explain", filepath.Join(sharedPath(t, "testdata/notices"), "vtr-below-95-us.eml"), "--evidence", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1+87 {
		t.Errorf("evidence has %d rows, want 87 packages + header", len(lines)-1)
	}
}
