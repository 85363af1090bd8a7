package slackapp

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/vtrbot/vtrbot/commands"
)

// ackFunc answers a slash command once. A nil message is an empty
// acknowledgement. An error means the answer did not go out (a Socket Mode
// ack over 20 KB): the reply then goes to response_url.
type ackFunc func(msg *slack.WebhookMessage) error

const workingText = "Working on it…"

// serveCommand handles POST /slack/commands (form-encoded, signature checked).
func (a *App) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body)) // SlashCommandParse calls ParseForm
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	a.command(r.Context(), modeHTTP, cmd, func(msg *slack.WebhookMessage) error {
		if msg == nil {
			a.writeJSON(w, nil)
		} else {
			a.writeJSON(w, msg)
		}
		return nil
	})
}

// command runs one slash command, over HTTP or Socket Mode. Slack shows an
// error if the command is not answered within 3 seconds, so Dispatch gets
// ackWait: if it finishes in time, its reply is the answer; otherwise the
// answer is "Working on it…" and the reply goes to response_url when ready.
func (a *App) command(ctx context.Context, mode string, cmd slack.SlashCommand, ack ackFunc) {
	a.metrics.requests.Inc(kindCommand, mode)
	log := a.log.With("mode", mode, "user", cmd.UserID, "channel", cmd.ChannelID)
	// trigger_id is unique per invocation: a second delivery is a retry or a replay.
	if a.seen.seen(dedupeKey("trigger", cmd.TriggerID), a.now()) {
		a.metrics.duplicates.Inc()
		log.Info("duplicate command ignored", "trigger_id", cmd.TriggerID)
		_ = ack(nil)
		return
	}
	if !a.allowed(cmd.UserID, cmd.ChannelID) {
		a.metrics.refused.Inc()
		log.Info("command refused: user or channel not allowed")
		_ = ack(webhookMessage(commands.Reply{Text: refusal, Ephemeral: true}, false))
		return
	}
	req := commands.Request{User: cmd.UserID, Channel: cmd.ChannelID, Text: unescape(cmd.Text)}
	log.Debug("command", "text_len", len(req.Text))

	done := make(chan commands.Reply, 1)
	then := make(chan delivery, 1) // what the waiting side did with the reply
	a.goJob(ctx, "command", func(ctx context.Context) {
		reply := a.forChannel(cmd.ChannelID, a.dispatch(ctx, req))
		done <- reply
		if d := <-then; d != answered {
			// An ephemeral reply replaces "Working on it…"; a public one
			// cannot (Slack does not turn an ephemeral message public).
			replace := d == working && reply.Ephemeral
			if err := a.respond(ctx, cmd.ResponseURL, webhookMessage(reply, replace)); err != nil {
				log.Error("deferred command reply", slog.Any("error", err))
				return
			}
		}
		if err := a.shareFiles(ctx, cmd.ChannelID, "", reply.Files); err != nil {
			log.Error("command files", slog.Any("error", err))
			_ = a.respond(ctx, cmd.ResponseURL, webhookMessage(commands.Reply{Text: fileFailure(err), Ephemeral: true}, false))
		}
	})

	timer := time.NewTimer(a.ackWait)
	defer timer.Stop()
	select {
	case reply := <-done:
		if err := ack(webhookMessage(reply, false)); err != nil {
			log.Warn("inline answer failed, using response_url", slog.Any("error", err))
			then <- unanswered
			return
		}
		then <- answered
	case <-timer.C:
		a.metrics.deferred.Inc()
		_ = ack(webhookMessage(commands.Reply{Text: workingText, Ephemeral: true}, false))
		then <- working
	}
}

// delivery is how a command's reply left, or did not.
type delivery int

const (
	answered   delivery = iota // in the answer to Slack's request
	working                    // the answer was "Working on it…"
	unanswered                 // the answer was empty
)

// dispatch calls Config.Dispatch, timing it and turning a panic into an
// apology.
func (a *App) dispatch(ctx context.Context, req commands.Request) (reply commands.Reply) {
	start := time.Now()
	defer func() {
		a.metrics.commandSeconds.Since("", start)
		if v := recover(); v != nil {
			a.logPanic("dispatch", v)
			reply = commands.Reply{Text: apology, Ephemeral: true}
		}
	}()
	return a.cfg.Dispatch(ctx, req)
}

// forChannel keeps the triage channel at one top-level message per notice
// (issue 8): a command run there is answered privately, and its files are
// not shared there.
func (a *App) forChannel(channel string, r commands.Reply) commands.Reply {
	triage := a.cfg.Channel != "" && channel == a.cfg.Channel
	if a.cfg.TriageChannel != nil {
		triage = a.cfg.TriageChannel(channel)
	}
	if !triage {
		return r
	}
	r.Ephemeral = true
	if len(r.Files) > 0 {
		r.Files = nil
		r.Blocks = append(r.Blocks, commands.Block{Kind: commands.BlockContext,
			Text: "_Files are not posted in the triage channel, which holds one message per notice. Run the command in another channel to get them._"})
	}
	return r
}

// shareFiles uploads files into channel (and thread, when set).
func (a *App) shareFiles(ctx context.Context, channel, threadTS string, files []commands.File) error {
	for _, f := range files {
		if err := a.Upload(ctx, channel, threadTS, f); err != nil {
			return err
		}
	}
	return nil
}

// fileFailure tells the user why a file did not arrive. Slack's error codes
// (not_in_channel, ...) are safe to show; anything else is an apology.
func fileFailure(err error) string {
	if se, ok := errorCode(err); ok {
		return "Sorry, the file could not be posted here (Slack said `" + commands.Escape(se) +
			"`). Is vtrbot a member of this channel? Use `/invite @vtrbot`."
	}
	return apology
}

// unescape undoes Slack's escaping of &, < and > in command text
// (docs.slack.dev "Formatting text": Slack escapes them in what it sends),
// so the dispatcher sees what the user typed. Anything it echoes back must
// be escaped again, like any other user text.
func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}
