// Command compare prints how two runs of `bot metrics --json` differ, for
// bench/metrics/run.sh: for every file present in both directories (one per
// as-of date), each metric window whose counts or offenders changed, then a
// summary per metric with a few offenders that came or went and why.
//
//	go run ./bench/metrics/compare OLD-DIR NEW-DIR
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

type offender struct {
	OrderID        string `json:"order_id"`
	TrackingNumber string `json:"tracking_number"`
	Why            string `json:"why"`
}

type metric struct {
	Metric       string     `json:"metric"`
	From         string     `json:"from"`
	To           string     `json:"to"`
	Days         int        `json:"days"`
	Numerator    int        `json:"numerator"`
	Denominator  int        `json:"denominator"`
	NotDelivered *int       `json:"not_delivered"`
	Offenders    []offender `json:"offenders"`
}

type answer struct {
	AsOf    string   `json:"as_of"`
	Metrics []metric `json:"metrics"`
}

type tally struct {
	windows, changed, came, went int
	examples                     []string
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: compare OLD-DIR NEW-DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func read(path string) (answer, error) {
	var a answer
	b, err := os.ReadFile(path)
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return a, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

func run(oldDir, newDir string) error {
	files, err := filepath.Glob(filepath.Join(oldDir, "*.json"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	tallies := map[string]*tally{}
	var order []string
	for _, f := range files {
		o, err := read(f)
		if err != nil {
			return err
		}
		n, err := read(filepath.Join(newDir, filepath.Base(f)))
		if err != nil {
			return err
		}
		if len(o.Metrics) != len(n.Metrics) {
			return fmt.Errorf("%s: %d metrics before, %d after", f, len(o.Metrics), len(n.Metrics))
		}
		for i := range o.Metrics {
			a, b := o.Metrics[i], n.Metrics[i]
			key := fmt.Sprintf("%s %dd", a.Metric, a.Days)
			t := tallies[key]
			if t == nil {
				t = &tally{}
				tallies[key] = t
				order = append(order, key)
			}
			t.windows++
			before, after := byKey(a.Offenders), byKey(b.Offenders)
			came, went := 0, 0
			for k, why := range after {
				if _, ok := before[k]; !ok {
					came++
					if len(t.examples) < 6 {
						t.examples = append(t.examples, fmt.Sprintf("+ %s %s: %s", b.To, k, why))
					}
				}
			}
			for k, why := range before {
				if _, ok := after[k]; !ok {
					went++
					if len(t.examples) < 6 {
						t.examples = append(t.examples, fmt.Sprintf("- %s %s: %s", a.To, k, why))
					}
				}
			}
			nd := ""
			if b.NotDelivered != nil {
				nd = fmt.Sprintf(", %d not delivered", *b.NotDelivered)
			}
			if a.Numerator != b.Numerator || a.Denominator != b.Denominator || came+went > 0 {
				t.changed++
				t.came += came
				t.went += went
				fmt.Printf("%s %-28s %s..%s  %d/%d -> %d/%d%s  (+%d -%d offenders)\n", o.AsOf, key, a.From, a.To,
					a.Numerator, a.Denominator, b.Numerator, b.Denominator, nd, came, went)
			}
		}
	}
	fmt.Println()
	for _, k := range order {
		t := tallies[k]
		fmt.Printf("%-28s %d of %d windows changed; offenders +%d -%d\n", k, t.changed, t.windows, t.came, t.went)
		sort.Strings(t.examples)
		for _, e := range t.examples {
			fmt.Println("    " + e)
		}
	}
	return nil
}

func byKey(o []offender) map[string]string {
	m := map[string]string{}
	for _, x := range o {
		k := x.OrderID
		if x.TrackingNumber != "" {
			k += " " + x.TrackingNumber
		}
		m[k] = x.Why
	}
	return m
}
