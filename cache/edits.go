package cache

import (
	"sync"
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

// lexiconSynonyms reports whether WordNet has a and b (words or short phrases) share a
// frequent sense or a derivation.
func lexiconSynonyms(a, b string) bool {
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
	for _, y := range c.Raw {
		if _, ok := q.words[y]; !ok {
			lc = append(lc, db.Lemmas(y))
		}
	}
	if len(lc) == 0 {
		return false
	}
	for _, x := range q.Raw {
		if _, ok := c.words[x]; ok {
			continue
		}
		lx := db.Lemmas(x)
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
	return j >= 0 && a[i] == b[j] && a[j] == b[i] && q.Prev[i] == c.Prev[i] && q.Prev[j] == c.Prev[j]
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
