package spapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Error is an error answer of the Selling Partner API: the first of
// Amazon's errors[] with the HTTP status and the request's id.
type Error struct {
	Op        string // operation: searchOrders, getReport, ...
	Status    int    // HTTP status
	Code      string // Amazon's code: InvalidInput, QuotaExceeded, Unauthorized, ...
	Message   string
	Details   string
	RequestID string // x-amzn-RequestId
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Op, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Details != "" && e.Details != e.Message {
		b.WriteString(" (" + e.Details + ")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request " + e.RequestID + "]")
	}
	return b.String()
}

// errorList is Amazon's error body: {"errors":[{"code","message","details"}]}.
type errorList struct {
	Errors []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details string `json:"details"`
	} `json:"errors"`
}

func apiError(op string, status int, requestID string, body []byte) *Error {
	e := &Error{Op: op, Status: status, RequestID: requestID}
	var l errorList
	if json.Unmarshal(body, &l) == nil && len(l.Errors) > 0 {
		e.Code, e.Message, e.Details = l.Errors[0].Code, l.Errors[0].Message, l.Errors[0].Details
	} else {
		e.Message = shorten(string(body), 200)
	}
	return e
}

// expiredToken reports whether an answer is the 403 Amazon gives for an
// expired access token (code Unauthorized, "The access token you provided
// has expired."), which one refresh and one retry answer.
func (e *Error) expiredToken() bool {
	return e.Status == 403 && strings.Contains(strings.ToLower(e.Message+" "+e.Details), "expired")
}

// AuthError is a refusal of Login with Amazon's token endpoint: an OAuth
// error such as invalid_grant (the refresh token was revoked, expired or
// mistyped) or invalid_client (client ID or secret wrong, or the secret
// was rotated).
type AuthError struct {
	Status      int
	Code        string // OAuth error: invalid_grant, invalid_client, unauthorized_client, ...
	Description string
}

func (e *AuthError) Error() string {
	s := fmt.Sprintf("login with amazon: HTTP %d", e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Rejected reports whether err says Amazon refused the app's credentials
// for good (invalid_grant, invalid_client, unauthorized_client): retrying
// cannot help, a person must re-authorise the app or fix the settings.
func Rejected(err error) bool {
	var ae *AuthError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Code {
	case "invalid_grant", "invalid_client", "unauthorized_client", "unsupported_grant_type":
		return true
	}
	return ae.Status == 400 || ae.Status == 401
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
