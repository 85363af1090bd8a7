package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/notice"
)

// cmdParse prints one JSON object per message of each .eml or mbox file
// (docs/interface.md "bot parse"). A message that cannot be read still
// yields an object, with kind other and an error field; only a file that
// cannot be read fails the command.
func cmdParse(ctx context.Context, env *Env, args []string) int {
	flags := flag.NewFlagSet("parse", flag.ContinueOnError)
	flags.SetOutput(env.Stderr)
	maxSize := flags.Int64("max-size", notice.DefaultMaxSize, "largest message read, in `bytes`; a larger one yields an error object")
	flags.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: bot parse [flags] FILE...   (FILE: .eml or mbox; - reads standard input)")
		fmt.Fprintln(env.Stderr, "Prints one JSON object per message, one per line.")
		fmt.Fprintln(env.Stderr, "A forwarded notice is believed only from TRUSTED_FORWARDERS or IMAP_USERNAME's domain (read from the")
		fmt.Fprintln(env.Stderr, "environment and .env), when the forwarding mail's own DKIM or DMARC passed; see docs/notices.md.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitConfig
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return exitConfig
	}
	if _, set := env.Getenv("GOGC"); !set {
		// A batch over many small messages with a small live heap: trading
		// a few MB for less collecting cut CPU time by ~40% (bench/parse).
		debug.SetGCPercent(400)
	}
	cfg, err := loadSettings(env, "IMAP_USERNAME", "TRUSTED_FORWARDERS")
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return exitConfig
	}
	opts := cfg.noticeOptions()
	opts.MaxSize = *maxSize
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	code := exitOK
	for _, name := range flags.Args() {
		if err := parseFile(ctx, env, opts, name, out); err != nil {
			fmt.Fprintf(env.Stderr, "%s: %s\n", name, err)
			code = exitFail
		}
		if ctx.Err() != nil {
			code = exitFail
			break
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(env.Stderr, "bot parse: write: %v\n", err)
		return exitFail
	}
	return code
}

// parseFile parses one file (or standard input for "-") onto out.
func parseFile(ctx context.Context, env *Env, opts notice.Options, name string, out *bufio.Writer) error {
	var r io.Reader = env.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return pathError(err)
		}
		defer f.Close()
		r = f
	}
	return parseStream(ctx, env, opts, r, out)
}

// pathError drops the "open FILE:" the caller already prints.
func pathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parseStream parses the messages of r on every core and writes them in
// file order. Few messages are in flight at once, so memory stays flat
// however large the mbox is.
func parseStream(ctx context.Context, env *Env, opts notice.Options, r io.Reader, out *bufio.Writer) error {
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		index int
		msg   notice.Message
		done  chan []byte
	}
	jobs := make(chan job, workers)
	order := make(chan chan []byte, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				j.done <- parseOne(env, opts, j.index, j.msg)
			}
		})
	}
	var readErr error
	go func() {
		defer close(jobs)
		defer close(order)
		i := 0
		for m, err := range opts.Messages(r) {
			if err != nil {
				readErr = pathError(err)
				return
			}
			if ctx.Err() != nil {
				readErr = ctx.Err()
				return
			}
			i++
			done := make(chan []byte, 1)
			order <- done
			jobs <- job{i, m, done}
		}
	}()
	var writeErr error
	for done := range order {
		line := <-done
		if writeErr == nil {
			out.Write(line)
			writeErr = out.WriteByte('\n')
		}
	}
	wg.Wait()
	if readErr != nil {
		return readErr
	}
	return writeErr
}

// parseOne parses one message into a JSON line. A panic in the reader is
// this message's problem only: it becomes an error object.
func parseOne(env *Env, opts notice.Options, index int, m notice.Message) (line []byte) {
	defer func() {
		if p := recover(); p != nil {
			buf := make([]byte, 8<<10)
			buf = buf[:runtime.Stack(buf, false)]
			fmt.Fprintf(env.Stderr, "bot parse: message %d: internal error: %v\n%s", index, p, buf)
			line, _ = json.Marshal(&vtr.Notice{Kind: vtr.KindOther, Error: "internal error while reading this message"})
		}
	}()
	n := opts.ParseMessage(m)
	line, err := n.MarshalJSON() // what json.Marshal(n) writes, without re-compacting it
	if err != nil {
		line, _ = json.Marshal(&vtr.Notice{Kind: vtr.KindOther, Error: "cannot encode this message: " + err.Error()})
	}
	return line
}
