package logstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

func TestRegistry(t *testing.T) {
	name := fmt.Sprintf("memory-test-%d", time.Now().UnixNano()) // unique under -count
	logstore.Register(name, func(context.Context, logstore.Config) (logstore.Store, error) {
		return logstoretest.NewMemStore(), nil
	})
	s, err := logstore.Open(context.Background(), name, logstore.Config{})
	if err != nil || s == nil {
		t.Fatalf("Open registered backend: %v", err)
	}
	if _, err := logstore.Open(context.Background(), "nosuch", logstore.Config{}); err == nil ||
		!strings.Contains(err.Error(), "forgotten import") || !strings.Contains(err.Error(), name) {
		t.Fatalf("unknown backend: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("duplicate Register did not panic")
		}
	}()
	logstore.Register(name, func(context.Context, logstore.Config) (logstore.Store, error) { return nil, nil })
}

func TestRetryableErrors(t *testing.T) {
	base := errors.New("connection refused")
	for _, tc := range []struct {
		err   error
		retry bool
		after time.Duration
	}{
		{nil, false, 0},
		{base, false, 0},
		{logstore.Retryable(base, 0), true, 0},
		{logstore.Retryable(base, 3*time.Second), true, 3 * time.Second},
		{errors.Join(errors.New("insert"), logstore.Retryable(base, time.Second)), true, time.Second},
		{context.DeadlineExceeded, true, 0},
	} {
		retry, after := logstore.IsRetryable(tc.err)
		if retry != tc.retry || after != tc.after {
			t.Errorf("IsRetryable(%v) = %v, %v; want %v, %v", tc.err, retry, after, tc.retry, tc.after)
		}
	}
	if !errors.Is(logstore.Retryable(base, 0), base) {
		t.Error("Retryable does not unwrap")
	}
	if logstore.Retryable(nil, time.Second) != nil {
		t.Error("Retryable(nil) is not nil")
	}
}
