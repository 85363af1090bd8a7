package main

import (
	"context"
	"fmt"
)

// cmdShell is not written yet.
func cmdShell(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot shell: not available in this build yet")
	return exitConfig
}
