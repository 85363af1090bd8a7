// Package spapi is vtrbot's client for Amazon's Selling Partner API: Login
// with Amazon, the Orders API v2026-01-01 (searchOrders, getOrder) and the
// Reports API v2021-06-30, over plain HTTP and JSON. It also maps an API
// order to the same vtr values the flat files give (mapping.go), so both
// paths reach the same verdicts (docs/amazon.md).
//
// It is hand-written on purpose: Amazon publishes Swagger 2.0 models and no
// maintained Go client, generated clients for them are large and follow the
// models' churn, and vtrbot reads a handful of fields of six operations.
// Only those fields are typed; unknown ones are ignored.
//
// The client meters itself as Amazon meters it (limiter.go): a token bucket
// per operation seeded from the model's default rate and burst and moved to
// whatever x-amzn-RateLimit-Limit says; 429 and 5xx are retried with backoff
// and jitter, other 4xx are not; an expired access token is refreshed once
// and the call retried once. Errors carry Amazon's code, message and
// x-amzn-RequestId. Secrets (refresh token, client secret, access tokens)
// never appear in an error or a log line.
//
// It knows nothing of the store, Slack or vtrbot's commands: the sync use
// case (commands.Syncer) drives it. spapifake is its stand-in for tests.
package spapi
