package main

import (
	"fmt"
	"strconv"

	"github.com/vtrbot/vtrbot/vtr"
)

// writeCSV writes rows (the first is the header) through newCSVWriter,
// which neutralises every cell a spreadsheet would read as a formula
// (csvout.go).
func writeCSV(env *Env, rows [][]string) int {
	cw := newCSVWriter(env.Stdout)
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return fail(env, err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fail(env, err)
	}
	return exitOK
}

// csvRate is a Valid Tracking Rate as a fraction with four decimals
// ("0.9545", never rounded onto the target: vtr.Fraction), or empty when
// there is none, as in --json.
func csvRate(r *float64) string { return vtr.Fraction(r, vtr.Target) }

// statusCSV is a status as rows: one per category (sorted by name) and a
// last one for the total, named "All categories" (or "Total (CATEGORY)").
func statusCSV(st vtr.Status) [][]string {
	rows := [][]string{{"marketplace", "from", "to", "category", "eligible", "valid", "verified", "exempt", "rate", "target", "status"}}
	row := func(name string, c vtr.Counts) {
		rows = append(rows, []string{st.Marketplace, st.Window.From.String(), st.Window.To.String(), name,
			strconv.Itoa(c.Eligible), strconv.Itoa(c.Valid), strconv.Itoa(c.Verified), strconv.Itoa(c.Exempt),
			csvRate(c.Rate()), fmt.Sprint(vtr.Target), c.Status()})
	}
	for _, c := range st.Categories {
		row(c.Category, c.Counts)
	}
	overall := "All categories"
	if st.Category != "" {
		overall = "Total (" + st.Category + ")"
	}
	row(overall, st.Overall)
	return rows
}

// metricsCSV is sibling metrics as rows: one per metric and window length.
func metricsCSV(market string, ms []vtr.MetricResult) [][]string {
	rows := [][]string{{"marketplace", "metric", "days", "from", "to", "numerator", "denominator", "rate", "target", "status", "offenders"}}
	for _, m := range ms {
		rows = append(rows, []string{market, string(m.Metric), strconv.Itoa(m.Window.Days()), m.Window.From.String(), m.Window.To.String(),
			strconv.Itoa(m.Numerator), strconv.Itoa(m.Denominator), vtr.Fraction(m.Rate(), m.Target), fmt.Sprint(m.Target), m.Status(), strconv.Itoa(len(m.Offenders))})
	}
	return rows
}
