package semcache_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/cache/embed"
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
// vs cache on with 0% hits. Besides req/s (which depends on what else the machine runs)
// they report the process CPU time per request (cpu-µs/op), the load-independent cost,
// and the cache-on run reports how many embeddings ran at once on average
// (embeds-parallel: summed embedding wall time / benchmark wall time), which shows whether
// misses use every core.
//
//	go test -run '^$' -bench Throughput -benchtime 3000x ./gateway/plugins/semcache/
func BenchmarkThroughputNoCache(b *testing.B) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := &gateway.Config{Providers: map[string]*gateway.ProviderConfig{"fake": {Type: "fake", Models: []string{"m1"}}}}
	cfg.Auth.Keys = []gateway.GatewayKey{{Name: "alice", Value: keyAlice}}
	gw := gatewaytest.Start(b, cfg, gateway.Options{}, fake)
	parallel(b, gw.URL)
}

// BenchmarkThroughputCacheMiss has 0% hits in two shapes: "one-scope" (every prompt new,
// all in one scope that has entries, so each lookup embeds on the request path and the
// store reuses the vector) and "new-scopes" (each request has its own system prompt, as
// new conversations do: lookups skip embedding and the store workers embed every prompt
// in the background). Each runs with the default store workers (GOMAXPROCS) and with one,
// the setting before background embedding was spread over every core.
func BenchmarkThroughputCacheMiss(b *testing.B) {
	for _, shape := range []string{"one-scope", "new-scopes"} {
		for _, workers := range []int{0, 1} {
			name := fmt.Sprintf("%s/workers=%d", shape, workers)
			if workers == 0 {
				name = shape + "/workers=default"
			}
			b.Run(name, func(b *testing.B) {
				var ce *countingEmbedder
				r := newRig(b, rigOpts{cfg: cache.Config{StoreWorkers: workers}, wrap: func(e embed.Embedder) embed.Embedder {
					ce = &countingEmbedder{Embedder: e}
					return ce
				}})
				// Prime the scope so that every one-scope lookup has something to search.
				r.ask(b, "How do I reverse a list in Python?")
				ce.reset()
				wall := parallelWith(b, r.gw.URL, shape == "new-scopes")
				b.StopTimer()
				st, busy := r.cache.Stats(), ce.busy.Load()
				r.cache.Flush(context.Background()) // then count the embeddings of every store
				lookups := float64(st.Lookups - 1)
				b.ReportMetric(float64(st.Guards[cache.GuardEmbedBusy])/lookups, "embed-busy/op")
				b.ReportMetric(float64(st.StoresDropped)/lookups, "store-dropped/op")
				b.ReportMetric(float64(busy)/float64(wall), "embeds-parallel")
				b.ReportMetric(float64(ce.texts.Load())/lookups, "embeds/op")
			})
		}
	}
}

// parallel runs b.N requests from 8 clients, each prompt new, and returns the wall time.
func parallel(b *testing.B, url string) time.Duration { return parallelWith(b, url, false) }

// parallelWith is parallel; with newScopes each request also has its own system prompt.
func parallelWith(b *testing.B, url string, newScopes bool) time.Duration {
	b.SetParallelism(4)
	start, cpu0 := time.Now(), processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		id := time.Now().UnixNano()
		for pb.Next() {
			i++
			req := body(fmt.Sprintf("Question %d-%d about numbers", id, i))
			if newScopes {
				req = `{"model":"fake/m1","temperature":0,"messages":[{"role":"system","content":"You are assistant ` +
					fmt.Sprintf("%d-%d", id, i) + `."},{"role":"user","content":"Question about numbers"}]}`
			}
			if _, err := post(b, url, keyAlice, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
	wall := time.Since(start)
	b.ReportMetric(float64(b.N)/wall.Seconds(), "req/s")
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	return wall
}

// processCPU is the user + system CPU time of the whole process (server, cache and
// clients: they share the process).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countingEmbedder counts the texts embedded and the summed wall time of Embed calls.
type countingEmbedder struct {
	embed.Embedder
	texts, busy atomic.Int64
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	t0 := time.Now()
	v, err := c.Embedder.Embed(ctx, texts)
	c.busy.Add(int64(time.Since(t0)))
	c.texts.Add(int64(len(texts)))
	return v, err
}

func (c *countingEmbedder) Coverage(text string) embed.Coverage {
	return c.Embedder.(embed.CoverageChecker).Coverage(text)
}

func (c *countingEmbedder) reset() { c.texts.Store(0); c.busy.Store(0) }
