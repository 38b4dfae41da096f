package asset

import (
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	w := NewWriter("src@1", "sha512-x")
	w.Const("eps", 1e-6)
	if err := w.Add("m", []int{2, 3}, F16, []float32{1, 2, 3, -4, 0.5, 0}); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("v", []int{3}, F32, []float32{0.1, 0.2, 0.3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Vocab([]Piece{{"▁the", -3.5}, {"<s>", 0}, {"x", -1e-3}}); err != nil {
		t.Fatal(err)
	}
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := w.Bytes()
	if string(b) != string(b2) {
		t.Fatal("encoding is not deterministic")
	}
	f, err := Read(b)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.Tensor("m", 2, 3)
	if err != nil || m[3] != -4 || m[4] != 0.5 {
		t.Fatalf("m = %v, %v", m, err)
	}
	v, err := f.Tensor("v", 3)
	if err != nil || v[1] != 0.2 {
		t.Fatalf("v = %v, %v", v, err)
	}
	if _, err := f.Tensor("m", 3, 2); err == nil {
		t.Error("wrong shape accepted")
	}
	if _, err := f.Tensor("nope"); err == nil {
		t.Error("missing tensor accepted")
	}
	if e, err := f.Const("eps"); err != nil || e != 1e-6 {
		t.Errorf("eps = %v, %v", e, err)
	}
	voc, err := f.Vocab()
	if err != nil || len(voc) != 3 || voc[0].Text != "▁the" || voc[2].Score != -1e-3 {
		t.Fatalf("vocab = %v, %v", voc, err)
	}
}

func TestReadRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"empty", "", "bad magic"},
		{"magic only", Magic, "bad magic"},
		{"header too long", Magic + "\xff\x00\x00\x00{}", "exceeds"},
		{"bad json", Magic + "\x02\x00\x00\x00{x", "decode"},
		{"tensor outside", withHeader(`{"tensors":[{"name":"a","shape":[4],"dtype":"f32","offset":0}]}`), "outside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func withHeader(h string) string {
	n := len(h)
	return Magic + string([]byte{byte(n), byte(n >> 8), 0, 0}) + h
}
