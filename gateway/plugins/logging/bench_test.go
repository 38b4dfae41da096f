package logging

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

// BenchmarkPostHook measures what logging adds to a request: building the record (with
// both bodies) and handing it to a real Batcher. The target is 5 µs. For scale, it also
// reports what encoding/json takes to marshal the same request and response alone
// (json-ns/op) and the ratio hook/json.
func BenchmarkPostHook(b *testing.B) {
	for _, bodies := range []bool{true, false} {
		name := "bodies"
		if !bodies {
			name = "no-bodies"
		}
		b.Run(name, func(b *testing.B) {
			sink := logstoretest.NewMemStore()
			bat, err := logstore.NewBatcher(sink, logstore.BatcherConfig{
				QueueSize: 1 << 20, BatchRows: 10000, FlushInterval: 50 * time.Millisecond,
				SpoolDir: b.TempDir(), Logger: slog.New(slog.DiscardHandler),
			})
			if err != nil {
				b.Fatal(err)
			}
			cfg := DefaultConfig()
			cfg.Bodies = bodies
			p := New(bat, cfg)
			c, _ := sampleCall()
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				p.PostHook(ctx, c)
			}
			b.StopTimer()
			hook := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			start := time.Now()
			const n = 2000
			for range n {
				_, _ = json.Marshal(c.Request)
				_, _ = json.Marshal(c.Response)
			}
			base := float64(time.Since(start).Nanoseconds()) / n
			b.ReportMetric(base, "json-ns/op")
			b.ReportMetric(hook/base, "hook/json")
			bat.Close(ctx)
		})
	}
}
