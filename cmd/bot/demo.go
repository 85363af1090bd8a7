package main

import (
	"context"
	"fmt"
)

// cmdDemo is not written yet.
func cmdDemo(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot demo: not available in this build yet")
	return exitConfig
}
