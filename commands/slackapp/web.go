package slackapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/vtrbot/vtrbot/commands"
)

// In-call retries are for blips only. A longer wait is the caller's: the
// outbox keeps the post and retries later, using RetryAfter.
const (
	maxRetries          = 2
	maxInCallRetryAfter = 5 * time.Second
)

// retryConfig turns on slack-go's retries, which are off by default:
// connection errors, 429 honouring Retry-After (but not
// for longer than maxInCallRetryAfter) and 5xx (opt-in in slack-go).
func retryConfig() slack.RetryConfig {
	cfg := slack.DefaultRetryConfig()
	cfg.MaxRetries = maxRetries
	cfg.RetryAfterDuration = 2 * time.Second // a 429 without Retry-After
	cfg.RetryAfterJitter = 250 * time.Millisecond
	cfg.BackoffInitial = 200 * time.Millisecond
	cfg.BackoffMax = 2 * time.Second
	cfg.BackoffJitter = 100 * time.Millisecond
	cfg.Handlers = []slack.RetryHandler{
		notAPost{slack.NewConnectionErrorRetryHandler()},
		cappedRetry{slack.NewRateLimitErrorRetryHandler(cfg)},
		notAPost{slack.NewServerErrorRetryHandler(cfg)},
	}
	return cfg
}

// notAPost keeps a retry handler off chat.postMessage. A 5xx or a broken
// connection does not say whether Slack took the message, and posting again
// blindly would post it twice; the outbox looks for it first (its key is in
// the message metadata: App.Find) and retries itself. A 429 is safe to
// repeat: Slack did not take the call.
type notAPost struct{ slack.RetryHandler }

func (n notAPost) ShouldRetry(state *slack.RetryState, req *http.Request, resp *http.Response, err error) (bool, time.Duration) {
	if req != nil && strings.HasSuffix(req.URL.Path, "/chat.postMessage") {
		return false, 0
	}
	return n.RetryHandler.ShouldRetry(state, req, resp, err)
}

// cappedRetry gives up on a 429 whose wait is longer than
// maxInCallRetryAfter, so the call returns *slack.RateLimitedError at once.
type cappedRetry struct{ slack.RetryHandler }

func (c cappedRetry) ShouldRetry(state *slack.RetryState, req *http.Request, resp *http.Response, err error) (bool, time.Duration) {
	retry, wait := c.RetryHandler.ShouldRetry(state, req, resp, err)
	if retry && wait > maxInCallRetryAfter+time.Second { // +1 s: slack-go's jitter and 1 s floor
		return false, 0
	}
	return retry, wait
}

// Post posts r as a new message to channel ("" means Config.Channel), in the
// thread of threadTS when it is set, and returns the message's ts. Slack's
// 429s and 5xx are retried a little within the call; when it still fails,
// RetryAfter says whether and when to try again. r.Ephemeral does not apply
// (a post has no single reader) and r.Files are not sent: use Upload, so that
// a failed upload never makes the caller post the message twice.
func (a *App) Post(ctx context.Context, channel, threadTS string, r commands.Reply) (ts string, err error) {
	if channel == "" {
		channel = a.cfg.Channel
	}
	if channel == "" {
		return "", errors.New("chat.postMessage: no channel")
	}
	m := toMessage(r)
	opts := append(m.options(), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl())
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	if r.Key != "" {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: postKeyEvent,
			EventPayload: map[string]any{"key": r.Key}}))
	}
	_, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
	a.count("chat.postMessage", err)
	if err != nil {
		return "", fmt.Errorf("chat.postMessage %s: %w", channel, err)
	}
	return ts, nil
}

// postKeyEvent is the metadata event type of posts that carry a Reply.Key.
const postKeyEvent = "vtrbot_post"

// findPages bounds how many pages of history Find reads (200 messages each).
const findPages = 10

// Find returns the ts of the message posted with Reply.Key key in channel
// ("" means Config.Channel) since since — in the thread of threadTS when it
// is set — or "" when there is none. It reads conversations.history or
// conversations.replies with their metadata (scopes channels:history,
// groups:history); without them it returns commands.ErrCannotFind.
func (a *App) Find(ctx context.Context, channel, threadTS, key string, since time.Time) (string, error) {
	if channel == "" {
		channel = a.cfg.Channel
	}
	oldest := fmt.Sprintf("%d.000000", since.Unix())
	cursor := ""
	for range findPages {
		var (
			msgs []slack.Message
			next string
			err  error
		)
		method := "conversations.history"
		if threadTS != "" {
			method = "conversations.replies"
			msgs, _, next, err = a.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: channel, Timestamp: threadTS, Oldest: oldest, Inclusive: true, Limit: 200,
				Cursor: cursor, IncludeAllMetadata: true})
		} else {
			var h *slack.GetConversationHistoryResponse
			h, err = a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: channel, Oldest: oldest, Inclusive: true, Limit: 200, Cursor: cursor, IncludeAllMetadata: true})
			if h != nil {
				msgs, next = h.Messages, h.ResponseMetaData.NextCursor
			}
		}
		a.count(method, err)
		if err != nil {
			var se slack.SlackErrorResponse
			if errors.As(err, &se) && (se.Err == "missing_scope" || se.Err == "not_in_channel" || se.Err == "channel_not_found") {
				return "", fmt.Errorf("%s %s: %w: %w", method, channel, commands.ErrCannotFind, err)
			}
			return "", fmt.Errorf("%s %s: %w", method, channel, err)
		}
		for _, m := range msgs {
			if m.Metadata.EventType == postKeyEvent && m.Metadata.EventPayload["key"] == key {
				return m.Timestamp, nil
			}
		}
		if next == "" {
			return "", nil
		}
		cursor = next
	}
	return "", nil
}

// Update replaces the message channel/ts with r (chat.update).
func (a *App) Update(ctx context.Context, channel, ts string, r commands.Reply) error {
	_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ts, toMessage(r).options()...)
	a.count("chat.update", err)
	if err != nil {
		return fmt.Errorf("chat.update %s %s: %w", channel, ts, err)
	}
	return nil
}

// postEphemeral shows r to user only, in channel (and thread, if set).
func (a *App) postEphemeral(ctx context.Context, channel, user, threadTS string, r commands.Reply) error {
	opts := toMessage(r).options()
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	_, err := a.api.PostEphemeralContext(ctx, channel, user, opts...)
	a.count("chat.postEphemeral", err)
	if err != nil {
		return fmt.Errorf("chat.postEphemeral %s: %w", channel, err)
	}
	return nil
}

// Upload shares f in channel (in the thread of threadTS when set) with
// Slack's external upload flow: files.getUploadURLExternal, the upload
// itself, files.completeUploadExternal (files.upload was retired in 2025).
// The bot must be a member of channel.
func (a *App) Upload(ctx context.Context, channel, threadTS string, f commands.File) error {
	if len(f.Data) == 0 {
		return fmt.Errorf("upload %q: empty file", f.Name)
	}
	name := f.Name
	if name == "" {
		name = "file"
	}
	_, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader:          bytes.NewReader(f.Data),
		FileSize:        len(f.Data),
		Filename:        name,
		Title:           f.Title,
		Channel:         channel,
		ThreadTimestamp: threadTS,
	})
	a.count("files.upload", err)
	if err != nil {
		return fmt.Errorf("upload %q to %s: %w", name, channel, err)
	}
	return nil
}

func (a *App) count(method string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	a.metrics.apiCalls.Inc(method, result)
}

func (m message) options() []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...)}
}

// webhookMessage is the JSON body of a slash command answer, a Socket Mode
// ack payload and a response_url post alike.
func webhookMessage(r commands.Reply, replace bool) *slack.WebhookMessage {
	m := toMessage(r)
	no := false
	typ := slack.ResponseTypeInChannel
	if r.Ephemeral {
		typ = slack.ResponseTypeEphemeral
	}
	return &slack.WebhookMessage{
		ResponseType:    typ,
		Text:            m.text,
		Blocks:          &slack.Blocks{BlockSet: m.blocks},
		ReplaceOriginal: replace,
		UnfurlLinks:     &no,
		UnfurlMedia:     &no,
	}
}

// respond posts msg to a response_url, retrying a little: Slack accepts up to
// five posts per response_url within 30 minutes.
func (a *App) respond(ctx context.Context, responseURL string, msg *slack.WebhookMessage) error {
	if err := a.checkResponseURL(responseURL); err != nil {
		return err
	}
	var err error
	for attempt := 0; ; attempt++ {
		err = slack.PostWebhookCustomHTTPContext(ctx, responseURL, a.webhook, msg)
		wait, retry := RetryAfter(err)
		if err == nil || !retry || attempt == maxRetries || ctx.Err() != nil || wait > maxInCallRetryAfter {
			break
		}
		if wait == 0 {
			wait = 200 * time.Millisecond << attempt
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
	}
	a.count("response_url", err)
	if err != nil {
		return fmt.Errorf("response_url: %w", err)
	}
	return nil
}

// checkResponseURL accepts https URLs and URLs on the Web API's own host
// (the local fake in tests): a response_url comes from a verified request,
// but it should still never point us at an arbitrary plain-http host.
func (a *App) checkResponseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("response_url: not a URL")
	}
	if u.Scheme == "https" || (u.Scheme == a.apiURL.Scheme && strings.EqualFold(u.Host, a.apiURL.Host)) {
		return nil
	}
	return fmt.Errorf("response_url: refusing %s://%s (not https, not the API host)", u.Scheme, u.Host)
}

// transientErrors are Slack API error codes (ok:false) that a later retry
// may fix (docs.slack.dev, "Errors" of chat.postMessage).
var transientErrors = map[string]bool{
	"ratelimited": true, "internal_error": true, "fatal_error": true,
	"service_unavailable": true, "request_timeout": true,
}

// errorCode returns the Slack API error code (ok:false) in err's chain.
func errorCode(err error) (string, bool) {
	se, ok := errors.AsType[slack.SlackErrorResponse](err)
	return se.Err, ok
}

// RetryAfter tells the caller of Post, Update or Upload what to do with err:
// retry reports whether a later attempt may succeed (rate limits, Slack's 5xx,
// network trouble, a timeout), and wait is the least time to wait (Slack's
// Retry-After), or 0 when Slack gave no hint and the caller's own backoff
// applies. Errors such as channel_not_found or invalid_auth are permanent.
//
// A timeout is reported as retryable although Slack may have posted the
// message before the answer was lost; Slack has no idempotency key for
// chat.postMessage, so a retry can then post twice.
func RetryAfter(err error) (wait time.Duration, retry bool) {
	if err == nil {
		return 0, false
	}
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return max(rl.RetryAfter, time.Second), true
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return 0, sc.Retryable()
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return 0, transientErrors[se.Err]
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return 0, true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return 0, true
	}
	return 0, false
}
