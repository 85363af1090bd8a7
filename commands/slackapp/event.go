package slackapp

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"github.com/slack-go/slack/slackevents"

	"github.com/vtrbot/vtrbot/commands"
)

// serveEvent handles POST /slack/events (Events API, JSON). It answers the
// url_verification challenge, and acknowledges every other event with 200
// at once: Slack retries an event it did not get a 200 for within 3
// seconds, so the work runs in the background and retries are deduplicated
// by event_id.
func (a *App) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	// The signature is already verified; the legacy verification token
	// inside the payload is deprecated and not checked.
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if ev.Type == slackevents.URLVerification {
		if uv, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			a.writeJSON(w, map[string]string{"challenge": uv.Challenge})
			return
		}
	}
	a.metrics.requests.Inc(kindEvent, modeHTTP)
	if err != nil {
		// An event type slack-go does not know, or a payload it cannot
		// read: still 200, or Slack would send it again.
		a.log.Debug("event not handled", "type", ev.Type, slog.Any("error", err))
		a.writeJSON(w, nil)
		return
	}
	a.event(r.Context(), modeHTTP, ev, r.Header.Get("X-Slack-Retry-Num"))
	a.writeJSON(w, nil)
}

// event handles one Events API event; it returns at once.
func (a *App) event(ctx context.Context, mode string, ev slackevents.EventsAPIEvent, retry string) {
	var eventID string
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		eventID = cb.EventID
	}
	log := a.log.With("mode", mode, "event_id", eventID)
	if a.seen.seen(dedupeKey("event", eventID), a.now()) {
		a.metrics.duplicates.Inc()
		log.Info("duplicate event ignored", "retry_num", retry)
		return
	}
	switch inner := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		a.goJob(ctx, "app_mention", func(ctx context.Context) { a.mention(ctx, log, inner) })
	default:
		log.Debug("event ignored", "type", ev.InnerEvent.Type)
	}
}

// mention runs "@vtrbot status" like "/vtr status", answering in the thread
// of the mention (so the triage channel stays one message per notice).
func (a *App) mention(ctx context.Context, log *slog.Logger, m *slackevents.AppMentionEvent) {
	if m.BotID != "" {
		return // never answer a bot, ourselves included: no loops
	}
	log = log.With("user", m.User, "channel", m.Channel)
	thread := m.ThreadTimeStamp
	if thread == "" {
		thread = m.TimeStamp
	}
	if !a.allowed(m.User, m.Channel) {
		a.metrics.refused.Inc()
		log.Info("mention refused: user or channel not allowed")
		if err := a.postEphemeral(ctx, m.Channel, m.User, thread, commands.Reply{Text: refusal}); err != nil {
			log.Error("refuse mention", slog.Any("error", err))
		}
		return
	}
	reply := a.dispatch(ctx, commands.Request{User: m.User, Channel: m.Channel, Text: unescape(stripMention(m.Text))})
	var err error
	if reply.Ephemeral {
		err = a.postEphemeral(ctx, m.Channel, m.User, thread, reply)
	} else {
		_, err = a.Post(ctx, m.Channel, thread, reply)
	}
	if err != nil {
		log.Error("answer mention", slog.Any("error", err))
		return
	}
	if err := a.shareFiles(ctx, m.Channel, thread, reply.Files); err != nil {
		log.Error("mention files", slog.Any("error", err))
		_ = a.postEphemeral(ctx, m.Channel, m.User, thread, commands.Reply{Text: fileFailure(err)})
	}
}

// userMention matches Slack's encoding of a user mention, <@U123> or
// <@U123|name>.
var userMention = regexp.MustCompile(`<@[A-Z0-9]+(\|[^>]*)?>`)

// stripMention removes the first mention (the bot's: an app_mention's text
// is "<@UBOT> status 30d") and surrounding space.
func stripMention(text string) string {
	if loc := userMention.FindStringIndex(text); loc != nil {
		text = text[:loc[0]] + " " + text[loc[1]:]
	}
	return strings.TrimSpace(text)
}
