package slackfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// serveAPI answers POST /api/{method}. Slack's Web API takes form-encoded
// arguments with the token in the form (chat.*, files.*) or a bearer token
// (apps.connections.open).
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	s.mu.Lock()
	f, fail := s.failing(method)
	if fail && !f.AnswerLost {
		s.calls = append(s.calls, Call{Method: method, Status: f.Status})
	}
	s.mu.Unlock()
	answered := http.StatusOK
	if fail && f.AnswerLost {
		// Carry the call out, then answer as if it had failed.
		answered = f.Status
		defer http.Error(w, http.StatusText(answered), answered)
		w = httptest.NewRecorder()
		fail = false
	}
	if fail {
		if f.Status == http.StatusTooManyRequests && f.RetryAfter > 0 {
			secs := int((f.RetryAfter + 999_999_999) / 1_000_000_000) // round up to whole seconds
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
		http.Error(w, http.StatusText(f.Status), f.Status)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	form := r.PostForm
	token := form.Get("token")
	if token == "" {
		token = bearer(r)
	}
	code := ""
	defer func() {
		s.record(func() { s.calls = append(s.calls, Call{Method: method, Status: answered, Error: code}) })
	}()
	if token == "" {
		code = "not_authed"
		slackError(w, code)
		return
	}
	form.Del("token")
	if code = s.workspaceError(w, method, token, form.Get("channel")); code != "" {
		slackError(w, code)
		return
	}

	switch method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "url": "https://fake.slack.com/", "team": "Fake",
			"user": "vtrbot", "team_id": "T0FAKE", "user_id": "U0BOT", "bot_id": "B0BOT"})
	case "apps.connections.open":
		if !strings.HasPrefix(token, "xapp-") {
			code = "invalid_auth"
			slackError(w, code)
			return
		}
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/ws"})
	case "chat.postMessage", "chat.update", "chat.postEphemeral":
		code = s.chat(w, method, form)
	case "conversations.history", "conversations.replies":
		code = s.history(w, method, form)
	case "files.getUploadURLExternal":
		code = s.uploadURL(w, form)
	case "files.completeUploadExternal":
		code = s.completeUpload(w, form)
	default:
		code = "unknown_method"
		slackError(w, code)
	}
}

// chat records a chat.* call after the checks Slack makes, and returns the
// error code it answered ("" for ok).
func (s *Server) chat(w http.ResponseWriter, method string, form url.Values) string {
	m := Message{Method: method, Channel: form.Get("channel"), User: form.Get("user"),
		ThreadTS: form.Get("thread_ts"), Text: form.Get("text"), Form: form}
	if b := form.Get("blocks"); b != "" {
		m.Blocks = json.RawMessage(b)
	}
	code := ""
	switch {
	case m.Channel == "":
		code = "channel_not_found"
	case m.Text == "" && len(m.Blocks) == 0:
		code = "no_text"
	case method == "chat.postEphemeral" && m.User == "":
		code = "user_not_found"
	case ValidateBlocks(m.Blocks) != nil:
		code = "invalid_blocks"
	}
	if code != "" {
		slackError(w, code)
		return code
	}
	s.mu.Lock()
	switch method {
	case "chat.update":
		m.TS = form.Get("ts")
		if !s.knownTS(m.Channel, m.TS) {
			code = "message_not_found"
		}
	default:
		m.TS = s.nextTS()
	}
	s.mu.Unlock()
	if code != "" {
		slackError(w, code)
		return code
	}
	s.record(func() {
		switch method {
		case "chat.postMessage":
			s.posts = append(s.posts, m)
		case "chat.update":
			s.updates = append(s.updates, m)
		case "chat.postEphemeral":
			s.ephemerals = append(s.ephemerals, m)
		}
	})
	if method == "chat.postEphemeral" {
		writeJSON(w, map[string]any{"ok": true, "message_ts": m.TS})
		return ""
	}
	writeJSON(w, map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS,
		"message": map[string]any{"text": m.Text, "ts": m.TS, "thread_ts": m.ThreadTS}})
	return ""
}

// history answers conversations.history (the channel's top-level posts
// since oldest, newest first) and conversations.replies (a thread: its
// parent, then the replies), with each post's metadata when
// include_all_metadata is set. One page holds everything.
func (s *Server) history(w http.ResponseWriter, method string, form url.Values) string {
	channel, oldest, thread := form.Get("channel"), form.Get("oldest"), form.Get("ts")
	if channel == "" || (method == "conversations.replies" && thread == "") {
		slackError(w, "channel_not_found")
		return "channel_not_found"
	}
	s.mu.Lock()
	var msgs []map[string]any
	for _, p := range s.posts {
		in := p.ThreadTS == "" && tsAtLeast(p.TS, oldest)
		if method == "conversations.replies" {
			in = p.TS == thread || p.ThreadTS == thread
		}
		if p.Channel != channel || !in {
			continue
		}
		m := map[string]any{"type": "message", "ts": p.TS, "text": p.Text}
		if p.ThreadTS != "" {
			m["thread_ts"] = p.ThreadTS
		}
		if md := p.Form.Get("metadata"); md != "" && form.Get("include_all_metadata") == "1" {
			m["metadata"] = json.RawMessage(md)
		}
		msgs = append(msgs, m)
	}
	s.mu.Unlock()
	if method == "conversations.history" {
		slices.Reverse(msgs)
	}
	if msgs == nil {
		msgs = []map[string]any{}
	}
	writeJSON(w, map[string]any{"ok": true, "messages": msgs, "has_more": false})
	return ""
}

// tsAtLeast compares two Slack timestamps ("seconds.micros"); an empty
// bound is no bound.
func tsAtLeast(ts, bound string) bool {
	if bound == "" {
		return true
	}
	a, errA := strconv.ParseFloat(ts, 64)
	b, errB := strconv.ParseFloat(bound, 64)
	return errA == nil && errB == nil && a >= b
}

// knownTS reports whether channel/ts is a message the fake posted. The
// caller holds s.mu.
func (s *Server) knownTS(channel, ts string) bool {
	if s.seeded[channel+"/"+ts] {
		return true
	}
	for _, p := range s.posts {
		if p.Channel == channel && p.TS == ts {
			return true
		}
	}
	return false
}

// PostedTS makes channel/ts a message chat.update may change, for tests that
// click a button on a message the fake did not post (it was posted in an
// earlier run, say).
func (s *Server) PostedTS(channel, ts string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seeded[channel+"/"+ts] = true
}

// uploadURL answers files.getUploadURLExternal with an upload URL on the
// fake itself (slack-go sends the token only to the API host or to Slack).
func (s *Server) uploadURL(w http.ResponseWriter, form url.Values) string {
	name := form.Get("filename")
	if n, err := strconv.Atoi(form.Get("length")); name == "" || err != nil || n <= 0 {
		slackError(w, "invalid_arguments")
		return "invalid_arguments"
	}
	s.mu.Lock()
	s.ids++
	id := "F" + strconv.Itoa(s.ids)
	s.pending[id] = &Upload{FileID: id, Filename: name}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "upload_url": s.srv.URL + "/upload/" + id, "file_id": id})
	return ""
}

// serveUpload receives the file bytes (multipart field "file") and answers
// as Slack's upload host does: 200 "OK - <size>".
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	file, _, err := r.FormFile("file")
	if err != nil {
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	u := s.pending[id]
	if u != nil {
		u.Data = data
	}
	s.mu.Unlock()
	if u == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(data)))
}

// completeUpload answers files.completeUploadExternal and records the
// files as shared.
func (s *Server) completeUpload(w http.ResponseWriter, form url.Values) string {
	var files []struct{ ID, Title string }
	if err := json.Unmarshal([]byte(form.Get("files")), &files); err != nil || len(files) == 0 {
		slackError(w, "invalid_arguments")
		return "invalid_arguments"
	}
	var done []Upload
	s.mu.Lock()
	for _, f := range files {
		u := s.pending[f.ID]
		if u == nil || u.Data == nil {
			s.mu.Unlock()
			slackError(w, "file_not_found")
			return "file_not_found"
		}
		delete(s.pending, f.ID)
		u.Title, u.Channel, u.ThreadTS = f.Title, form.Get("channel_id"), form.Get("thread_ts")
		done = append(done, *u)
	}
	s.mu.Unlock()
	s.record(func() { s.uploads = append(s.uploads, done...) })
	out := make([]map[string]string, len(done))
	for i, u := range done {
		out[i] = map[string]string{"id": u.FileID, "title": u.Title}
	}
	writeJSON(w, map[string]any{"ok": true, "files": out})
	return ""
}

// serveResponse records a post to a response_url. The body is the JSON
// message (text, blocks, response_type, replace_original).
func (s *Server) serveResponse(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	if ValidateBlocks(body.Blocks) != nil {
		http.Error(w, "invalid_blocks", http.StatusBadRequest)
		return
	}
	m := Message{Method: "response_url", ResponseURL: s.srv.URL + r.URL.Path, Text: body.Text,
		Blocks: body.Blocks, ResponseType: body.ResponseType, ReplaceOriginal: body.ReplaceOriginal, ThreadTS: body.ThreadTS}
	if string(m.Blocks) == "null" {
		m.Blocks = nil
	}
	s.record(func() { s.responses = append(s.responses, m) })
	writeJSON(w, map[string]any{"ok": true})
}
