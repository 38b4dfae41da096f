package uselite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/muninn-gw/muninn/cache/embed"
)

// The embedded weights must be exactly what the converter recorded; regenerate both with
// `go generate ./cache/embed/uselite` (see README.md).
func TestEmbeddedWeightsChecksum(t *testing.T) {
	sum := sha256.Sum256(weights)
	want, _, _ := strings.Cut(weightsSHA256, " ")
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("assets/model.bin sha256 %s, assets/model.bin.sha256 records %s", got, want)
	}
}

func TestLoadRejectsBadWeights(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"garbage", []byte("not a model at all")},
		{"truncated", weights[:len(weights)/2]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Load(tc.data); err == nil {
				t.Fatal("Load accepted bad weights")
			}
		})
	}
}

func TestEmbedContract(t *testing.T) {
	e := testEmbedder(t)
	if e.Model() != "muninn/use-lite" || e.Dim() != 512 || e.MaxTokens() != 128 {
		t.Fatalf("Model %q Dim %d MaxTokens %d", e.Model(), e.Dim(), e.MaxTokens())
	}
	out, err := e.Embed(context.Background(), nil)
	if err != nil || len(out) != 0 {
		t.Fatalf("Embed(nil) = %v, %v", out, err)
	}
	texts := []string{"one", "two", "", "one"}
	out, err = e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range out {
		if n := embed.Cosine(v, v); n < 0.9999 || n > 1.0001 {
			t.Errorf("vector %d is not unit length", i)
		}
		var ss float64
		for _, x := range v {
			ss += float64(x) * float64(x)
		}
		if ss < 0.9999 || ss > 1.0001 {
			t.Errorf("vector %d has squared norm %v", i, ss)
		}
	}
	if c := embed.Cosine(out[0], out[3]); c < 0.999999 {
		t.Errorf("same text twice: cosine %v", c)
	}
	// Appending to a returned vector must not clobber the next one.
	_ = append(out[0], 1)
	if embed.Cosine(out[1], out[1]) == 0 || out[1][0] == 1 && out[1][1] == 0 {
		t.Error("vectors share capacity")
	}
}

func TestEmbedSplitsLargeBatches(t *testing.T) {
	e := testEmbedder(t)
	defer func(n int) { e.maxRows = n }(e.maxRows)
	e.maxRows = 130 // so that 6 texts of ~60 tokens need three forward passes
	long := strings.Repeat("many words make a long request ", 10)
	texts := make([]string, 6)
	for i := range texts {
		texts[i] = long
	}
	texts[3] = "a short one in the middle"
	out, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	alone, _ := e.Embed(context.Background(), []string{texts[3], long})
	if c := embed.Cosine(out[3], alone[0]); c < 0.99999 {
		t.Errorf("short text in a split batch: cosine %v", c)
	}
	if c := embed.Cosine(out[5], alone[1]); c < 0.99999 {
		t.Errorf("last long text in a split batch: cosine %v", c)
	}
}

func TestEmbedHonoursContext(t *testing.T) {
	e := testEmbedder(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Embed(ctx, []string{"hello"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestEmbedConcurrent(t *testing.T) {
	e := testEmbedder(t)
	g := loadGolden(t)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(g.Cases); i += 4 {
				c := g.Cases[i]
				v, err := e.Embed(context.Background(), []string{c.Text, "filler text"})
				if err != nil {
					t.Error(err)
					return
				}
				if cos := cosine(v[0], c.Vector); cos < 0.9999 {
					t.Errorf("%q concurrently: cosine %v", c.Text, cos)
				}
				_ = e.Coverage(c.Text)
			}
		}(w)
	}
	wg.Wait()
}
