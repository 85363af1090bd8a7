package main

import (
	"context"
	"fmt"
)

func vtrHistory(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot vtr history: not available in this build yet")
	return exitConfig
}

func vtrForecast(ctx context.Context, env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "bot vtr forecast: not available in this build yet")
	return exitConfig
}
