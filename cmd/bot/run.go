package main

import (
	"context"
	"fmt"
)

// cmdRun is not written yet.
func cmdRun(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot run: not available in this build yet")
	return exitConfig
}
