package notice

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/emersion/go-mbox"
)

// Message is one message as read from a file: its raw bytes, at most
// Options.MaxSize of them.
type Message struct {
	Raw []byte
	// Size is the message's full size in bytes; larger than len(Raw) when
	// Truncated.
	Size int64
	// Truncated is set when the message was larger than Options.MaxSize:
	// Raw then holds only its first MaxSize bytes.
	Truncated bool
}

// Messages yields the messages of r with the default options.
func Messages(r io.Reader) iter.Seq2[Message, error] { return Options{}.Messages(r) }

// Messages yields the messages of r, which holds either one RFC 5322 message
// (.eml) or an mbox (recognised by a leading "From " line). It streams: only
// one message is held in memory at a time, so memory does not grow with the
// size of the mbox. A message larger than MaxSize is yielded cut, with
// Truncated set, and reading goes on with the next one. A non-nil error means
// r itself failed; it is yielded once and ends the sequence.
func (o Options) Messages(r io.Reader) iter.Seq2[Message, error] {
	return func(yield func(Message, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		// Blank lines before the first message carry nothing.
		for {
			b, err := br.Peek(1)
			if err != nil || (b[0] != '\n' && b[0] != '\r') {
				break
			}
			br.ReadByte()
		}
		head, err := br.Peek(5)
		if err != nil && !errors.Is(err, io.EOF) {
			yield(Message{}, fmt.Errorf("read: %w", err))
			return
		}
		if !bytes.Equal(head, []byte("From ")) {
			m, err := o.readOne(br)
			yield(m, err)
			return
		}
		mr := mbox.NewReader(br)
		for {
			r, err := mr.NextMessage()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(Message{}, fmt.Errorf("read mbox: %w", err))
				return
			}
			m, err := o.readOne(r)
			if !yield(m, err) || err != nil {
				return
			}
		}
	}
}

// readOne reads one message of at most MaxSize bytes from r, draining the
// rest of a larger one.
func (o Options) readOne(r io.Reader) (Message, error) {
	max := o.maxSize()
	raw, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return Message{}, fmt.Errorf("read message: %w", err)
	}
	m := Message{Raw: raw, Size: int64(len(raw))}
	if m.Size > max {
		rest, err := io.Copy(io.Discard, r)
		if err != nil {
			return Message{}, fmt.Errorf("read message: %w", err)
		}
		m.Raw, m.Size, m.Truncated = raw[:max], m.Size+rest, true
	}
	return m, nil
}
