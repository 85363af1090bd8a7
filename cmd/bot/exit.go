package main

import (
	"fmt"
	"strings"

	"github.com/vtrbot/vtrbot/vtr"
)

// Exit codes.
const (
	exitOK     = 0
	exitFail   = 1 // failure or bad input
	exitConfig = 2 // usage or configuration
	exitBelow  = 3 // --fail-below: a rate is below its target
)

// fail prints err as one line for the user and returns exitFail.
func fail(env *Env, err error) int {
	if vtr.ErrorCode(err) == vtr.EINTERNAL {
		fmt.Fprintln(env.Stderr, "error:", oneLine(err))
	} else {
		fmt.Fprintln(env.Stderr, vtr.ErrorMessage(err))
	}
	return exitFail
}

// badUsage prints a flag value the command cannot take (a date that is
// not one, a window too long) as one line and returns exitConfig: it is a
// usage error, like an unknown flag.
func badUsage(env *Env, err error) int {
	fmt.Fprintln(env.Stderr, vtr.ErrorMessage(err))
	return exitConfig
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
