package semcache_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/cache/embed/uselite"
	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
	"github.com/muninn-gw/muninn/gateway/plugins/semcache"
)

// Benchmarks through the real server on loopback. Each reports the p50 latency of one
// request as seen by an HTTP client; compare with BenchmarkServerNoCache (same server,
// same fake upstream answering instantly, no cache plugin) measured in the same run.
//
//	go test -run '^$' -bench . -benchtime 2000x ./gateway/plugins/semcache/

type timer struct{ d []time.Duration }

func (t *timer) report(b *testing.B) {
	if len(t.d) == 0 {
		return
	}
	slices.Sort(t.d)
	b.ReportMetric(float64(t.d[len(t.d)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(t.d[len(t.d)*99/100].Microseconds()), "p99-µs")
}

func post(b *testing.B, url, key, body string, headers ...string) (*http.Response, error) {
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

func run(b *testing.B, url string, body func(i int) string, want string) {
	var t timer
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		resp, err := post(b, url, keyAlice, body(i))
		t.d = append(t.d, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if want != "" && resp.Header.Get(semcache.HeaderCache) != want {
			b.Fatalf("request %d: %q, want %q", i, resp.Header.Get(semcache.HeaderCache), want)
		}
	}
	b.StopTimer()
	t.report(b)
}

// BenchmarkServerNoCache is the baseline: the same gateway without the cache plugin.
func BenchmarkServerNoCache(b *testing.B) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := &gateway.Config{Providers: map[string]*gateway.ProviderConfig{"fake": {Type: "fake", Models: []string{"m1"}}}}
	cfg.Auth.Keys = []gateway.GatewayKey{{Name: "alice", Value: keyAlice}}
	gw := gatewaytest.Start(b, cfg, gateway.Options{}, fake)
	run(b, gw.URL, func(i int) string { return body(fmt.Sprintf("What is %d plus one?", i)) }, "")
}

func BenchmarkServerExactHit(b *testing.B) {
	r := newRig(b, rigOpts{})
	r.ask(b, "How do I reverse a list in Python?")
	run(b, r.gw.URL, func(int) string { return body("How do I reverse a list in Python?") }, semcache.StatusHitExact)
}

func BenchmarkServerSemanticHit(b *testing.B) {
	r := newRig(b, rigOpts{})
	r.ask(b, "How do I reverse a list in Python?")
	run(b, r.gw.URL, func(int) string { return body("How can I reverse a list in Python?") }, semcache.StatusHitSemantic)
}

// BenchmarkServerMiss has 0% hits: every prompt is new, so each request embeds, searches,
// goes upstream and is stored (asynchronously).
func BenchmarkServerMiss(b *testing.B) {
	r := newRig(b, rigOpts{})
	run(b, r.gw.URL, func(i int) string { return body(fmt.Sprintf("What is %d plus one?", i)) }, semcache.StatusMiss)
	r.cache.Flush(context.Background())
}

// BenchmarkEmbedPrompt is the embedder alone on the semantic benchmark's prompt, the
// reference for "semantic hit ≤ embedder time + 1 ms".
func BenchmarkEmbedPrompt(b *testing.B) {
	emb, err := uselite.Default()
	if err != nil {
		b.Fatal(err)
	}
	var t timer
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if _, err := emb.Embed(context.Background(), []string{"How can I reverse a list in Python?"}); err != nil {
			b.Fatal(err)
		}
		t.d = append(t.d, time.Since(start))
	}
	t.report(b)
}

// BenchmarkThroughput* measure requests per second with 8 concurrent clients, cache off
// vs cache on with 0% hits.
func BenchmarkThroughputNoCache(b *testing.B) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := &gateway.Config{Providers: map[string]*gateway.ProviderConfig{"fake": {Type: "fake", Models: []string{"m1"}}}}
	cfg.Auth.Keys = []gateway.GatewayKey{{Name: "alice", Value: keyAlice}}
	gw := gatewaytest.Start(b, cfg, gateway.Options{}, fake)
	parallel(b, gw.URL)
}

func BenchmarkThroughputCacheMiss(b *testing.B) {
	r := newRig(b, rigOpts{})
	parallel(b, r.gw.URL)
	st := r.cache.Stats()
	b.ReportMetric(float64(st.Guards[cache.GuardEmbedBusy])/float64(st.Lookups), "embed-busy/op")
	b.ReportMetric(float64(st.StoresDropped)/float64(st.Lookups), "store-dropped/op")
}

func parallel(b *testing.B, url string) {
	b.SetParallelism(4)
	var n int64
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		id := time.Now().UnixNano()
		for pb.Next() {
			i++
			if _, err := post(b, url, keyAlice, body(fmt.Sprintf("Question %d-%d about numbers", id, i))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	n = int64(b.N)
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "req/s")
}
