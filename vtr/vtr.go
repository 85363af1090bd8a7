// Package vtr is vtrbot's domain: orders, packages, windows, reason codes,
// exemptions, rates, notices and findings, as plain values and pure functions.
//
// It recomputes Amazon's Valid Tracking Rate (and its sibling metrics) from the
// seller's own records by the rules in docs/rules.md. It must stay pure: no
// I/O, no database, no network, no clock ("today" arrives as an argument), only
// the standard library and its own sub-packages. Parsers that turn bytes into
// these values live in sub-packages (notice, flatfile, tracking).
//
// Callers load; vtr decides. commands.Explain reads the store and hands the
// values to GroupPackages, ClaimSpan, MatchTracking and DescribeOrder
// (packages.go), then to Reconcile (explain.go), which writes the findings
// (FindingCode) and drafts the reply (DraftReply, reply.go);
// docs/architecture.md "Packages and the direction of their imports".
package vtr

import (
	"errors"
	"fmt"
)

// Error codes, as in benbjohnson/wtf: each edge (CLI, Slack, HTTP) maps them in
// one place. Anything without a code is internal.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
)

// Error is an error a user may see: Code says what kind, Message says what, in
// one line, without Go type names or a wrapped chain.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// short apology for an internal error (whose detail belongs in the log).
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
