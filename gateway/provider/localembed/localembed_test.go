package localembed

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/muninn-gw/muninn/cache/embed/uselite"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
)

// fakeEmbedder returns [len(text), 1, 0, ...] and counts one token per byte.
type fakeEmbedder struct {
	dim     int
	err     error
	block   chan struct{} // when set, Embed waits for it (or the context)
	running atomic.Int32
	peak    atomic.Int32
}

func (f *fakeEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	n := f.running.Add(1)
	defer f.running.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = make([]float32, f.dim)
		out[i][0], out[i][1] = float32(len(t)), 1
	}
	return out, nil
}
func (f *fakeEmbedder) Dim() int                 { return f.dim }
func (f *fakeEmbedder) CountTokens(t string) int { return len(t) }

func intp(i int) *int { return &i }

func TestEmbed(t *testing.T) {
	f := &fakeEmbedder{dim: 4}
	p := New(Config{Name: "muninn", Models: map[string]Embedder{"use-lite": f}})
	resp, err := p.Embed(context.Background(), &provider.Attempt{Model: "use-lite"},
		&api.EmbeddingRequest{Model: "muninn/use-lite", Input: api.EmbeddingInput{Texts: []string{"a", "bbb"}}, Dimensions: intp(4)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Object != "list" || resp.Model != "muninn/use-lite" || len(resp.Data) != 2 {
		t.Fatalf("resp = %+v", resp)
	}
	for i, d := range resp.Data {
		if d.Index != i || d.Object != "embedding" || len(d.Embedding) != 4 {
			t.Errorf("data[%d] = %+v", i, d)
		}
	}
	if resp.Data[1].Embedding[0] != 3 {
		t.Errorf("data[1] is not the second text's vector: %v", resp.Data[1].Embedding)
	}
	if resp.Usage == nil || resp.Usage.PromptTokens != 4 || resp.Usage.TotalTokens != 4 {
		t.Errorf("usage = %+v", resp.Usage)
	}
	if got := p.Models(); len(got) != 1 || got[0] != "use-lite" || p.Name() != "muninn" {
		t.Errorf("Models %v Name %q", got, p.Name())
	}
}

func TestEmbedErrors(t *testing.T) {
	f := &fakeEmbedder{dim: 4}
	p := New(Config{Name: "muninn", Models: map[string]Embedder{"use-lite": f}})
	tests := []struct {
		name   string
		model  string
		req    api.EmbeddingRequest
		status int
		typ    string
		param  string
	}{
		{"unknown model", "nope", api.EmbeddingRequest{Input: api.EmbeddingInput{Texts: []string{"x"}}}, 404, api.ErrModelNotFound, ""},
		{"token arrays", "use-lite", api.EmbeddingRequest{Input: api.EmbeddingInput{Raw: []byte("[[1,2]]")}}, 400, api.ErrInvalidRequest, "input"},
		{"empty input", "use-lite", api.EmbeddingRequest{}, 400, api.ErrInvalidRequest, "input"},
		{"too many", "use-lite", api.EmbeddingRequest{Input: api.EmbeddingInput{Texts: make([]string, MaxInputs+1)}}, 400, api.ErrInvalidRequest, ""},
		{"dimensions", "use-lite", api.EmbeddingRequest{Input: api.EmbeddingInput{Texts: []string{"x"}}, Dimensions: intp(256)}, 400, api.ErrInvalidRequest, "dimensions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Embed(context.Background(), &provider.Attempt{Model: tc.model}, &tc.req)
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Status != tc.status || ae.Type != tc.typ || ae.Param != tc.param {
				t.Fatalf("err = %#v, want %d %s param %q", err, tc.status, tc.typ, tc.param)
			}
		})
	}
	if _, err := p.Chat(context.Background(), &provider.Attempt{}, &api.ChatRequest{}); err == nil {
		t.Error("Chat did not fail")
	} else if ae := (*api.Error)(nil); !errors.As(err, &ae) || ae.Type != api.ErrUnsupported {
		t.Errorf("Chat error %v", err)
	}
}

func TestEmbedFailureHidesDetails(t *testing.T) {
	f := &fakeEmbedder{dim: 4, err: errors.New("weights corrupted at /secret/path")}
	p := New(Config{Name: "muninn", Models: map[string]Embedder{"m": f}})
	_, err := p.Embed(context.Background(), &provider.Attempt{Model: "m"}, &api.EmbeddingRequest{Input: api.EmbeddingInput{Texts: []string{"x"}}})
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status != http.StatusInternalServerError || ae.Type != api.ErrInternal || strings.Contains(ae.Message, "secret") {
		t.Fatalf("err = %#v", err)
	}
}

func TestConcurrencyIsBoundedAndCancelable(t *testing.T) {
	f := &fakeEmbedder{dim: 2, block: make(chan struct{})}
	p := New(Config{Name: "muninn", Models: map[string]Embedder{"m": f}, MaxConcurrent: 2})
	req := &api.EmbeddingRequest{Input: api.EmbeddingInput{Texts: []string{"x"}}}
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.Embed(context.Background(), &provider.Attempt{Model: "m"}, req)
			errs <- err
		}()
	}
	// A caller that gives up while waiting for a slot gets a cancellation error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f2 := &fakeEmbedder{dim: 2}
	p2 := New(Config{Name: "muninn", Models: map[string]Embedder{"m": f2}, MaxConcurrent: 1})
	p2.sem <- struct{}{} // the only slot is taken
	_, err := p2.Embed(ctx, &provider.Attempt{Model: "m"}, req)
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Type != api.ErrContextCanceled {
		t.Errorf("canceled wait: %v", err)
	}
	close(f.block)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if peak := f.peak.Load(); peak > 2 {
		t.Errorf("%d concurrent calls, limit 2", peak)
	}
}

// The built-in model served through the provider gives the same vectors as called
// directly.
func TestServesBuiltInModel(t *testing.T) {
	emb, err := uselite.Default()
	if err != nil {
		t.Fatal(err)
	}
	p := New(Config{Name: "muninn", Models: map[string]Embedder{"use-lite": emb}})
	texts := []string{"How do I reset my password?", "hello world"}
	resp, err := p.Embed(context.Background(), &provider.Attempt{Model: "use-lite"},
		&api.EmbeddingRequest{Model: "muninn/use-lite", Input: api.EmbeddingInput{Texts: texts}, Dimensions: intp(512)})
	if err != nil {
		t.Fatal(err)
	}
	direct, err := emb.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range texts {
		var dot float64
		for j, x := range resp.Data[i].Embedding {
			dot += float64(x) * float64(direct[i][j])
		}
		if math.Abs(dot-1) > 1e-5 {
			t.Errorf("text %d: cosine %v to the direct vector", i, dot)
		}
	}
	if resp.Usage.PromptTokens != len(emb.Tokenize(texts[0]))+len(emb.Tokenize(texts[1])) {
		t.Errorf("usage %+v", resp.Usage)
	}
}
