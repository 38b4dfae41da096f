package vectorstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/vectorstore"
)

func TestValidate(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tests := []struct {
		name string
		vec  []float32
		ok   bool
	}{
		{"unit", []float32{1, 0}, true},
		{"negative", []float32{-3, 0.5}, true},
		{"tiny", []float32{1e-30, 0}, true},
		{"empty", nil, false},
		{"zero", []float32{0, 0, 0}, false},
		{"NaN", []float32{1, nan}, false},
		{"+Inf", []float32{inf, 1}, false},
		{"-Inf", []float32{-inf}, false},
		{"norm overflows", []float32{math.MaxFloat32, math.MaxFloat32}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := vectorstore.Validate(tc.vec)
			if tc.ok != (err == nil) {
				t.Fatalf("Validate(%v) = %v", tc.vec, err)
			}
			if err != nil && !errors.Is(err, vectorstore.ErrInvalidVector) {
				t.Fatalf("error %v does not wrap ErrInvalidVector", err)
			}
		})
	}
}

func TestCosineAndNormalize(t *testing.T) {
	tests := []struct {
		a, b []float32
		want float64
	}{
		{[]float32{1, 0}, []float32{1, 0}, 1},
		{[]float32{1, 0}, []float32{-2, 0}, -1},
		{[]float32{1, 0}, []float32{0, 5}, 0},
		{[]float32{1, 0}, []float32{3, 4}, 0.6},
		{[]float32{1, 1}, []float32{1, 0}, 1 / math.Sqrt2},
		{[]float32{1, 0}, []float32{0, 0}, 0},
		{[]float32{1, 0}, []float32{1, 0, 0}, 0},
	}
	for _, tc := range tests {
		if got := vectorstore.Cosine(tc.a, tc.b); math.Abs(float64(got)-tc.want) > 1e-6 {
			t.Errorf("Cosine(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	n := vectorstore.Normalize([]float32{3, 4})
	if math.Abs(float64(n[0])-0.6) > 1e-7 || math.Abs(float64(n[1])-0.8) > 1e-7 {
		t.Fatalf("Normalize = %v", n)
	}
	if vectorstore.Normalize([]float32{0, 0}) != nil {
		t.Fatal("Normalize of zero is not nil")
	}
	if vectorstore.Clamp(1.0000001) != 1 || vectorstore.Clamp(-1.5) != -1 {
		t.Fatal("Clamp")
	}
}

func TestSortMatches(t *testing.T) {
	m := []vectorstore.Match{{ID: "b", Score: 0.5}, {ID: "c", Score: 0.9}, {ID: "a", Score: 0.5}, {ID: "d", Score: -1}}
	vectorstore.SortMatches(m)
	got := []string{m[0].ID, m[1].ID, m[2].ID, m[3].ID}
	if strings.Join(got, "") != "cabd" {
		t.Fatalf("order %v, want c a b d", got)
	}
}

func TestFilterMatches(t *testing.T) {
	p := map[string]string{"tenant": "a", "model": "m"}
	tests := []struct {
		f    vectorstore.Filter
		want bool
	}{
		{nil, true},
		{vectorstore.Filter{}, true},
		{vectorstore.Filter{"tenant": "a"}, true},
		{vectorstore.Filter{"tenant": "a", "model": "m"}, true},
		{vectorstore.Filter{"tenant": "b"}, false},
		{vectorstore.Filter{"x": ""}, false},
	}
	for _, tc := range tests {
		if got := tc.f.Matches(p); got != tc.want {
			t.Errorf("%v.Matches = %v", tc.f, got)
		}
	}
}

type fakeStore struct{ vectorstore.Store }

func TestRegistry(t *testing.T) {
	var gotCfg string
	vectorstore.Register("test-registry", func(_ context.Context, raw json.RawMessage) (vectorstore.Store, error) {
		gotCfg = string(raw)
		if gotCfg == `"fail"` {
			return nil, errors.New("boom")
		}
		return fakeStore{}, nil
	})
	if _, err := vectorstore.Open(context.Background(), "test-registry", json.RawMessage(`{"a":1}`)); err != nil || gotCfg != `{"a":1}` {
		t.Fatalf("Open: %v, cfg %q", err, gotCfg)
	}
	_, err := vectorstore.Open(context.Background(), "test-registry", json.RawMessage(`"fail"`))
	if err == nil || !strings.Contains(err.Error(), `open vector store "test-registry": boom`) {
		t.Fatalf("opener error not wrapped: %v", err)
	}
	_, err = vectorstore.Open(context.Background(), "missing", nil)
	if err == nil || err.Error() != `unknown vector store "missing" (forgotten import?)` {
		t.Fatalf("unknown kind: %v", err)
	}
	found := false
	for _, k := range vectorstore.Kinds() {
		found = found || k == "test-registry"
	}
	if !found {
		t.Fatal("Kinds does not list the registered backend")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("registering a name twice did not panic")
			}
		}()
		vectorstore.Register("test-registry", func(context.Context, json.RawMessage) (vectorstore.Store, error) { return nil, nil })
	}()
}

func TestDecodeConfig(t *testing.T) {
	type cfg struct {
		A int    `json:"a"`
		B string `json:"b"`
	}
	tests := []struct {
		raw     string
		want    cfg
		wantErr bool
	}{
		{``, cfg{A: 7}, false},
		{`null`, cfg{A: 7}, false},
		{`{"b":"x"}`, cfg{A: 7, B: "x"}, false},
		{`{"c":1}`, cfg{}, true},
		{`{"a":"1"}`, cfg{}, true},
		{`{} []`, cfg{}, true},
	}
	for _, tc := range tests {
		c := cfg{A: 7}
		err := vectorstore.DecodeConfig(json.RawMessage(tc.raw), &c)
		if tc.wantErr != (err != nil) || (!tc.wantErr && c != tc.want) {
			t.Errorf("DecodeConfig(%s) = %+v, %v", tc.raw, c, err)
		}
	}
}
