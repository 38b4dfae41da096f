package costing

import (
	"context"
	"testing"

	"github.com/muninn-gw/muninn/gateway"
)

// BenchmarkPostHook prices a non-streamed response and sets its header, as each request
// does. The baseline is the same call streamed (no header), to show the header's share.
func BenchmarkPostHook(b *testing.B) {
	c, err := newPluginB()
	if err != nil {
		b.Fatal(err)
	}
	u := usage(1000, 400, 500)
	for _, stream := range []bool{true, false} {
		name := "non-streamed"
		if stream {
			name = "streamed-baseline"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				call := gateway.Call{Provider: "openai", Model: "gpt-4o", Usage: u, Stream: stream}
				if err := c.PostHook(ctx, &call); err != nil || !call.Cost.Known {
					b.Fatal("not priced")
				}
			}
		})
	}
}
