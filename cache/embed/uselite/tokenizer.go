package uselite

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

// Tokenizer is the SentencePiece-style unigram tokenizer of Universal Sentence Encoder Lite,
// a port of the reference JavaScript tokenizer including its quirks, which decide the token
// ids and therefore the vectors:
//
//   - the text is NFKC-normalised, then prefixed with "▁" and every U+0020 becomes "▁"
//     (other whitespace, such as tabs and newlines, stays and is unknown);
//   - the first 6 vocabulary entries (reserved symbols) are never produced;
//   - a null score in the vocabulary counts as 0;
//   - a character no piece starts with becomes the unknown id 0 with score 0, and
//     consecutive unknown ids merge into one;
//   - Viterbi visits candidates by end position, then start position ascending; a candidate
//     replaces the best so far when its score is >= (later wins ties), and a best score of
//     exactly 0 means "unset", so it is always replaced;
//   - backtracking steps back by the UTF-16 length of the chosen piece.
type Tokenizer struct {
	pieces  []string
	scores  []float64
	backLen []int32 // UTF-16 length of each piece, as JavaScript's String.length

	// Trie over runes: child of node n by rune r is children[n<<21|r]; node 0 is the root.
	children map[uint64]int32
	endID    []int32 // piece id ending at the node, or -1
}

const reservedSymbols = 6

// NewTokenizer builds the tokenizer for a vocabulary (in id order).
func NewTokenizer(pieces []string, scores []float64) *Tokenizer {
	t := &Tokenizer{
		pieces:   pieces,
		scores:   scores,
		backLen:  make([]int32, len(pieces)),
		children: make(map[uint64]int32, 4*len(pieces)),
		endID:    []int32{-1},
	}
	for id, p := range pieces {
		n := 0
		for _, r := range p {
			n += utf16.RuneLen(r)
		}
		t.backLen[id] = int32(n)
	}
	for id := reservedSymbols; id < len(pieces); id++ {
		node := int32(0)
		for _, r := range pieces[id] {
			key := uint64(node)<<21 | uint64(r)
			child, ok := t.children[key]
			if !ok {
				child = int32(len(t.endID))
				t.endID = append(t.endID, -1)
				t.children[key] = child
			}
			node = child
		}
		if node != 0 {
			t.endID[node] = int32(id) // a duplicate piece keeps the last id, as in the reference
		}
	}
	return t
}

// Normalize applies the reference pre-processing: NFKC, "▁" prefix, spaces to "▁".
func Normalize(text string) string {
	s := norm.NFKC.String(strings.ToValidUTF8(text, "\uFFFD"))
	if s == "" {
		return s
	}
	return "▁" + strings.ReplaceAll(s, " ", "▁")
}

// candidate is one piece ending at some position.
type candidate struct {
	start int32
	id    int32 // 0 for an unknown character
	score float64
}

// tokState is the per-call scratch of Encode.
type tokState struct {
	runes []rune
	best  []float64
	words []int32
	cands [][]candidate // by end position
	ids   []int32
	// unknownChars counts the non-space characters that became unknown ids.
	unknownChars int
}

// Encode returns the token ids of text (not truncated to the model's window).
func (t *Tokenizer) Encode(text string) []int32 {
	var st tokState
	return append([]int32(nil), t.encode(&st, text)...)
}

// encode tokenizes into st and returns st.ids.
func (t *Tokenizer) encode(st *tokState, text string) []int32 {
	// Normalize(text) as runes, without building the string (NFKC returns already
	// normalised text as is, so the common case does not allocate).
	st.runes = st.runes[:0]
	if s := norm.NFKC.String(strings.ToValidUTF8(text, "\uFFFD")); s != "" {
		st.runes = append(st.runes, '▁')
		for _, r := range s {
			if r == ' ' {
				r = '▁'
			}
			st.runes = append(st.runes, r)
		}
	}
	n := len(st.runes)
	st.best = resize(st.best, n+1)
	st.words = resize(st.words, n+1)
	if cap(st.cands) < n+1 {
		st.cands = make([][]candidate, n+1)
	}
	st.cands = st.cands[:n+1]
	for i := range st.cands {
		st.cands[i] = st.cands[i][:0]
	}
	clear(st.best)
	clear(st.words)

	// Common-prefix search from every start, in ascending start order, so each end
	// position's list is ordered by start as in the reference.
	for i := 0; i < n; i++ {
		node, found := int32(0), false
		for j := i; j < n; j++ {
			child, ok := t.children[uint64(node)<<21|uint64(st.runes[j])]
			if !ok {
				break
			}
			node = child
			if id := t.endID[node]; id >= 0 {
				st.cands[j+1] = append(st.cands[j+1], candidate{start: int32(i), id: id, score: t.scores[id]})
				found = true
			}
		}
		if !found {
			st.cands[i+1] = append(st.cands[i+1], candidate{start: int32(i)})
		}
	}
	for end := 1; end <= n; end++ {
		for _, c := range st.cands[end] {
			score := c.score + st.best[c.start]
			if st.best[end] == 0 || score >= st.best[end] {
				st.best[end] = score
				st.words[end] = c.id
			}
		}
	}
	// Backtrack (ids come out reversed), merging runs of unknown ids.
	st.ids = st.ids[:0]
	st.unknownChars = 0
	prevUnk := false
	for it := n; it > 0; {
		id := st.words[it]
		if id == 0 && !unicode.IsSpace(st.runes[it-1]) {
			st.unknownChars++
		}
		if !(prevUnk && id == 0) {
			st.ids = append(st.ids, id)
		}
		prevUnk = id == 0
		it -= int(t.backLen[id])
	}
	for i, j := 0, len(st.ids)-1; i < j; i, j = i+1, j-1 {
		st.ids[i], st.ids[j] = st.ids[j], st.ids[i]
	}
	return st.ids
}

// Piece returns the text of a token id.
func (t *Tokenizer) Piece(id int32) string { return t.pieces[id] }

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
