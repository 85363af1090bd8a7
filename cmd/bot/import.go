package main

import (
	"context"
	"fmt"
)

// cmdImport is not written yet.
func cmdImport(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot import: not available in this build yet")
	return exitConfig
}
