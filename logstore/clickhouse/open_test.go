package clickhouse_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/logstore"
	_ "github.com/muninn-gw/muninn/logstore/clickhouse"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, dsn, want string }{
		{"empty", "", "dsn is required"},
		{"bad url keeps the password out", "clickhouse://user:hunter2@127.0.0.1:notaport/db", "bad dsn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := logstore.Open(ctx, "clickhouse", logstore.Config{DSN: tc.dsn})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("got %v, want an error with %q and no password", err, tc.want)
			}
		})
	}
}

// TestUnreachableServerIsRetryable: the gateway starts while ClickHouse is down; writes
// fail as retryable (so the Batcher spools) instead of Open failing.
func TestUnreachableServerIsRetryable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s, err := logstore.Open(context.Background(), "clickhouse", logstore.Config{DSN: "clickhouse://" + addr + "/x?dial_timeout=200ms"})
	if err != nil {
		t.Fatalf("Open with the server down: %v", err)
	}
	defer s.Close()
	err = s.WriteBatch(context.Background(), logstoretest.Fixture(3))
	if ok, _ := logstore.IsRetryable(err); !ok {
		t.Fatalf("WriteBatch with the server down: %v, want a retryable error", err)
	}
	if _, err := s.List(context.Background(), logstore.ListQuery{}); err == nil {
		t.Fatal("List with the server down succeeded")
	}
}
