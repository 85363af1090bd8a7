package slackapp

import (
	"net/http"

	"github.com/vtrbot/vtrbot/obs"
)

// metrics are the Slack edge's series, in the registry Config.Metrics
// (shared with the rest of the bot) or one of its own.
type metrics struct {
	reg               *obs.Registry
	requests          *obs.CounterVec // kind, mode
	apiCalls          *obs.CounterVec // method, result
	signatureFailures *obs.Counter
	refused           *obs.Counter
	duplicates        *obs.Counter
	deferred          *obs.Counter
	panics            *obs.Counter
	socketConnects    *obs.Counter
	commandSeconds    *obs.Histogram // Dispatch latency
	httpSeconds       *obs.Histogram // request to response, by route
}

// Label values, fixed so that no user input becomes a series.
const (
	kindCommand     = "command"
	kindInteraction = "interaction"
	kindEvent       = "event"
	modeHTTP        = "http"
	modeSocket      = "socket"
)

func newMetrics(reg *obs.Registry) *metrics {
	if reg == nil {
		reg = obs.NewRegistry()
	}
	m := &metrics{
		reg: reg,
		requests: reg.CounterVec("vtrbot_slack_requests_total",
			"Slack requests received (signature checked), by kind and transport.", "kind", "mode"),
		apiCalls: reg.CounterVec("vtrbot_slack_api_calls_total",
			"Calls to Slack (Web API and response_url) after in-call retries, by method and result.", "method", "result"),
		signatureFailures: reg.Counter("vtrbot_slack_signature_failures_total", "Requests refused with 401: bad or missing signature, or timestamp outside 5 minutes."),
		refused:           reg.Counter("vtrbot_slack_refused_total", "Commands, clicks and mentions refused by SLACK_ALLOWED_USERS/CHANNELS."),
		duplicates:        reg.Counter("vtrbot_slack_duplicates_total", "Requests Slack delivered again (retries, replays) that were not run twice."),
		deferred:          reg.Counter("vtrbot_slack_deferred_total", "Commands slower than the ack window, answered through response_url."),
		panics:            reg.Counter("vtrbot_slack_panics_total", "Panics recovered while handling a request or event."),
		socketConnects:    reg.Counter("vtrbot_slack_socket_connects_total", "Socket Mode connections established (a reconnect counts again)."),
		commandSeconds: reg.Histogram("vtrbot_slack_command_duration_seconds",
			"Time the command dispatcher took per command.", "", obs.LatencyBuckets()),
		httpSeconds: reg.Histogram("vtrbot_http_request_duration_seconds",
			"Time from request to response on the HTTP endpoints, by route (\"other\" for any path that is not one).", "route", obs.LatencyBuckets()),
	}
	for _, k := range []string{kindCommand, kindInteraction, kindEvent} {
		for _, mode := range []string{modeHTTP, modeSocket} {
			m.requests.Add(0, k, mode)
		}
	}
	for _, meth := range []string{"chat.postMessage", "chat.update", "chat.postEphemeral", "files.upload", "response_url"} {
		m.apiCalls.Add(0, meth, "ok")
		m.apiCalls.Add(0, meth, "error")
	}
	m.commandSeconds.Declare("")
	return m
}

func (a *App) serveMetrics(w http.ResponseWriter, r *http.Request) {
	obs.ServeMetrics(a.metrics.reg)(w, r)
}
