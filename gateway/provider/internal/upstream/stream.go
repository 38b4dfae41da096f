package upstream

import (
	"context"
	"io"
	"time"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider/sse"
)

// Stream is an upstream SSE stream with first-event and idle timeouts.
type Stream struct {
	c      *Client
	parent context.Context
	ctx    context.Context
	key    string
	rd     *sse.Reader

	// net/http: the body, and a timer that cancels ctx when the stream goes quiet.
	cancel context.CancelCauseFunc
	timer  *time.Timer
	body   io.ReadCloser

	// fast transport: the connection; timeouts are its read deadlines.
	pool *fastPool
	fc   *fastConn
	stop func() bool

	started    bool
	terminated bool // the protocol's terminator was read (Done)
	ended      bool // the body was read to its end
	closed     bool
}

// Next returns the next event; io.EOF at a clean end of the body. Any other failure is
// an *api.Error (a mid-line cut is a stream_truncated upstream_error; silence beyond the
// idle timeout an upstream_timeout).
func (s *Stream) Next() (sse.Event, error) {
	if s.closed {
		return sse.Event{}, io.EOF
	}
	if s.started {
		if s.fc != nil {
			s.fc.setReadDeadline(time.Now().Add(s.c.Timeouts.StreamIdle))
		} else {
			s.timer.Reset(s.c.Timeouts.StreamIdle)
		}
	}
	s.started = true
	ev, err := s.rd.Next()
	if err == nil {
		return ev, nil
	}
	if err == io.EOF {
		s.ended = true
		return ev, io.EOF
	}
	return ev, s.readError(err)
}

func (s *Stream) readError(err error) *api.Error {
	switch {
	case s.parent.Err() != nil:
		return Transport(s.c.Name, s.parent, s.parent, err, s.key)
	case err == sse.ErrTruncated && s.ctx.Err() == nil:
		return Truncated(s.c.Name)
	case err == sse.ErrLineTooLong || err == sse.ErrEventTooLarge:
		return &api.Error{Status: 502, Type: api.ErrUpstream, Code: "bad_upstream_response",
			Message: s.c.Name + ": " + err.Error()}
	}
	if s.fc != nil {
		if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
			return &api.Error{Status: 504, Type: api.ErrUpstreamTimeout, Code: "stream_idle_timeout",
				Message: s.c.Name + ": upstream sent nothing within the stream idle timeout"}
		}
		if err == io.ErrUnexpectedEOF {
			return Truncated(s.c.Name)
		}
	}
	return Transport(s.c.Name, s.parent, s.ctx, err, s.key)
}

// Buffered reports whether the next event has already been received, so that Next will
// not wait for the network (see sse.Reader.Buffered).
func (s *Stream) Buffered() bool { return !s.closed && s.rd.Buffered() }

// Done marks the stream as finished by its protocol ([DONE], message_stop), so Close
// can keep the connection for reuse. The little that may follow the terminator (the
// chunked trailer) is read by Close, so that the caller can pass the end on first.
func (s *Stream) Done() {
	if s.ended || s.closed {
		return
	}
	s.terminated = true
}

// drain reads what follows the protocol's terminator, bounded in size and time: a
// server that keeps the stream open after its terminator costs a connection, not a
// stall.
func (s *Stream) drain() {
	wait := min(s.c.Timeouts.StreamIdle, drainWindow)
	var n int64
	var err error
	if s.fc != nil {
		s.fc.setReadDeadline(time.Now().Add(wait))
		n, err = io.CopyN(io.Discard, &s.fc.body, 4<<10)
	} else {
		s.timer.Reset(wait)
		n, err = io.CopyN(io.Discard, s.body, 4<<10)
	}
	s.ended = n < 4<<10 && err == io.EOF
}

// drainWindow bounds the wait for the end of a body after the protocol's terminator.
const drainWindow = 250 * time.Millisecond

// Close releases the stream; the connection is reused only if the body was read to its
// end. Safe to call more than once.
func (s *Stream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.terminated && !s.ended {
		s.drain()
	}
	s.rd.Release()
	if s.fc != nil {
		if s.stop() && s.ended && s.fc.body.reusable() && !s.fc.hdr.ConnectionClose() {
			s.pool.put(s.fc)
		} else {
			s.pool.discard(s.fc)
		}
		s.fc = nil
		return nil
	}
	s.timer.Stop()
	if !s.ended {
		s.cancel(context.Canceled)
	}
	err := s.body.Close()
	s.cancel(nil)
	return err
}
