package embedtest

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/muninn-gw/muninn/cache/embed"
)

// Texts are the inputs the suite embeds: distinct, non-empty, varied in length.
var Texts = []string{
	"How do I reset my password?",
	"What is the capital of France?",
	"Convert 10 miles to kilometers.",
	"The weather is lovely today, so let us walk along the river and talk about caching.",
	"hi",
}

// Run checks e against the embed.Embedder contract.
func Run(t *testing.T, e embed.Embedder) {
	t.Helper()
	ctx := context.Background()
	if e.Model() == "" {
		t.Error("Model() is empty")
	}
	dim := e.Dim()
	if dim <= 0 {
		t.Fatalf("Dim() = %d", dim)
	}

	t.Run("empty batch", func(t *testing.T) {
		out, err := e.Embed(ctx, nil)
		if err != nil || len(out) != 0 {
			t.Fatalf("Embed(nil) = %d vectors, %v", len(out), err)
		}
	})

	batch, err := e.Embed(ctx, Texts)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	t.Run("shape and norm", func(t *testing.T) {
		if len(batch) != len(Texts) {
			t.Fatalf("%d vectors for %d texts", len(batch), len(Texts))
		}
		for i, v := range batch {
			if err := checkUnit(v, dim); err != nil {
				t.Errorf("vector %d: %v", i, err)
			}
		}
	})

	t.Run("order", func(t *testing.T) {
		for i, text := range Texts {
			one, err := e.Embed(ctx, []string{text})
			if err != nil || len(one) != 1 {
				t.Fatalf("Embed(%q) = %d vectors, %v", text, len(one), err)
			}
			if c := embed.Cosine(one[0], batch[i]); c < 0.999 {
				t.Errorf("text %d alone vs in the batch: cosine %.5f", i, c)
			}
		}
		// Reversed input gives reversed output.
		rev := make([]string, len(Texts))
		for i, s := range Texts {
			rev[len(Texts)-1-i] = s
		}
		out, err := e.Embed(ctx, rev)
		if err != nil {
			t.Fatal(err)
		}
		for i := range rev {
			if c := embed.Cosine(out[i], batch[len(Texts)-1-i]); c < 0.999 {
				t.Errorf("reversed batch, position %d: cosine %.5f", i, c)
			}
		}
	})

	t.Run("distinct texts differ", func(t *testing.T) {
		if c := embed.Cosine(batch[0], batch[1]); c > 0.9999 {
			t.Errorf("two different texts have cosine %.5f", c)
		}
	})

	t.Run("canceled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := e.Embed(cctx, Texts[:1]); err == nil {
			t.Error("Embed with a canceled context succeeded")
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				i := g % len(Texts)
				out, err := e.Embed(ctx, []string{Texts[i], Texts[(i+1)%len(Texts)]})
				if err != nil {
					errs <- err
					return
				}
				if c := embed.Cosine(out[0], batch[i]); c < 0.999 {
					errs <- fmt.Errorf("goroutine %d: cosine %.5f", g, c)
				}
			}(g)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

func checkUnit(v []float32, dim int) error {
	if len(v) != dim {
		return fmt.Errorf("length %d, want %d", len(v), dim)
	}
	var ss float64
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("non-finite value")
		}
		ss += float64(x) * float64(x)
	}
	if math.Abs(ss-1) > 1e-3 {
		return fmt.Errorf("squared norm %.6f, want 1", ss)
	}
	return nil
}
