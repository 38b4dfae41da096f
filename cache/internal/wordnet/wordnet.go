package wordnet

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/wordnet.gz
var data []byte

// DB answers synonym, antonym and derivation questions about English words. It is
// immutable and safe for concurrent use.
type DB struct {
	words  []string   // sorted lemmas
	senses [][]uint32 // synset ids per word, parallel to words
	anto   map[[2]string]struct{}
	deriv  map[[2]string]struct{}
}

var (
	once sync.Once
	def  *DB
	derr error
)

// Default returns the embedded extract, loaded once on first use.
func Default() (*DB, error) {
	once.Do(func() { def, derr = Load(bytes.NewReader(data)) })
	return def, derr
}

// Load reads the gzip'd form Extract writes.
func Load(r io.Reader) (*DB, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("wordnet: %w", err)
	}
	db := &DB{anto: map[[2]string]struct{}{}, deriv: map[[2]string]struct{}{}}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		tag, rest, _ := strings.Cut(line, " ")
		a, b, ok := strings.Cut(rest, "\t")
		if !ok {
			return nil, fmt.Errorf("wordnet: bad line %q", line)
		}
		switch tag {
		case "s":
			var ids []uint32
			for _, f := range strings.Fields(b) {
				n, err := strconv.ParseUint(f, 36, 32)
				if err != nil {
					return nil, fmt.Errorf("wordnet: bad id in %q", line)
				}
				ids = append(ids, uint32(n))
			}
			db.words = append(db.words, a)
			db.senses = append(db.senses, ids)
		case "a":
			db.anto[[2]string{a, b}] = struct{}{}
		case "d":
			db.deriv[[2]string{a, b}] = struct{}{}
		default:
			return nil, fmt.Errorf("wordnet: bad line %q", line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("wordnet: %w", err)
	}
	if !sort.StringsAreSorted(db.words) {
		return nil, fmt.Errorf("wordnet: words not sorted")
	}
	return db, nil
}

func (db *DB) sensesOf(w string) []uint32 {
	i := sort.SearchStrings(db.words, w)
	if i < len(db.words) && db.words[i] == w {
		return db.senses[i]
	}
	return nil
}

// Known reports whether w (or a base form of it) is a WordNet lemma with a shared sense.
func (db *DB) Known(w string) bool {
	for _, l := range db.Lemmas(w) {
		if db.sensesOf(l) != nil {
			return true
		}
	}
	return false
}

// Lemmas returns w and the base forms its inflections may come from ("boxes" -> "box",
// "biggest" -> "big", "deleted" -> "delete"), as WordNet's morphy does without its
// exception lists; only forms WordNet knows are returned, w first.
func (db *DB) Lemmas(w string) []string {
	out := []string{w}
	add := func(s string) {
		if s == "" || s == w {
			return
		}
		for _, x := range out {
			if x == s {
				return
			}
		}
		if db.sensesOf(s) != nil {
			out = append(out, s)
		}
	}
	for _, r := range detach {
		if strings.HasSuffix(w, r[0]) && len(w)-len(r[0]) >= 2 {
			base := w[:len(w)-len(r[0])] + r[1]
			add(base)
			// doubled final consonant: "biggest" -> "bigg" -> "big", "stopped" -> "stop"
			if n := len(base); r[1] == "" && n >= 3 && base[n-1] == base[n-2] && !strings.ContainsRune("aeiou", rune(base[n-1])) {
				add(base[:n-1])
			}
		}
	}
	return out
}

// detach lists morphy's suffix rules for nouns, verbs and adjectives.
var detach = [][2]string{
	{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"},
	{"men", "man"}, {"ies", "y"},
	{"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""},
	{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}, {"ier", "y"}, {"iest", "y"},
	{"ly", ""}, {"ily", "y"},
}

// Synonyms reports whether a and b (words or short phrases, lower-case) share a synset
// among their most frequent senses, or are derivationally related ("apology" /
// "apologize"), after reducing inflections.
func (db *DB) Synonyms(a, b string) bool {
	la, lb := db.Lemmas(a), db.Lemmas(b)
	for _, x := range la {
		for _, y := range lb {
			if x == y {
				return true
			}
			if shareSense(db.sensesOf(x), db.sensesOf(y)) {
				return true
			}
			if _, ok := db.deriv[[2]string{min(x, y), max(x, y)}]; ok {
				return true
			}
		}
	}
	return false
}

// Antonyms reports whether a and b are WordNet antonyms ("increase" / "decrease",
// "ascending" / "descending") after reducing inflections.
func (db *DB) Antonyms(a, b string) bool { return db.AntonymLemmas(db.Lemmas(a), db.Lemmas(b)) }

// AntonymLemmas is Antonyms on base forms already found with Lemmas, for callers that
// compare one word with many.
func (db *DB) AntonymLemmas(la, lb []string) bool {
	for _, x := range la {
		for _, y := range lb {
			if _, ok := db.anto[[2]string{min(x, y), max(x, y)}]; ok {
				return true
			}
		}
	}
	return false
}

func shareSense(a, b []uint32) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
