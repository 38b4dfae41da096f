package logstore

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sink stores records. WriteBatch must not retain the slice or anything reachable from it
// after it returns. It must be idempotent per (RequestID, TimeMs): a batch whose outcome
// was unknown is written again. Failures worth retrying are wrapped with Retryable.
type Sink interface {
	WriteBatch(ctx context.Context, recs []Record) error
	Close() error
}

// Reader answers the query API. Every backend gives the same answers for the same records
// (logstoretest proves it).
type Reader interface {
	// List returns records matching q, newest first, one page at a time.
	List(ctx context.Context, q ListQuery) (Page, error)
	// Get returns the record with the request id; when a client reused the id, the newest.
	// It returns ErrNotFound when there is none.
	Get(ctx context.Context, requestID string) (Record, error)
	// Stats aggregates matching records into time buckets, optionally grouped.
	Stats(ctx context.Context, q StatsQuery) ([]StatsRow, error)
}

// Store is a backend: a sink that can also be queried.
type Store interface {
	Sink
	Reader
}

// ErrNotFound is returned by Reader.Get for an unknown request id.
var ErrNotFound = errors.New("log record not found")

// ErrInvalidQuery wraps errors about a bad query (unknown group, bad cursor, ...).
var ErrInvalidQuery = errors.New("invalid log query")

// RetryableError marks a sink failure that may succeed later (the backend is down,
// overloaded or timed out). After is the backend's hint for when to try again, zero when
// it gave none.
type RetryableError struct {
	Err   error
	After time.Duration
}

func (e *RetryableError) Error() string { return "retryable: " + e.Err.Error() }
func (e *RetryableError) Unwrap() error { return e.Err }

// Retryable wraps err as retryable; nil stays nil.
func Retryable(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &RetryableError{Err: err, After: after}
}

// IsRetryable reports whether err (or anything it wraps) is retryable, and the backend's
// retry hint. A context deadline is retryable: the write may succeed with more time.
func IsRetryable(err error) (bool, time.Duration) {
	var re *RetryableError
	if errors.As(err, &re) {
		return true, re.After
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true, 0
	}
	return false, 0
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidQuery, fmt.Sprintf(format, args...))
}
