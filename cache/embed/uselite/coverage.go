package uselite

import (
	"unicode"

	"github.com/muninn-gw/muninn/cache/embed"
)

// Coverage thresholds. The vocabulary is English: text in another script is tokenized
// character by character or into unknown ids, and its vectors carry little meaning
// (Korean paraphrases and unrelated Korean sentences score alike; see README.md).
const (
	// MaxUnknownRatio is the largest share of non-space characters the vocabulary may
	// not know for a text to be supported.
	MaxUnknownRatio = 0.1
	// MaxForeignLetterRatio is the largest share of letters outside the Latin script.
	MaxForeignLetterRatio = 0.25
)

// scripts named in a Coverage reason, most common first.
var scripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Han", unicode.Han}, {"Hangul", unicode.Hangul}, {"Hiragana", unicode.Hiragana},
	{"Katakana", unicode.Katakana}, {"Cyrillic", unicode.Cyrillic}, {"Arabic", unicode.Arabic},
	{"Devanagari", unicode.Devanagari}, {"Greek", unicode.Greek}, {"Hebrew", unicode.Hebrew},
	{"Thai", unicode.Thai},
}

// Coverage says whether the model's vector for text is meaningful: Supported is false for
// an empty text, a text longer than the 128-token window (its tail is ignored, so texts
// differing only there would look identical), a text whose characters are mostly unknown
// to the vocabulary (emoji, symbols), or mostly letters of a non-Latin script.
func (e *Embedder) Coverage(text string) embed.Coverage {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	ids := e.m.tok.encode(&s.tok, text)
	c := embed.Coverage{Supported: true, Tokens: len(ids), Truncated: len(ids) > e.m.maxTokens}

	chars, latin, foreign := 0, 0, 0
	var counts [16]int
	for _, r := range s.tok.runes {
		if r == '▁' || unicode.IsSpace(r) {
			continue
		}
		chars++
		if !unicode.IsLetter(r) {
			continue
		}
		if unicode.Is(unicode.Latin, r) {
			latin++
			continue
		}
		foreign++
		for i, sc := range scripts {
			if unicode.Is(sc.table, r) {
				counts[i]++
				break
			}
		}
	}
	if chars > 0 {
		c.UnknownRatio = float64(s.tok.unknownChars) / float64(chars)
	}
	switch {
	case chars == 0:
		c.Supported, c.Reason = false, "empty text"
	case c.Truncated:
		c.Supported, c.Reason = false, "truncated"
	case latin+foreign > 0 && float64(foreign)/float64(latin+foreign) > MaxForeignLetterRatio:
		name, best := "non-Latin", 0
		for i, sc := range scripts {
			if counts[i] > best {
				name, best = sc.name, counts[i]
			}
		}
		c.Supported, c.Reason = false, "unknown script ("+name+")"
	case c.UnknownRatio > MaxUnknownRatio:
		c.Supported, c.Reason = false, "unknown characters"
	}
	return c
}
