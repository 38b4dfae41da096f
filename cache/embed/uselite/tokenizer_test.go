package uselite

import (
	"context"
	"slices"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"hello world", "▁hello▁world"},
		{" a  b ", "▁▁a▁▁b▁"},
		{"ﬁne", "▁fine"},               // NFKC ligature
		{"Ｈｉ\u00a0there", "▁Hi▁there"}, // fullwidth; no-break space becomes a space
		{"tab\there", "▁tab\there"},    // only U+0020 becomes ▁
		{"bad\xffbyte", "▁bad\uFFFDbyte"},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A tiny vocabulary makes the Viterbi quirks visible.
func TestTokenizerQuirks(t *testing.T) {
	pieces := []string{"\uFFFD", "<s>", "</s>", "r3", "r4", "r5", // reserved 0..5
		"▁", "a", "b", "ab", "▁a", "▁:", ":", ")", "▁:)"}
	scores := []float64{0, 0, 0, 0, 0, 0,
		-5, -2, -2, -3, -1, 0, 0, -1, 0}
	tok := NewTokenizer(pieces, scores)
	tests := []struct {
		in   string
		want []int32
	}{
		{"", nil},
		{"ab", []int32{10, 8}},     // "▁a" (-1) + "b" (-2) beats "▁" + "ab" (-8)
		{"a", []int32{10}},         // single piece
		{"x", []int32{6, 0}},       // unknown character
		{"xyz", []int32{6, 0}},     // consecutive unknowns merge
		{"axa", []int32{10, 0, 7}}, // unknown between known pieces
		{"<s>", []int32{6, 0}},     // reserved pieces are never produced
		{":)", []int32{6, 12, 13}}, // a best score of exactly 0 counts as unset
		{"a b", []int32{10, 6, 8}}, // spaces become ▁
	}
	for _, tc := range tests {
		if got := tok.Encode(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Encode(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// Any input, valid UTF-8 or not, tokenizes to valid ids and embeds to a unit vector.
func FuzzEmbed(f *testing.F) {
	for _, s := range []string{"", "hello", "\xff\xfe", "😀😀", "ﷺ", "a\u0301", "\u0000", "▁▁", "한국어 text"} {
		f.Add(s)
	}
	e := testEmbedder(f)
	f.Fuzz(func(t *testing.T, s string) {
		ids := e.Tokenize(s)
		for _, id := range ids {
			if id < 0 || int(id) >= len(e.m.tok.pieces) || (id > 0 && id < reservedSymbols) {
				t.Fatalf("Tokenize(%q) produced id %d", s, id)
			}
		}
		if utf8.RuneCountInString(s) > 0 && Normalize(s) != "" && len(ids) == 0 {
			t.Fatalf("Tokenize(%q) is empty", s)
		}
		v, err := e.Embed(context.Background(), []string{s})
		if err != nil {
			t.Fatal(err)
		}
		var ss float64
		for _, x := range v[0] {
			ss += float64(x) * float64(x)
		}
		if ss < 0.999 || ss > 1.001 {
			t.Fatalf("Embed(%q): |v|² = %v", s, ss)
		}
		_ = e.Coverage(s)
	})
}
