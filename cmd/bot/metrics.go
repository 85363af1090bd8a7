package main

import (
	"context"
	"fmt"
)

// cmdMetrics is not written yet.
func cmdMetrics(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot metrics: not available in this build yet")
	return exitConfig
}
