package uselite

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"sync"
	"testing"
)

type golden struct {
	Cases []struct {
		Text   string    `json:"text"`
		IDs    []int32   `json:"ids"`
		Vector []float64 `json:"vector"`
	} `json:"cases"`
	Batch struct {
		Texts   []string    `json:"texts"`
		Vectors [][]float64 `json:"vectors"`
	} `json:"batch"`
}

var (
	goldenOnce sync.Once
	goldenData golden
	goldenErr  error
)

// loadGolden reads testdata/golden.json, written by testdata/golden.js from the reference
// JavaScript implementation.
func loadGolden(t testing.TB) *golden {
	t.Helper()
	goldenOnce.Do(func() {
		b, err := os.ReadFile("testdata/golden.json")
		if err != nil {
			goldenErr = err
			return
		}
		goldenErr = json.Unmarshal(b, &goldenData)
	})
	if goldenErr != nil {
		t.Fatalf("golden fixtures: %v", goldenErr)
	}
	return &goldenData
}

func testEmbedder(t testing.TB) *Embedder {
	t.Helper()
	e, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func cosine(a []float32, b []float64) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * b[i]
		na += float64(a[i]) * float64(a[i])
		nb += b[i] * b[i]
	}
	return dot / math.Sqrt(na*nb)
}

func TestTokenizerMatchesReference(t *testing.T) {
	e := testEmbedder(t)
	g := loadGolden(t)
	for _, c := range g.Cases {
		if got := e.Tokenize(c.Text); !slices.Equal(got, c.IDs) {
			t.Errorf("Tokenize(%q)\n got %v\nwant %v", c.Text, got, c.IDs)
		}
	}
}

func TestVectorsMatchReference(t *testing.T) {
	e := testEmbedder(t)
	g := loadGolden(t)
	texts := make([]string, len(g.Cases))
	for i, c := range g.Cases {
		texts[i] = c.Text
	}
	// One text at a time, and all together in one batch: both must match.
	batch, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	worst := 1.0
	for i, c := range g.Cases {
		one, err := e.Embed(context.Background(), []string{c.Text})
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string][]float32{"alone": one[0], "batched": batch[i]} {
			if len(v) != Dim {
				t.Fatalf("%q: len %d", c.Text, len(v))
			}
			cos := cosine(v, c.Vector)
			worst = min(worst, cos)
			if cos < 0.9999 {
				t.Errorf("%q (%s): cosine to reference %.6f < 0.9999", c.Text, name, cos)
			}
		}
	}
	t.Logf("worst cosine to the reference over %d texts: %.7f", len(g.Cases), worst)
}

func TestBatchMatchesReferenceBatch(t *testing.T) {
	e := testEmbedder(t)
	g := loadGolden(t)
	got, err := e.Embed(context.Background(), g.Batch.Texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range g.Batch.Vectors {
		if cos := cosine(got[i], want); cos < 0.9999 {
			t.Errorf("batch text %d: cosine %.6f", i, cos)
		}
	}
}
