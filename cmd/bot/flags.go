package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/vtrbot/vtrbot/commands/suggest"
)

// helpFlag is the -h/--help of every subcommand's FlagSet. The standard
// flag package would print its usage to the FlagSet's output (stderr) and
// write flags as -db; bot asks for help on stdout and shows flags as they
// are typed (--db). Defining "help" and "h" ourselves keeps the flag
// package from doing its own thing, and lets parseFlags find it through
// fs.Lookup: whether the help was shown, and the command a flag error names.
type helpFlag struct {
	shown  bool
	cmd    string // "vtr status"
	stdout io.Writer
	usage  func(io.Writer)
}

func (h *helpFlag) String() string   { return "" }
func (h *helpFlag) IsBoolFlag() bool { return true }

// Set prints the help on stdout once, however often -h is given.
func (h *helpFlag) Set(string) error {
	if !h.shown {
		h.usage(h.stdout)
	}
	h.shown = true
	return nil
}

// printDefaults writes fs's flags as bot's help shows them: --name TYPE,
// then the text indented, and the default when it is not the zero value.
func printDefaults(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "h" || f.Name == "help" {
			return
		}
		typ, text := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if typ != "" {
			line += " " + typ
		}
		fmt.Fprintln(w, line)
		text = strings.ReplaceAll(text, "\n", "\n    \t")
		fmt.Fprintf(w, "    \t%s", text)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// flagError turns an error of the flag package into bot's one line:
// "bot vtr status: unknown flag --fro (did you mean --from?); see bot vtr
// status --help".
func flagError(fs *flag.FlagSet, cmd string, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		name = strings.TrimLeft(name, "-")
		msg = "unknown flag --" + name
		var names []string
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name != "h" && f.Name != "help" {
				names = append(names, f.Name)
			}
		})
		if s := suggest.Closest(name, names); s != "" {
			msg += " (did you mean --" + s + "?)"
		}
	} else {
		// "invalid value "x" for flag -days: parse error", "flag needs an
		// argument: -from": the flag as it is typed.
		msg = strings.NewReplacer(" -", " --", ": parse error", ": not a number").Replace(msg)
	}
	return fmt.Sprintf("bot %s: %s; see bot %s --help", cmd, msg, cmd)
}

// unknownSubcommand prints the one line for a subcommand bot does not know,
// with the nearest one, and returns exitConfig.
func unknownSubcommand(env *Env, cmd, word string, known []string) int {
	msg := fmt.Sprintf("bot %s: unknown subcommand %q", cmd, word)
	if s := suggest.Closest(word, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	fmt.Fprintf(env.Stderr, "%s; see bot %s --help\n", msg, cmd)
	return exitConfig
}

// helpOut is where a command group (bot vtr, bot tracking) prints its usage:
// stdout when it was asked for (--help), stderr when args are missing.
func helpOut(env *Env, args []string) io.Writer {
	if len(args) == 0 {
		return env.Stderr
	}
	return env.Stdout
}

// newFlags returns a FlagSet for a subcommand whose usage names it and
// explains its arguments. -h and --help print the usage on stdout (exit 0);
// fs.Usage() prints it on stderr, for a usage error (exit 2). Flags are
// shown as they are typed, --db.
func newFlags(env *Env, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// parseFlags prints the flag package's errors itself, as one line.
	fs.SetOutput(io.Discard)
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: bot %s %s\n\n%s\n", name, args, about)
		var any bool
		fs.VisitAll(func(f *flag.Flag) { any = any || (f.Name != "h" && f.Name != "help") })
		if any {
			fmt.Fprintln(w, "\nFlags:")
			printDefaults(w, fs)
		}
	}
	fs.Usage = func() { usage(env.Stderr) }
	h := &helpFlag{cmd: name, stdout: env.Stdout, usage: usage}
	fs.Var(h, "help", "show this help")
	fs.Var(h, "h", "show this help")
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// (bot vtr status --json works as well as bot tracking check usps N --json).
// When parsing ends the command its error is an exitError: exit 0 after
// --help, 2 after a flag error, which is one line naming the flag (and the
// nearest one when it is unknown), not the whole usage.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	h, _ := fs.Lookup("help").Value.(*helpFlag)
	// The flag package calls Usage on every error; bot prints one line.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	var pos []string
	for {
		err := fs.Parse(args)
		if h != nil && h.shown {
			return nil, &exitError{code: exitOK}
		}
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &exitError{code: exitOK}
			}
			if h != nil {
				return nil, &exitError{code: exitConfig, msg: flagError(fs, h.cmd, err)}
			}
			return nil, &exitError{code: exitConfig}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
