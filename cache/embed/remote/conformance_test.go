package remote

import (
	"testing"

	"github.com/muninn-gw/muninn/cache/embed/embedtest"
)

// The remote embedder against a fake OpenAI-compatible server passes the same suite as
// the built-in model: the two are interchangeable behind the cache.
func TestConformance(t *testing.T) {
	_, srv := newFake(t, 64)
	e, err := New(Config{BaseURL: srv.URL + "/v1", Model: "fake-embed", Dim: 64, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	embedtest.Run(t, e)
}
