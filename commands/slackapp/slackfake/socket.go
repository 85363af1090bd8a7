package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Slack pings Socket Mode clients; slack-go reconnects when it hears no
// ping for 30 seconds, so the fake pings well within that.
const pingInterval = 5 * time.Second

// Ack is a Socket Mode acknowledgement a client sent back.
type Ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload,omitempty"` // the answer to a slash command, when any
}

// Envelope is a Socket Mode message to a client (docs.slack.dev "Using
// Socket Mode"): Type is "slash_commands", "interactive" or "events_api";
// Payload is what the HTTP endpoint would have received as JSON.
type Envelope struct {
	Type                   string
	Payload                json.RawMessage
	AcceptsResponsePayload bool
	RetryAttempt           int
	RetryReason            string
}

type socketState struct {
	conns     []*wsConn
	acks      []Ack
	envelopes int
}

type wsConn struct {
	c    *websocket.Conn
	wmu  sync.Mutex // gorilla allows one concurrent writer
	done chan struct{}
}

func (c *wsConn) writeJSON(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.c.WriteJSON(v)
}

// serveSocket is the websocket URL apps.connections.open hands out.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	// slack-go dials with "Origin: https://api.slack.com"; gorilla's default
	// same-origin check would refuse that handshake ("bad handshake",
	// retried forever).
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	conn := &wsConn{c: c, done: make(chan struct{})}
	defer func() {
		close(conn.done)
		_ = c.Close()
		s.record(func() {
			for i, x := range s.sock.conns {
				if x == conn {
					s.sock.conns = append(s.sock.conns[:i], s.sock.conns[i+1:]...)
					break
				}
			}
		})
	}()
	hello := map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]string{"app_id": "A0FAKE"},
		"debug_info":      map[string]any{"host": "slackfake", "approximate_connection_time": 3600}}
	if conn.writeJSON(hello) != nil {
		return
	}
	s.record(func() { s.sock.conns = append(s.sock.conns, conn) })
	go func() {
		t := time.NewTicker(pingInterval)
		defer t.Stop()
		for {
			select {
			case <-conn.done:
				return
			case <-t.C:
				_ = c.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second))
			}
		}
	}()
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			return
		}
		var ack Ack
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		s.record(func() { s.sock.acks = append(s.sock.acks, ack) })
	}
}

// WaitConnected waits until a Socket Mode client is connected and greeted.
func (s *Server) WaitConnected(timeout time.Duration) error {
	_, err := waitFor(s, &s.sock.conns, 1, timeout)
	return err
}

// Send delivers e to the most recently connected client and returns its
// envelope ID.
func (s *Server) Send(e Envelope) (envelopeID string, err error) {
	s.mu.Lock()
	s.sock.envelopes++
	id := fmt.Sprintf("env-%d", s.sock.envelopes)
	var conn *wsConn
	if n := len(s.sock.conns); n > 0 {
		conn = s.sock.conns[n-1]
	}
	s.mu.Unlock()
	if conn == nil {
		return "", errors.New("slackfake: no Socket Mode client connected")
	}
	msg := map[string]any{"envelope_id": id, "type": e.Type, "payload": e.Payload,
		"accepts_response_payload": e.AcceptsResponsePayload,
		"retry_attempt":            e.RetryAttempt, "retry_reason": e.RetryReason}
	if err := conn.writeJSON(msg); err != nil {
		return "", fmt.Errorf("slackfake: send envelope: %w", err)
	}
	return id, nil
}

// SendSlashCommand delivers c as a slash_commands envelope.
func (s *Server) SendSlashCommand(c SlashCommand) (string, error) {
	return s.Send(Envelope{Type: "slash_commands", Payload: c.JSON(), AcceptsResponsePayload: true})
}

// SendBlockAction delivers a click as an interactive envelope.
func (s *Server) SendBlockAction(a BlockAction) (string, error) {
	return s.Send(Envelope{Type: "interactive", Payload: a.JSON(), AcceptsResponsePayload: true})
}

// SendAppMention delivers m as an events_api envelope; retry > 0 marks a
// redelivery, as Slack does when an earlier one was not acknowledged.
func (s *Server) SendAppMention(m AppMention, retry int) (string, error) {
	e := Envelope{Type: "events_api", Payload: m.JSON(), RetryAttempt: retry}
	if retry > 0 {
		e.RetryReason = "timeout"
	}
	return s.Send(e)
}

// Disconnect asks every client to reconnect, as Slack does before it
// rotates a connection.
func (s *Server) Disconnect() {
	s.mu.Lock()
	conns := append([]*wsConn(nil), s.sock.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.writeJSON(map[string]any{"type": "disconnect", "reason": "refresh_requested"})
	}
}

// Acks returns the acknowledgements received so far.
func (s *Server) Acks() []Ack { return snapshot(s, &s.sock.acks) }

// WaitForAck waits for the acknowledgement of envelopeID.
func (s *Server) WaitForAck(envelopeID string, timeout time.Duration) (Ack, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		for _, a := range s.sock.acks {
			if a.EnvelopeID == envelopeID {
				s.mu.Unlock()
				return a, nil
			}
		}
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return Ack{}, fmt.Errorf("%w: no ack for %s", ErrTimeout, envelopeID)
		}
	}
}

func (s *Server) closeSockets() {
	s.mu.Lock()
	conns := append([]*wsConn(nil), s.sock.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.c.Close()
	}
}
