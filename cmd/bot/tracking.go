package main

import (
	"context"
	"fmt"
)

// cmdTracking is not written yet.
func cmdTracking(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot tracking: not available in this build yet")
	return exitConfig
}
