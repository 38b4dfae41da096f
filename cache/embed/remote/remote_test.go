package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testKey = "sk-test-SECRET-0123456789"

// fakeServer is an OpenAI-compatible embeddings endpoint on loopback. Each text's vector
// is derived from its length and first byte, so tests can check order.
type fakeServer struct {
	t        *testing.T
	mu       sync.Mutex
	requests []request
	headers  []http.Header
	// script, when set, answers a request by its 0-based number instead of the default.
	script func(n int, w http.ResponseWriter, req request) bool
	dim    int
	// reverse answers with the data in reverse order (indices still correct).
	reverse bool
}

func vectorFor(text string, dim int) []float64 {
	v := make([]float64, dim)
	for i := range v {
		v[i] = float64(len(text)+1) * float64(i+1)
	}
	if text != "" {
		v[0] += float64(text[0]) * 100
	}
	return v
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	n := len(f.requests)
	f.requests = append(f.requests, req)
	f.headers = append(f.headers, r.Header.Clone())
	script := f.script
	f.mu.Unlock()
	if script != nil && script(n, w, req) {
		return
	}
	dim := f.dim
	if req.Dimensions > 0 {
		dim = req.Dimensions
	}
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float64 `json:"embedding"`
	}
	data := make([]item, len(req.Input))
	for i, text := range req.Input {
		data[i] = item{"embedding", i, vectorFor(text, dim)}
	}
	if f.reverse {
		for i, j := 0, len(data)-1; i < j; i, j = i+1, j-1 {
			data[i], data[j] = data[j], data[i]
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model})
}

func (f *fakeServer) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

func newFake(t *testing.T, dim int) (*fakeServer, *httptest.Server) {
	f := &fakeServer{t: t, dim: dim}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// newTestEmbedder records backoff waits instead of sleeping.
func newTestEmbedder(t *testing.T, cfg Config) (*Embedder, *[]time.Duration) {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	waits := &[]time.Duration{}
	e.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return e, waits
}

func checkUnit(t *testing.T, v []float32) {
	t.Helper()
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	if math.Abs(ss-1) > 1e-5 {
		t.Fatalf("vector not unit length: |v|² = %v", ss)
	}
}

func TestEmbedBatchesOrdersAndNormalises(t *testing.T) {
	f, srv := newFake(t, 8)
	f.reverse = true
	e, _ := newTestEmbedder(t, Config{
		BaseURL: srv.URL + "/v1/", APIKey: testKey, Model: "text-embedding-3-small",
		Dim: 8, BatchSize: 2, Headers: map[string]string{"OpenAI-Project": "proj_1"},
	})
	texts := []string{"a", "bb", "ccc", "dddd", "eeeee"}
	out, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(out), len(texts))
	}
	for i, text := range texts {
		checkUnit(t, out[i])
		want := vectorFor(text, 8)
		var norm float64
		for _, x := range want {
			norm += x * x
		}
		if got := float64(out[i][3]); math.Abs(got-want[3]/math.Sqrt(norm)) > 1e-6 {
			t.Errorf("text %d (%q): vector out of order", i, text)
		}
	}
	if f.count() != 3 {
		t.Fatalf("%d requests, want 3 (batches of 2)", f.count())
	}
	for i, req := range f.requests {
		if req.Model != "text-embedding-3-small" || req.EncodingFormat != "float" || req.Dimensions != 0 {
			t.Errorf("request %d = %+v", i, req)
		}
		h := f.headers[i]
		if h.Get("Authorization") != "Bearer "+testKey || h.Get("OpenAI-Project") != "proj_1" || h.Get("Content-Type") != "application/json" {
			t.Errorf("request %d headers %v", i, h)
		}
	}
	if got := strings.Join(f.requests[2].Input, ","); got != "eeeee" {
		t.Errorf("last batch input %q", got)
	}
	if e.Model() != "text-embedding-3-small" || e.Dim() != 8 {
		t.Errorf("Model %q Dim %d", e.Model(), e.Dim())
	}
}

func TestDimensionsAreRequested(t *testing.T) {
	f, srv := newFake(t, 1536)
	e, _ := newTestEmbedder(t, Config{BaseURL: srv.URL + "/v1", Model: "text-embedding-3-large", Dimensions: 256})
	out, err := e.Embed(context.Background(), []string{"hi"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out[0]) != 256 || f.requests[0].Dimensions != 256 {
		t.Fatalf("len %d, requested %d", len(out[0]), f.requests[0].Dimensions)
	}
	if e.Model() != "text-embedding-3-large:256" || e.Dim() != 256 {
		t.Errorf("Model %q Dim %d", e.Model(), e.Dim())
	}
	if f.headers[0].Get("Authorization") != "" {
		t.Error("Authorization sent without a key")
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(w http.ResponseWriter)
		failures  int
		retries   int
		wantErr   bool
		wantCalls int
		checkWait func(t *testing.T, waits []time.Duration)
	}{
		{
			name: "429 honours Retry-After seconds",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "2")
				http.Error(w, `{"error":{"message":"rate limited"}}`, http.StatusTooManyRequests)
			},
			failures: 1, wantCalls: 2,
			checkWait: func(t *testing.T, waits []time.Duration) {
				if len(waits) != 1 || waits[0] != 2*time.Second {
					t.Errorf("waits %v, want [2s]", waits)
				}
			},
		},
		{
			name: "Retry-After is capped",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "3600")
				http.Error(w, "busy", http.StatusServiceUnavailable)
			},
			failures: 2, wantCalls: 3,
			checkWait: func(t *testing.T, waits []time.Duration) {
				if len(waits) != 2 || waits[0] != 5*time.Second || waits[1] != 5*time.Second {
					t.Errorf("waits %v, want [5s 5s]", waits)
				}
			},
		},
		{
			name:     "5xx backs off exponentially",
			fail:     func(w http.ResponseWriter) { http.Error(w, "oops", http.StatusBadGateway) },
			failures: 3, wantCalls: 4,
			checkWait: func(t *testing.T, waits []time.Duration) {
				if len(waits) != 3 {
					t.Fatalf("waits %v", waits)
				}
				for i, w := range waits {
					hi := (100 * time.Millisecond) << i
					if w < hi/2 || w > hi {
						t.Errorf("wait %d = %v, want in [%v, %v]", i, w, hi/2, hi)
					}
				}
			},
		},
		{
			name:     "gives up after MaxRetries",
			fail:     func(w http.ResponseWriter) { http.Error(w, "down", http.StatusInternalServerError) },
			failures: 100, retries: 2, wantErr: true, wantCalls: 3,
		},
		{
			name: "400 is not retried",
			fail: func(w http.ResponseWriter) {
				http.Error(w, `{"error":{"message":"input too long"}}`, http.StatusBadRequest)
			},
			failures: 100, wantErr: true, wantCalls: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, srv := newFake(t, 4)
			f.script = func(n int, w http.ResponseWriter, _ request) bool {
				if n < tc.failures {
					tc.fail(w)
					return true
				}
				return false
			}
			retries := tc.retries
			if retries == 0 {
				retries = 3
			}
			e, waits := newTestEmbedder(t, Config{
				BaseURL: srv.URL + "/v1", Model: "m", Dim: 4, MaxRetries: retries,
				MinBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second,
			})
			_, err := e.Embed(context.Background(), []string{"x"})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if f.count() != tc.wantCalls {
				t.Errorf("%d calls, want %d", f.count(), tc.wantCalls)
			}
			if tc.checkWait != nil {
				tc.checkWait(t, *waits)
			}
			var re *Error
			if tc.wantErr && !errors.As(err, &re) {
				t.Errorf("error %v is not an *Error", err)
			}
		})
	}
}

func TestErrorsNeverContainTheKey(t *testing.T) {
	f, srv := newFake(t, 4)
	f.script = func(_ int, w http.ResponseWriter, _ request) bool {
		msg := fmt.Sprintf(`{"error":{"message":"Incorrect API key provided: %s."}}`, testKey)
		http.Error(w, msg, http.StatusUnauthorized)
		return true
	}
	e, _ := newTestEmbedder(t, Config{BaseURL: srv.URL + "/v1", APIKey: testKey, Model: "m", Dim: 4})
	_, err := e.Embed(context.Background(), []string{"x"})
	var re *Error
	if !errors.As(err, &re) || re.Status != http.StatusUnauthorized || re.Retryable {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(err.Error(), testKey) || strings.Contains(fmt.Sprintf("%+v %#v", err, re), testKey) {
		t.Fatalf("error leaks the key: %v", err)
	}
	if !strings.Contains(err.Error(), "Incorrect API key provided: [redacted]") {
		t.Errorf("error lost the upstream message: %v", err)
	}
	if f.count() != 1 {
		t.Errorf("401 retried: %d calls", f.count())
	}
}

func TestBadResponses(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"wrong dimension", `{"data":[{"index":0,"embedding":[1,2,3]}]}`, "3 dimensions, want 4"},
		{"too few", `{"data":[]}`, "0 embeddings for 1 inputs"},
		{"bad index", `{"data":[{"index":5,"embedding":[1,2,3,4]}]}`, "invalid or repeated index 5"},
		{"zero vector", `{"data":[{"index":0,"embedding":[0,0,0,0]}]}`, "zero vector"},
		{"not json", `<html>`, "decode response"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, srv := newFake(t, 4)
			f.script = func(_ int, w http.ResponseWriter, _ request) bool {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.body))
				return true
			}
			e, _ := newTestEmbedder(t, Config{BaseURL: srv.URL + "/v1", Model: "m", Dim: 4})
			_, err := e.Embed(context.Background(), []string{"x"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if f.count() != 1 {
				t.Errorf("a malformed answer was retried (%d calls)", f.count())
			}
		})
	}
}

func TestDuplicateIndexRejected(t *testing.T) {
	f, srv := newFake(t, 2)
	f.script = func(_ int, w http.ResponseWriter, _ request) bool {
		_, _ = w.Write([]byte(`{"data":[{"index":0,"embedding":[1,0]},{"index":0,"embedding":[0,1]}]}`))
		return true
	}
	e, _ := newTestEmbedder(t, Config{BaseURL: srv.URL + "/v1", Model: "m", Dim: 2})
	if _, err := e.Embed(context.Background(), []string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "repeated index 0") {
		t.Fatalf("err = %v", err)
	}
}

func TestTimeoutIsRetriedThenFails(t *testing.T) {
	f, srv := newFake(t, 4)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // runs before the server's Close (cleanups are LIFO)
	f.script = func(_ int, w http.ResponseWriter, _ request) bool {
		<-release // never answers within the timeout
		return true
	}
	e, waits := newTestEmbedder(t, Config{BaseURL: srv.URL + "/v1", Model: "m", Dim: 4, Timeout: 20 * time.Millisecond, MaxRetries: 1})
	_, err := e.Embed(context.Background(), []string{"x"})
	if err == nil || !strings.Contains(err.Error(), "after 2 attempts") {
		t.Fatalf("err = %v", err)
	}
	if len(*waits) != 1 {
		t.Errorf("waits %v", *waits)
	}
}

func TestCanceledWhileWaiting(t *testing.T) {
	f, srv := newFake(t, 4)
	f.script = func(_ int, w http.ResponseWriter, _ request) bool {
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return true
	}
	e, err := New(Config{BaseURL: srv.URL + "/v1", Model: "m", Dim: 4, MinBackoff: time.Hour, MaxBackoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.sleep = func(ctx context.Context, d time.Duration) error {
		cancel() // the caller gives up during the backoff
		return sleepCtx(ctx, d)
	}
	_, err = e.Embed(ctx, []string{"x"})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err = %v", err)
	}
	if f.count() != 1 {
		t.Errorf("%d calls", f.count())
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	e, waits := newTestEmbedder(t, Config{BaseURL: url + "/v1", APIKey: testKey, Model: "m", Dim: 4, MaxRetries: 2})
	_, err := e.Embed(context.Background(), []string{"x"})
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Fatalf("err = %v", err)
	}
	if len(*waits) != 2 {
		t.Errorf("connection failures retried %d times, want 2", len(*waits))
	}
}

func TestDiscover(t *testing.T) {
	_, srv := newFake(t, 384)
	e, err := Discover(context.Background(), Config{BaseURL: srv.URL + "/v1", Model: "nomic-embed-text"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Dim() != 384 {
		t.Fatalf("Dim = %d", e.Dim())
	}
	if _, err := New(Config{BaseURL: srv.URL, Model: "m"}); err == nil {
		t.Error("New without Dim accepted")
	}
}

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no url", Config{Model: "m", Dim: 1}, "BaseURL is required"},
		{"bad scheme", Config{BaseURL: "ftp://x", Model: "m", Dim: 1}, "http:// or https://"},
		{"no model", Config{BaseURL: "http://x", Dim: 1}, "Model is required"},
		{"negative", Config{BaseURL: "http://x", Model: "m", Dim: -1}, "negative"},
		{"contradiction", Config{BaseURL: "http://x", Model: "m", Dim: 3, Dimensions: 4}, "contradicts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {"0.5", 500 * time.Millisecond}, {"-1", 0},
		{"soon", 0}, {"Thu, 01 Jan 1970 00:00:00 GMT", 0},
	}
	for _, tc := range tests {
		if got := parseRetryAfter(tc.in); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	if got := parseRetryAfter(future); got < 59*time.Minute || got > time.Hour {
		t.Errorf("parseRetryAfter(date in an hour) = %v", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	_, srv := newFake(t, 16)
	e, _ := newTestEmbedder(t, Config{BaseURL: srv.URL + "/v1", Model: "m", Dim: 16, BatchSize: 3})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			texts := []string{fmt.Sprint(g), "x", "yy", "zzz", "wwww"}
			out, err := e.Embed(context.Background(), texts)
			if err != nil || len(out) != len(texts) {
				t.Errorf("goroutine %d: %v", g, err)
			}
		}(g)
	}
	wg.Wait()
}
