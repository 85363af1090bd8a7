package main

import (
	"context"
	"fmt"
)

// cmdExplain is not written yet.
func cmdExplain(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot explain: not available in this build yet")
	return exitConfig
}
