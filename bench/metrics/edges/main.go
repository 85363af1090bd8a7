// Command edges rewrites a generated shipments file (bench/import/gen) so
// that it holds the edges of the sibling metrics that the generator never
// writes (docs/rules.md "Sibling metrics"), for bench/metrics/run.sh:
//   - confirmations half an hour before or after midnight Pacific at the
//     end of the ship date;
//   - deliveries in the evening Pacific, which is already the next day in
//     UTC;
//   - re-uploads: a package's row again at the end of the file, confirmed
//     three days later;
//   - split shipments whose first package has no confirmation time;
//   - exempt letters ("First-Class Mail Large Envelope" under $10) that
//     were given a USPS tracking number.
//
// It reads the file on standard input and writes the new one on standard
// output. The same input and -seed always give the same bytes.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

func main() {
	seed := flag.Uint64("seed", 20, "random seed")
	share := flag.Float64("share", 0.03, "share of rows given each edge")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, *seed, *share); err != nil {
		fmt.Fprintln(os.Stderr, "edges:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, seed uint64, share float64) error {
	r := rand.New(rand.NewPCG(seed, 2024))
	la := vtr.MarketplaceZone("US")
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	if !sc.Scan() {
		return fmt.Errorf("empty input")
	}
	header := sc.Text()
	col := map[string]int{}
	for i, h := range strings.Split(header, "\t") {
		col[h] = i
	}
	for _, c := range []string{"order-id", "ship-date", "tracking-number", "ship-method", "confirmed-at", "delivered-at"} {
		if _, ok := col[c]; !ok {
			return fmt.Errorf("no %s column", c)
		}
	}
	w := bufio.NewWriterSize(out, 1<<16)
	defer w.Flush()
	w.WriteString(header + "\n")
	var again []string // re-uploads, written last
	var prev []string  // the previous row, held to see split shipments
	flush := func() {
		if prev != nil {
			w.WriteString(strings.Join(prev, "\t") + "\n")
		}
	}
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if prev != nil && prev[col["order-id"]] == f[col["order-id"]] && prev[col["tracking-number"]] != f[col["tracking-number"]] &&
			r.IntN(2) == 0 {
			prev[col["confirmed-at"]] = "" // split shipment, first package without a time
		}
		flush()
		ship, err := vtr.ParseDate(f[col["ship-date"]])
		if err != nil {
			return err
		}
		if f[col["confirmed-at"]] != "" && r.Float64() < share {
			shift := -30 * time.Minute
			if r.IntN(2) == 0 {
				shift = 30 * time.Minute
			}
			f[col["confirmed-at"]] = ship.End(la).Add(shift).Format(time.RFC3339)
		}
		if d := f[col["delivered-at"]]; d != "" && r.Float64() < share {
			t, err := time.Parse(time.RFC3339, d)
			if err != nil {
				return err
			}
			day := vtr.DateIn(t, la)
			f[col["delivered-at"]] = time.Date(day.Year, day.Month, day.Day, 20, 30, 0, 0, la).Format(time.RFC3339)
		}
		if f[col["ship-method"]] == "First-Class Mail Large Envelope" && f[col["tracking-number"]] == "" && r.IntN(2) == 0 {
			f[col["tracking-number"]] = uspsNumber(r)
		}
		if c := f[col["confirmed-at"]]; c != "" && r.Float64() < share {
			t, err := time.Parse(time.RFC3339, c)
			if err != nil {
				return err
			}
			g := append([]string(nil), f...)
			g[col["confirmed-at"]] = t.Add(72 * time.Hour).Format(time.RFC3339)
			again = append(again, strings.Join(g, "\t"))
		}
		prev = f
	}
	if err := sc.Err(); err != nil {
		return err
	}
	flush()
	for _, l := range again {
		w.WriteString(l + "\n")
	}
	return w.Flush()
}

// uspsNumber is a random 22-digit USPS number with a right check digit
// (mod 10, weights 3, 1 from the right).
func uspsNumber(r *rand.Rand) string {
	b := []byte("9400111899")
	for range 11 {
		b = append(b, '0'+byte(r.IntN(10)))
	}
	sum := 0
	for i := len(b) - 1; i >= 0; i-- {
		w := 3
		if (len(b)-1-i)%2 == 1 {
			w = 1
		}
		sum += int(b[i]-'0') * w
	}
	return string(append(b, '0'+byte((10-sum%10)%10)))
}
