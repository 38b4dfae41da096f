package cache

import (
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/muninn-gw/muninn/cache/internal/wordnet"
)

// Rules that compare the content words of two prompts as an edit of one into the other.
// They use the prompts' structure and the WordNet lexicon (cache/internal/wordnet), not
// word lists written against particular prompts.

var (
	lexOnce sync.Once
	lexDB   *wordnet.DB
)

func lexicon() *wordnet.DB {
	lexOnce.Do(func() {
		db, err := wordnet.Default()
		if err == nil {
			lexDB = db
		}
	})
	return lexDB
}

// counterparts reports whether two content words say the same: the same stem or one a
// prefix of the other, a listed synonym (on the stems x, y), or names of one thing or
// WordNet synonyms (on the words as written, rx, ry).
func counterparts(x, y, rx, ry string) bool {
	return related(x, y) || lexiconSynonyms(rx, ry)
}

// lexiconSynonyms reports whether a and b (words or short phrases) are names of one thing
// (aliases) or WordNet has them share a frequent sense or a derivation.
func lexiconSynonyms(a, b string) bool {
	if x, ok := aliases[a]; ok && x == aliases[b] {
		return true // two names of one thing ("macbook" / "macos")
	}
	db := lexicon()
	return db != nil && db.Synonyms(a, b)
}

// lexiconAntonyms reports whether q holds a word whose WordNet antonym c holds, while
// neither also holds the other's word ("ascending" / "descending").
func lexiconAntonyms(q, c *Features) bool {
	db := lexicon()
	if db == nil {
		return false
	}
	var lc [][]string // base forms of c's words not in q, computed once
	for _, y := range c.Slots {
		if _, ok := q.words[y.raw]; !ok {
			lc = append(lc, db.Lemmas(y.raw))
		}
	}
	if len(lc) == 0 {
		return false
	}
	for _, x := range q.Slots {
		if _, ok := c.words[x.raw]; ok {
			continue
		}
		lx := db.Lemmas(x.raw)
		for _, ly := range lc {
			if db.AntonymLemmas(lx, ly) {
				return true
			}
		}
	}
	return false
}

// transposed reports whether c is q with two of its content words swapped, each taking
// the other's place (after the same word), and nothing else changed: "100 euros in
// dollars" / "100 dollars in euros", "noon in Tokyo ... in London" / "noon in London ...
// in Tokyo". A paraphrase that moves a word to another kind of place ("a Kubernetes
// pod" / "a pod in Kubernetes") is not a transposition.
func transposed(q, c *Features) bool {
	a, b := q.Content, c.Content
	if len(a) != len(b) || len(a) < 2 {
		return false
	}
	i, j := -1, -1
	for k := range a {
		if a[k] == b[k] {
			continue
		}
		switch {
		case i < 0:
			i = k
		case j < 0:
			j = k
		default:
			return false
		}
	}
	if j < 0 {
		return false
	}
	if _, sym := symmetricJoin[q.Prev[j]]; sym {
		return false // "between TCP and UDP"
	}
	return a[i] == b[j] && a[j] == b[i] && q.Prev[i] == c.Prev[i] && q.Prev[j] == c.Prev[j]
}

// openingWh returns the question word that opens a prompt when it asks for a person, a
// time, a place or a reason; "" otherwise.
func openingWh(toks []token) string {
	for _, t := range toks {
		switch t.lower {
		case "who", "whom", "whose":
			return "who"
		case "when":
			return "when"
		case "where":
			return "where"
		case "why":
			return "why"
		}
		return ""
	}
	return ""
}

// singleLetterName reports whether a one-letter token names something: a capital letter
// inside a sentence ("vitamin C", "plan B", "type 1 vs type 2" aside), or "I" as a
// numeral after a capitalised word ("World War I"), not the pronoun.
func singleLetterName(t token) bool {
	r, _ := utf8.DecodeRuneInString(t.text)
	if r < 'A' || r > 'Z' || t.sentStart {
		return false
	}
	return r != 'I' || t.afterName
}

// slot is one word of a prompt that carries meaning (content words, numbers, units,
// format and time words; a multi-word name is one slot) with the word before it.
type slot struct {
	text string // stemmed content word, or the lower-cased word
	raw  string // the lower-cased word (words, for a name)
	prev string // the lower-cased word before the slot's first word ("" at the start)
}

func (f *Features) addSlot(toks []token, i int) {
	w := toks[i].lower
	if _, ok := functionWords[w]; ok {
		return
	}
	if _, ok := negationWords[w]; ok {
		return
	}
	text := contentWord(w)
	if text == "" {
		text = w
	}
	if n := len(f.Slots); n > 0 && i > 0 && isEntity(toks[i]) && isEntity(toks[i-1]) && !toks[i].sentStart {
		f.Slots[n-1].text += " " + text // a name's next word joins it
		f.Slots[n-1].raw += " " + w
		return
	}
	// The context is the word before the name the word ends ("to" for "to New York").
	j := i - 1
	for j >= 0 && capitalised(toks[j+1]) && capitalised(toks[j]) {
		j--
	}
	prev := ""
	if j >= 0 {
		prev = toks[j].lower
	}
	f.Slots = append(f.Slots, slot{text: text, raw: w, prev: prev})
}

func capitalised(t token) bool {
	r, _ := utf8.DecodeRuneInString(t.text)
	return !t.sentStart && unicode.IsUpper(r)
}

// swapped reports whether c is q with two spans of its words exchanged, each span
// keeping the context the other had: "from Tokyo to New York" / "from New York to
// Tokyo", "port 80 … to port 8000" / "port 8000 … to port 80", "a datetime into a
// string" / "a string into a datetime". Spans joined by "and", "or", "vs" or "with" are
// interchangeable ("between X and Y"), and a span that moves to a new context ("a list
// in Python" / "a Python list") is a rewording, not a swap.
func swapped(q, c *Features) bool {
	a, b := q.Slots, c.Slots
	if len(a) != len(b) || len(a) < 2 {
		return false
	}
	p, s := commonEnds(a, b)
	ma, mb := a[p:len(a)-s], b[p:len(b)-s]
	n := len(ma)
	if n < 2 {
		return false
	}
	for la := 1; la < n; la++ {
		for lb := 1; la+lb <= n; lb++ {
			A, Y, B := ma[:la], ma[la:n-lb], ma[n-lb:]
			if sameText(A, B) || !sameText(mb[:lb], B) || !sameText(mb[lb:n-la], Y) || !sameText(mb[n-la:], A) {
				continue
			}
			// the contexts stay in place: what preceded A in q precedes B in c, and so on
			if !sameContext(A[0].prev, mb[0].prev) || !sameContext(B[0].prev, mb[n-la].prev) {
				continue
			}
			if _, sym := symmetricJoin[B[0].prev]; sym {
				continue
			}
			return true
		}
	}
	return false
}

// sameContext reports whether two words before a span hold it in the same place: the
// same word, or two determiners ("my iPhone" / "a Windows PC" after "to").
func sameContext(a, b string) bool {
	if a == b {
		return true
	}
	_, da := determiners[a]
	_, db := determiners[b]
	return da && db
}

func sameText(x, y []slot) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i].text != y[i].text {
			return false
		}
	}
	return true
}

// symmetricJoin are words that join two interchangeable things ("" is the start of the
// prompt: nothing holds a span in place there).
var symmetricJoin = map[string]struct{}{"and": {}, "or": {}, "vs": {}, "versus": {}, "&": {}, "": {}, "with": {}}

// narrowed reports whether one prompt is the other with a run of words added and
// nothing else changed: "thaw frozen chicken" / "thaw frozen chicken overnight". Only
// slots count, so function and framing words ("what's the best way to", "explain")
// neither make nor break a narrowing.
func narrowed(q, c *Features) bool {
	a, b := unframed(q.Slots), unframed(c.Slots)
	if len(a) == len(b) {
		return false
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(b) == 0 {
		return false
	}
	p, s := commonEnds(a, b)
	return p+s == len(b)
}

// unframed returns slots without the words that frame a request rather than narrow it
// ("the steps to", "the meaning of", "explain"), sharing s's array only when none is
// dropped.
func unframed(s []slot) []slot {
	if !slices.ContainsFunc(s, framingSlot) {
		return s
	}
	out := make([]slot, 0, len(s))
	for _, x := range s {
		if !framingSlot(x) {
			out = append(out, x)
		}
	}
	return out
}

func framingSlot(x slot) bool {
	_, ok := framingWords[x.raw]
	return ok
}

// commonEnds returns how many slots a and b share at the start, and then at the end.
func commonEnds(a, b []slot) (prefix, suffix int) {
	n := min(len(a), len(b))
	for prefix < n && a[prefix].text == b[prefix].text {
		prefix++
	}
	for suffix < n-prefix && a[len(a)-1-suffix].text == b[len(b)-1-suffix].text {
		suffix++
	}
	return prefix, suffix
}

// resubstituted reports whether c is q with two words replaced in place by words that
// are not synonyms, the rest of the words (at least two) the same and in the same
// places: "remove unused Docker images" / "remove stopped Docker containers".
func resubstituted(q, c *Features) bool {
	a, b := q.Content, c.Content
	if len(a) != len(b) {
		return false
	}
	var diff []int
	for k := range a {
		if a[k] != b[k] {
			diff = append(diff, k)
		}
	}
	if len(diff) != 2 || len(a)-len(diff) < 2 {
		return false
	}
	if i, j := diff[0], diff[1]; a[i] == b[j] && a[j] == b[i] {
		return false // two words swapped, not replaced ("git branch" / "branch in git")
	}
	for _, k := range diff {
		if counterparts(a[k], b[k], q.Raw[k], c.Raw[k]) {
			return false
		}
	}
	return true
}

// howToVerb returns the verb of a how-to question ("How do I restore …", "how to
// restore …", "How can I restore …"), lower-cased; "" for other prompts.
func howToVerb(toks []token) string {
	if len(toks) < 3 || toks[0].lower != "how" {
		return ""
	}
	i := 1
	switch toks[1].lower {
	case "to":
		i = 2
	case "do", "can", "could", "should", "would":
		if toks[2].lower != "i" && toks[2].lower != "you" && toks[2].lower != "we" {
			return ""
		}
		i = 3
	default:
		return ""
	}
	if i >= len(toks) {
		return ""
	}
	return toks[i].lower
}

// otherTask reports whether two how-to questions ask how to do different things: their
// verbs differ and are not synonyms ("restore my account" / "delete my account").
func otherTask(q, c *Features) bool {
	x, y := q.Task, c.Task
	if x == "" || y == "" || x == y || lightVerb(x) || lightVerb(y) {
		return false
	}
	if counterparts(stem(x), stem(y), x, y) {
		return false
	}
	return true
}

// lightVerb reports whether a verb says little on its own ("get it renewed", "make it
// retry", "set up"): the task is in the words after it.
func lightVerb(w string) bool {
	if _, ok := functionWords[w]; ok {
		return true
	}
	switch w {
	case "set", "use", "have", "do":
		return true
	}
	return false
}

// reframed reports whether the two prompts are one frame with different fillers: they
// share at least reframeShared content words in the same order, covering at least
// reframeCover of the shorter prompt's content words, and each holds a content word that
// has no counterpart in the other (the same stem, a synonym, or a compound of two of its
// words). "standing water in the drum of my washing machine" / "… in the bottom of my
// dishwasher", "a cover letter for a registered nurse applying for …" / "… for a high
// school teacher applying for …". A paraphrase rewords its frame, so it shares fewer
// words in order; a near-miss keeps the frame and replaces what it asks about.
func reframed(q, c *Features) bool {
	a, b := q.Content, c.Content
	if min(len(a), len(b)) < reframeShared {
		return false
	}
	n := lcs(a, b)
	if n < reframeShared || float64(n) < reframeCover*float64(min(len(a), len(b))) {
		return false
	}
	return unmatchedWord(q, c) && unmatchedWord(c, q)
}

// Parameters of reframed, chosen on the tuning set (cache/README.md).
const (
	reframeShared = 3
	reframeCover  = 0.6
)

// lcs is the length of the longest common subsequence of a and b.
func lcs(a, b []string) int {
	if len(a) > 64 || len(b) > 64 {
		a, b = a[:min(len(a), 64)], b[:min(len(b), 64)]
	}
	var prev, cur [65]int
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case cur[j] >= prev[j+1]:
				cur[j+1] = cur[j]
			default:
				cur[j+1] = prev[j+1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// unmatchedWord reports whether q holds a content word with no counterpart in c.
func unmatchedWord(q, c *Features) bool {
	for i, w := range q.Content {
		if hasWord(c.Content, w) || joinedIn(c.Content, w) {
			continue
		}
		found := false
		for j, v := range c.Content {
			if counterparts(w, v, q.Raw[i], c.Raw[j]) {
				found = true
				break
			}
		}
		if !found {
			return true
		}
	}
	return false
}
