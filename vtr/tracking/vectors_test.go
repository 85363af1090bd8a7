package tracking

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// sharedVectors is the third-party vector file (jkeen/tracking_number_data,
// MIT; see its README). It is read in place, never copied.
const sharedVectors = "../../../shared/testdata/tracking/vectors.tsv"

// TestVectors requires agreement with every row of the shared vectors for
// every carrier code this package knows: valid is the answer to "can this
// number belong to this carrier?".
func TestVectors(t *testing.T) {
	f, err := os.Open(sharedVectors)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared vectors: %v", err)
		}
		t.Skipf("shared vectors not found at %s (from vtr/tracking): %v", sharedVectors, err)
	}
	defer f.Close()

	var checked, skipped int
	var unsupported []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			continue // header: carrier number valid format
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 {
			t.Fatalf("vectors.tsv:%d: %d columns, want 4", line, len(cols))
		}
		code, num, valid, format := cols[0], cols[1], cols[2] == "yes", cols[3]
		c, ok := Lookup(code)
		if !ok || c.Code != code || !c.Checked() {
			skipped++
			if !slices.Contains(unsupported, code) {
				unsupported = append(unsupported, code)
			}
			continue
		}
		checked++
		r := Check(code, num)
		if r.OK != valid {
			t.Errorf("vectors.tsv:%d: Check(%q, %q) OK = %v (%s), want %v (%s)", line, code, num, r.OK, r.Why(), valid, format)
		}
		if got := Detect(num).Has(c); got != valid {
			t.Errorf("vectors.tsv:%d: Detect(%q) has %s = %v, want %v (%s)", line, num, code, got, valid, format)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no rows checked")
	}
	summary := fmt.Sprintf("vectors: checked %d rows; unsupported carriers: none", checked)
	if len(unsupported) > 0 {
		summary = fmt.Sprintf("vectors: checked %d rows; unsupported carriers: %s (%d rows skipped)",
			checked, strings.Join(unsupported, ", "), skipped)
	}
	t.Log(summary)
	if testing.Verbose() {
		os.Stdout.WriteString(summary + "\n")
	}
}
