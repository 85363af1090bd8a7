// Command prof imports a shipments file into a fresh SQLite database the
// way `bot import shipments` does, with an optional CPU profile of the
// import (bench/import/run.sh times the bot itself):
//
//	go run ./bench/import/prof -cpuprofile cpu.prof bench/out/import/shipments-1000000.tsv
//	go tool pprof -top cpu.prof
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

func main() {
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the import to this file")
	db := flag.String("db", "", "database (default: a fresh SQLite file in a temporary directory)")
	orders := flag.String("orders", "", "an All Orders file imported (and profiled) before the shipments")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: prof [-cpuprofile FILE] [-db DB] [-orders ORDERS.tsv] SHIPMENTS.tsv")
		os.Exit(2)
	}
	if err := run(*cpuprofile, *db, *orders, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "prof:", err)
		os.Exit(1)
	}
}

func run(cpuprofile, db, orders, name string) error {
	// As the bot does: a context that a signal cancels (the driver then
	// watches it during every statement).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if db == "" {
		dir, err := os.MkdirTemp("", "vtrbot-prof")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		db = filepath.Join(dir, "fresh.db")
	}
	s, err := store.Open(ctx, db, store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		return err
	}
	defer s.Close()
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	fr, err := flatfile.NewReader(name, f)
	if err != nil {
		return err
	}
	next, err := flatfile.Packages(fr)
	if err != nil {
		return err
	}
	if cpuprofile != "" {
		pf, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if orders != "" {
		of, err := os.Open(orders)
		if err != nil {
			return err
		}
		defer of.Close()
		or, err := flatfile.NewReader(orders, of)
		if err != nil {
			return err
		}
		nextOrder, err := flatfile.OrderRows(or, "US")
		if err != nil {
			return err
		}
		start := time.Now()
		sum, err := s.ImportOrderRows(ctx, nextOrder)
		if err != nil {
			return err
		}
		fmt.Printf("%d order rows, %d new orders in %.2fs\n", sum.Rows, sum.New, time.Since(start).Seconds())
	}
	start := time.Now()
	sum, err := s.ImportShipments(ctx, next)
	if err != nil {
		return err
	}
	fmt.Printf("%d rows, %d new packages in %.2fs\n", sum.Rows, sum.New, time.Since(start).Seconds())
	return nil
}
