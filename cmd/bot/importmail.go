package main

import (
	"context"
	"fmt"
)

// importMail feeds old mail through the watcher's pipeline (see pipeline.go).
func importMail(ctx context.Context, env *Env, applyDB func(*Config), files []string, post bool) int {
	fmt.Fprintln(env.Stderr, "bot import mail: not available in this build yet")
	return exitConfig
}
