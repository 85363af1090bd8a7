package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/user"
	"strings"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/chart"
)

func cmdShell(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "shell", "[--db DATABASE]",
		"Type chat commands at a prompt, as in Slack: /vtr status, /vtr untracked 2019-10-15..2019-11-14,\n/vtr order 113-..., /vtr explain, /vtr help. Blocks are shown as plain text. Ctrl-D or \"exit\" ends.")
	applyDB := dbFlag(fs)
	if _, code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, code, ok := setup(env, applyDB)
	if !ok {
		return code
	}
	s, code, ok := openExisting(ctx, env, cfg)
	if !ok {
		return code
	}
	defer s.Close()
	cmds := newCommands(env, cfg, s, chart.History)
	return chat(ctx, env, cmds, env.Stdin, isTerminal(env.Stdout))
}

// chat runs the prompt loop of bot shell and bot demo.
func chat(ctx context.Context, env *Env, cmds *commands.Commands, in io.Reader, prompt bool) int {
	name := "shell"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for {
		if prompt {
			fmt.Fprint(env.Stdout, "\n/vtr> ")
		}
		if !sc.Scan() {
			if prompt {
				fmt.Fprintln(env.Stdout)
			}
			return exitOK
		}
		line := strings.TrimSpace(sc.Text())
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
