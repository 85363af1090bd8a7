package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// ReadyPart is the App's part in Config.Ready: set while Socket Mode is
// connected.
const ReadyPart = "slack"

// RunSocketMode connects to Slack over Socket Mode (apps.connections.open,
// then a websocket; no public URL needed) and serves slash commands, button
// clicks and app mentions there, as the HTTP endpoints do. slack-go
// reconnects by itself; RunSocketMode returns nil when ctx ends (after
// waiting up to 10 seconds for background work), or an error when the
// connection cannot be (re)opened for good, e.g. an invalid app token.
func (a *App) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slackapp: no AppToken for Socket Mode")
	}
	log := a.log.With("mode", modeSocket)
	client := socketmode.New(a.api,
		socketmode.OptionLog(slogOutput{log}),
		// slack-go's debug lines include payloads: only when we log debug.
		socketmode.OptionDebug(log.Enabled(ctx, slog.LevelDebug)),
	)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer a.cfg.Ready.Set(ReadyPart, false)
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(runCtx) }()

	for {
		select {
		case <-ctx.Done():
			cancel()
			<-runErr
			a.drain(ctx)
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				a.drain(ctx)
				return nil
			}
			return fmt.Errorf("socket mode: %w", err)
		case evt := <-client.Events:
			a.socketEvent(ctx, log, client, evt)
		}
	}
}

// drain waits a bounded time for background work at shutdown.
func (a *App) drain(ctx context.Context) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := a.jobs.wait(sctx); err != nil {
		a.log.Warn("background work still running at shutdown", slog.Any("error", err))
	}
}

// socketEvent handles one event from the socketmode client. It must not
// block: requests are acknowledged and handled in background jobs.
func (a *App) socketEvent(ctx context.Context, log *slog.Logger, client *socketmode.Client, evt socketmode.Event) {
	defer a.recoverPanic("socket event")
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		log.Debug("socket mode connecting")
	case socketmode.EventTypeConnected:
		log.Info("socket mode connected")
		a.metrics.socketConnects.Inc()
		a.cfg.Ready.Set(ReadyPart, true)
	case socketmode.EventTypeConnectionError:
		a.cfg.Ready.Set(ReadyPart, false)
		var err error
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			err = ce.ErrorObj
		}
		log.Warn("socket mode connection failed, retrying", slog.Any("error", err))
	case socketmode.EventTypeInvalidAuth:
		log.Error("socket mode: app token refused")
		a.cfg.Ready.Set(ReadyPart, false)
	case socketmode.EventTypeDisconnect:
		log.Info("socket mode: Slack asked to reconnect")
		a.cfg.Ready.Set(ReadyPart, false)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		envelope := evt.Request.EnvelopeID
		// command waits up to ackWait for Dispatch: run it beside the loop.
		a.goJob(ctx, "socket command", func(ctx context.Context) {
			a.command(ctx, modeSocket, cmd, func(msg *slack.WebhookMessage) error {
				if msg == nil {
					return client.AckCtx(ctx, envelope, nil)
				}
				if err := client.AckCtx(ctx, envelope, msg); err != nil {
					// Over Socket Mode's 20 KB limit: ack empty, answer via response_url.
					_ = client.AckCtx(ctx, envelope, nil)
					return err
				}
				return nil
			})
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		a.ackEnvelope(ctx, log, client, evt.Request)
		a.interaction(ctx, modeSocket, cb)
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || evt.Request == nil {
			return
		}
		a.ackEnvelope(ctx, log, client, evt.Request)
		a.metrics.requests.Inc(kindEvent, modeSocket)
		a.event(ctx, modeSocket, ev, strconv.Itoa(evt.Request.RetryAttempt))
	default:
		log.Debug("socket mode event ignored", "type", string(evt.Type))
	}
}

// ackEnvelope acknowledges an envelope with an empty payload, which Slack
// needs within 3 seconds or it delivers the envelope again.
func (a *App) ackEnvelope(ctx context.Context, log *slog.Logger, client *socketmode.Client, req *socketmode.Request) {
	if err := client.AckCtx(ctx, req.EnvelopeID, nil); err != nil {
		log.Warn("socket mode ack", "envelope_id", req.EnvelopeID, slog.Any("error", err))
	}
}
