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
// both bodies) and handing it to a real Batcher. The target is 5 µs. As a baseline
// measured in the same run, it reports what encoding/json takes just to marshal the
// finished record (json-ns/op, what a naive JSON logger would pay on top of building it)
// and the ratio hook/json.
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
			var rec logstore.Record
			p.fill(&rec, c, headers(nil))
			// Hook and baseline alternate in chunks, so both see the same machine load.
			const chunk = 100
			var base time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += chunk {
				for j := 0; j < chunk && i+j < b.N; j++ {
					p.PostHook(ctx, c)
				}
				b.StopTimer()
				t0 := time.Now()
				for range chunk {
					_, _ = json.Marshal(&rec)
				}
				base += time.Since(t0)
				b.StartTimer()
			}
			b.StopTimer()
			hook := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			baseNs := float64(base.Nanoseconds()) / float64((b.N+chunk-1)/chunk*chunk)
			b.ReportMetric(baseNs, "json-ns/op")
			b.ReportMetric(hook/baseNs, "hook/json")
			bat.Close(ctx)
		})
	}
}
