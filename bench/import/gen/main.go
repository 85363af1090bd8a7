// Command gen writes a generated seller's flat files for the import and VTR
// benchmarks (bench/import/run.sh, bench/vtr/run.sh): a shipments file of
// about -orders rows (one confirmation per order; more with -messy) and,
// with -orders-out, the All Orders report the packages belong to, split
// into files of at most -per-file orders so that each `bot import orders`
// transaction stays small. The same flags always write the same bytes.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/sample"
)

func main() {
	orders := flag.Int("orders", 1_000_000, "number of orders (the non-messy seller confirms each with one package)")
	days := flag.Int("days", 730, "purchases spread over this many days")
	end := flag.String("end", "2025-06-30", "last purchase date")
	seed := flag.Uint64("seed", 1, "random seed")
	messy := flag.Bool("messy", false, "add split shipments, FBA, cancellations, typos, ...")
	shipOut := flag.String("shipments", "shipments.tsv", "shipments file to write")
	ordersOut := flag.String("orders-out", "", "directory for the orders files (none when empty)")
	perFile := flag.Int("per-file", 100_000, "orders per orders file")
	flag.Parse()
	if err := run(*orders, *days, *end, *seed, *messy, *shipOut, *ordersOut, *perFile); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(n, days int, end string, seed uint64, messy bool, shipOut, ordersOut string, perFile int) error {
	endDate, err := vtr.ParseDate(end)
	if err != nil {
		return err
	}
	sf, err := os.Create(shipOut)
	if err != nil {
		return err
	}
	defer sf.Close()
	var ow io.Writer = io.Discard
	var split *splitter
	if ordersOut != "" {
		if err := os.MkdirAll(ordersOut, 0o755); err != nil {
			return err
		}
		split = &splitter{dir: ordersOut, per: perFile}
		ow = split
	}
	var cats bytes.Buffer
	err = sample.Generate(sample.Options{Seed: seed, Orders: n, End: endDate, Days: days, Messy: messy},
		sample.Files{Orders: ow, Shipments: sf, Categories: &cats})
	if err != nil {
		return err
	}
	if split != nil {
		if err := split.close(); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(ordersOut, "categories.tsv"), cats.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return sf.Close()
}

// splitter writes the All Orders report into files of at most per orders
// each, every file with the header, never splitting an order's rows (they
// are consecutive in the generated report).
type splitter struct {
	dir     string
	per     int
	header  []byte
	partial []byte // an unfinished line
	w       *bufio.Writer
	f       *os.File
	files   int
	orders  int
	last    []byte // order id of the last row written
}

func (s *splitter) Write(p []byte) (int, error) {
	n := len(p)
	buf := append(s.partial, p...)
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		if err := s.line(buf[:i+1]); err != nil {
			return 0, err
		}
		buf = buf[i+1:]
	}
	s.partial = append([]byte(nil), buf...)
	return n, nil
}

func (s *splitter) line(l []byte) error {
	if s.header == nil {
		s.header = append([]byte(nil), l...)
		return nil
	}
	id, _, _ := bytes.Cut(l, []byte("\t"))
	if !bytes.Equal(id, s.last) {
		s.last = append(s.last[:0], id...)
		if s.w == nil || s.orders == s.per {
			if err := s.next(); err != nil {
				return err
			}
		}
		s.orders++
	}
	_, err := s.w.Write(l)
	return err
}

func (s *splitter) next() error {
	if err := s.close(); err != nil {
		return err
	}
	s.files++
	f, err := os.Create(filepath.Join(s.dir, fmt.Sprintf("orders-%03d.tsv", s.files)))
	if err != nil {
		return err
	}
	s.f, s.w, s.orders = f, bufio.NewWriterSize(f, 1<<16), 0
	_, err = s.w.Write(s.header)
	return err
}

func (s *splitter) close() error {
	if s.w == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	err := s.f.Close()
	s.w, s.f = nil, nil
	return err
}
