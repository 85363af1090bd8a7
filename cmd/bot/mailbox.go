package main

import (
	"context"
	"fmt"
)

// cmdMailbox is not written yet.
func cmdMailbox(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot mailbox: not available in this build yet")
	return exitConfig
}
