package notice

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

// sharedDir holds the reference fixtures beside the checkout, read in
// place; the rules their expected output follows are docs/notices.md.
const sharedDir = "../../../shared/testdata/notices"

// TestParse_shared checks every shared fixture against the .json beside it,
// compared as decoded JSON values: key order and number spelling do not
// matter, the fixture's fields must all be there, extra fields are allowed.
func TestParse_shared(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedDir, "*.eml"))
	if len(files) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("no fixtures in %s", sharedDir)
		}
		t.Skipf("no fixtures in %s", sharedDir)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(f, ".eml") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			got := parseFile(t, f)
			compareJSON(t, got, want, false)
		})
	}
}

// goldenTrust is the seller of the package's own fixtures: the mailbox
// orders@traxtar.example, whose domain's forwards are trusted when their
// own mail proves them (forward-*.eml).
var goldenTrust = Trust{Mailbox: "orders@traxtar.example"}

// TestParse_golden checks the package's own fixtures (testdata/NAME.eml and
// NAME.golden.json) exactly, parsed with goldenTrust; -update rewrites the
// golden files.
func TestParse_golden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.eml")
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			got := parseFileWith(t, Options{Trust: goldenTrust}, f)
			golden := strings.TrimSuffix(f, ".eml") + ".golden.json"
			if *update {
				var buf bytes.Buffer
				if err := json.Indent(&buf, got, "", "  "); err != nil {
					t.Fatal(err)
				}
				buf.WriteByte('\n')
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			compareJSON(t, got, want, true)
		})
	}
}

func parseFile(t *testing.T, path string) []byte {
	t.Helper()
	return parseFileWith(t, Options{}, path)
}

func parseFileWith(t *testing.T, o Options, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := o.Parse(f)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// compareJSON compares got with want as JSON values. Unless exact, keys
// that want lacks are ignored (the contract may grow).
func compareJSON(t *testing.T, got, want []byte, exact bool) {
	t.Helper()
	var g, w map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got: %v", err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want: %v", err)
	}
	if !exact {
		for k := range g {
			if _, ok := w[k]; !ok {
				delete(g, k)
			}
		}
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("parse mismatch (-want +got):\n%s\ngot: %s", diff, got)
	}
}
