package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
	"golang.org/x/term"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/chart"
)

func cmdShell(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "shell", "[--db DATABASE]",
		"Type chat commands at a prompt, as in Slack: /vtr status, /vtr untracked 2019-10-15..2019-11-14,\n/vtr order 113-..., /vtr explain, /vtr help. Blocks are shown as plain text. Ctrl-D or \"exit\" ends.")
	applyDB := dbFlag(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return exitCode(env, err)
	}
	cfg, s, err := setupStore(ctx, env, applyDB, openExisting)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	cmds := newCommands(env, cfg, s, chart.History)
	return chat(ctx, env, cmds, env.Stdin, isTerminal(env.Stdout))
}

// chat runs the prompt loop of bot shell and bot demo. On a terminal the
// prompt has line editing and a history kept between sessions
// (historyFile); piped input (scripts, bot demo --script) is read line by
// line as it comes, with no prompt.
func chat(ctx context.Context, env *Env, cmds *commands.Commands, in io.Reader, prompt bool) int {
	name := "shell"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	next, closeInput := lineReader(env, in, prompt)
	defer closeInput()
	for {
		line, ok := next()
		if !ok {
			return exitOK
		}
		line = strings.TrimSpace(line)
		switch strings.ToLower(line) {
		case "":
			continue
		case "exit", "quit", "/exit", "/quit":
			return exitOK
		}
		if ctx.Err() != nil {
			return exitOK
		}
		text := strings.TrimSpace(strings.TrimPrefix(line, "/vtr"))
		if !prompt {
			fmt.Fprintf(env.Stdout, "\n/vtr %s\n", text)
		}
		r := cmds.Dispatch(ctx, commands.Request{User: name, Text: text})
		fmt.Fprint(env.Stdout, commands.Render(r))
		for _, f := range r.Files {
			fmt.Fprintf(env.Stdout, "  (in Slack this reply carries the chart %s, %d bytes)\n", f.Name, len(f.Data))
		}
	}
}

// lineReader returns the input's lines one at a time (false at the end):
// through a line editor when in and stdout are a terminal, else as plain
// lines, with "/vtr> " before each when prompt is set.
func lineReader(env *Env, in io.Reader, prompt bool) (next func() (string, bool), closeInput func()) {
	if f, ok := in.(*os.File); ok && prompt && term.IsTerminal(int(f.Fd())) && isTerminal(env.Stdout) {
		rl, err := readline.NewEx(&readline.Config{
			Prompt:          "/vtr> ",
			HistoryFile:     historyFile(),
			HistoryLimit:    1000,
			AutoComplete:    completer(),
			InterruptPrompt: "^C",
			EOFPrompt:       "exit",
			Stdin:           f,
			Stdout:          env.Stdout,
			Stderr:          env.Stderr,
		})
		if err == nil {
			return func() (string, bool) {
				for {
					fmt.Fprintln(env.Stdout)
					line, err := rl.Readline()
					if errors.Is(err, readline.ErrInterrupt) {
						continue // Ctrl-C drops the line, as in a shell; Ctrl-D ends
					}
					return line, err == nil
				}
			}, func() { rl.Close() }
		}
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	return func() (string, bool) {
		if prompt {
			fmt.Fprint(env.Stdout, "\n/vtr> ")
		}
		if !sc.Scan() {
			if prompt {
				fmt.Fprintln(env.Stdout)
			}
			return "", false
		}
		return sc.Text(), true
	}, func() {}
}

// historyFile is where bot shell keeps its history: vtrbot/shell_history
// in the user's cache directory ($XDG_CACHE_HOME or ~/.cache on Linux,
// ~/Library/Caches on macOS, %LocalAppData% on Windows), private to the
// user (0700 directory); "" (no history) when there is none.
func historyFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	dir = filepath.Join(dir, "vtrbot")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	return filepath.Join(dir, "shell_history")
}

// completer completes /vtr subcommands with Tab.
func completer() *readline.PrefixCompleter {
	var items []readline.PrefixCompleterInterface
	for _, c := range []string{"status", "untracked", "order", "notices", "explain", "history", "metrics", "forecast", "help", "exit"} {
		items = append(items, readline.PcItem(c), readline.PcItem("/vtr "+c))
	}
	return readline.NewPrefixCompleter(items...)
}
