package main

import (
	"context"
	"fmt"
)

// cmdVTR is not written yet.
func cmdVTR(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot vtr: not available in this build yet")
	return exitConfig
}
