package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/vtr"
)

// serveInteraction handles POST /slack/interactions: a form whose field
// "payload" is the interaction JSON. It answers 200 at once (Slack wants it
// within 3 seconds) and does the work in the background.
func (a *App) serveInteraction(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	a.interaction(r.Context(), modeHTTP, cb)
	a.writeJSON(w, nil)
}

// click is where a button was clicked.
type click struct {
	cb        slack.InteractionCallback
	channel   string
	messageTS string
	threadTS  string // thread for Thread replies: the message's own thread, or the message
}

// interaction handles block_actions (button clicks); other interaction
// types are acknowledged and ignored. It returns at once; the work runs as
// a background job.
func (a *App) interaction(ctx context.Context, mode string, cb slack.InteractionCallback) {
	a.metrics.requests.Inc(kindInteraction, mode)
	log := a.log.With("mode", mode, "user", cb.User.ID)
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		log.Debug("interaction ignored", "type", string(cb.Type))
		return
	}
	key := cb.TriggerID
	if ts := cb.ActionCallback.BlockActions[0].ActionTs; key == "" && ts != "" {
		key = cb.User.ID + "/" + ts
	}
	if a.seen.seen(dedupeKey("trigger", key), a.now()) {
		a.metrics.duplicates.Inc()
		log.Info("duplicate interaction ignored", "trigger_id", cb.TriggerID)
		return
	}
	c := click{cb: cb, channel: cb.Container.ChannelID, messageTS: cb.Container.MessageTs, threadTS: cb.Container.ThreadTs}
	if c.channel == "" {
		c.channel = cb.Channel.ID
	}
	if c.messageTS == "" {
		c.messageTS = cb.Message.Timestamp
	}
	if c.threadTS == "" {
		c.threadTS = c.messageTS
	}
	log = log.With("channel", c.channel, "message_ts", c.messageTS)

	a.goJob(ctx, "interaction", func(ctx context.Context) {
		if !a.allowed(cb.User.ID, c.channel) {
			a.metrics.refused.Inc()
			log.Info("interaction refused: user or channel not allowed")
			a.tell(ctx, log, cb.ResponseURL, refusal)
			return
		}
		if a.cfg.Act == nil {
			a.tell(ctx, log, cb.ResponseURL, "Sorry, buttons are not available in this vtrbot.")
			return
		}
		for _, ba := range cb.ActionCallback.BlockActions {
			act := commands.Action{User: cb.User.ID, Channel: c.channel, MessageTS: c.messageTS,
				ActionID: actionID(ba.ActionID), Value: ba.Value}
			log := log.With("action_id", act.ActionID)
			res, err := a.act(ctx, act)
			if err != nil {
				log.Error("action", slog.Any("error", err))
				a.tell(ctx, log, cb.ResponseURL, userMessage(err))
				continue
			}
			a.apply(ctx, log, c, res)
		}
	})
}

// act calls Config.Act, turning a panic into an error.
func (a *App) act(ctx context.Context, act commands.Action) (res commands.ActionResult, err error) {
	defer func() {
		if v := recover(); v != nil {
			a.logPanic("act", v)
			err = errors.New("panic in action handler")
		}
	}()
	return a.cfg.Act(ctx, act)
}

// apply carries out an ActionResult: update the clicked message, answer the
// clicking user privately, post in the message's thread.
func (a *App) apply(ctx context.Context, log *slog.Logger, c click, res commands.ActionResult) {
	if res.Update != nil {
		if err := a.updateClicked(ctx, c, *res.Update); err != nil {
			log.Error("update clicked message", slog.Any("error", err))
			a.tell(ctx, log, c.cb.ResponseURL, apology)
		}
	}
	if res.Respond != nil {
		r := *res.Respond
		r.Ephemeral = true
		if err := a.respond(ctx, c.cb.ResponseURL, webhookMessage(r, false)); err != nil {
			log.Error("respond to click", slog.Any("error", err))
		}
	}
	if res.Thread != nil {
		if _, err := a.Post(ctx, c.channel, c.threadTS, *res.Thread); err != nil {
			log.Error("thread reply to click", slog.Any("error", err))
			a.tell(ctx, log, c.cb.ResponseURL, apology)
		}
	}
}

// updateClicked replaces the clicked message: chat.update for a normal
// message; response_url with replace_original for an ephemeral one, or
// when chat.update refuses (a message an app posted through a
// response_url is not always the bot's to edit).
func (a *App) updateClicked(ctx context.Context, c click, r commands.Reply) error {
	if !c.cb.Container.IsEphemeral && c.channel != "" && c.messageTS != "" {
		err := a.Update(ctx, c.channel, c.messageTS, r)
		if _, slackSaidNo := errorCode(err); !slackSaidNo || c.cb.ResponseURL == "" {
			return err
		}
	}
	if c.cb.ResponseURL == "" {
		return fmt.Errorf("update clicked message: no channel/ts and no response_url")
	}
	r.Ephemeral = c.cb.Container.IsEphemeral
	return a.respond(ctx, c.cb.ResponseURL, webhookMessage(r, true))
}

// tell shows text to the clicking user only, through response_url.
func (a *App) tell(ctx context.Context, log *slog.Logger, responseURL, text string) {
	if responseURL == "" {
		return
	}
	if err := a.respond(ctx, responseURL, webhookMessage(commands.Reply{Text: text, Ephemeral: true}, false)); err != nil {
		log.Error("respond to click", slog.Any("error", err))
	}
}

// userMessage maps an error to what the user sees (docs/architecture.md, "Errors and panics"): the message
// of a coded vtr.Error, an apology for anything internal.
func userMessage(err error) string {
	if vtr.ErrorCode(err) == vtr.EINTERNAL {
		return apology
	}
	return commands.Escape(vtr.ErrorMessage(err))
}
