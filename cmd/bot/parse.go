package main

import (
	"context"
	"fmt"
)

// cmdParse is not written yet.
func cmdParse(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot parse: not available in this build yet")
	return exitConfig
}
