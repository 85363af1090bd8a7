package main

import (
	"errors"
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

// exitError ends a command: msg is its one line for stderr ("" when
// nothing is wrong, as after --help) and code its exit status. setup,
// openStore and parseFlags return one, so a command's every early end reads
// `if err != nil { return exitCode(env, err) }`.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// exitf is an exitError with a formatted line.
func exitf(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// exitCode prints err for the user and returns the command's exit status:
// an exitError's line and code, else as fail.
func exitCode(env *Env, err error) int {
	var e *exitError
	if !errors.As(err, &e) {
		return fail(env, err)
	}
	if e.msg != "" {
		fmt.Fprintln(env.Stderr, e.msg)
	}
	return e.code
}

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
	return exitCode(env, usageError(err))
}

// usageError is badUsage's line and exit status as an exitError.
func usageError(err error) error {
	return &exitError{code: exitConfig, msg: vtr.ErrorMessage(err)}
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
