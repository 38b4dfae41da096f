package wordnet

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// SensesKept is how many of a word's senses per part of speech are extracted, most
// frequent first (WordNet's index order). Rare senses are what make unrelated words
// synonyms ("key" and "tonality"), so they are left out.
const SensesKept = 5

var posFiles = []string{"noun", "verb", "adj", "adv"}

// Extract reads the WordNet database files (index.* and data.*) from dict and writes the
// compact form Load reads: gzip of lines
//
//	s word id id ...   ids of the word's first SensesKept synsets per part of speech
//	a word word        an antonym pair
//	d word word        a derivational or similar-to pair ("apologize" / "apology",
//	                   "fast" / "quick")
//
// Only lower-case lemmas of letters (and up to three words, joined by spaces) are kept, and
// only synsets that hold two kept words; ids are dense and in order of first use.
func Extract(dict fs.FS, w io.Writer) error {
	type synset struct {
		words []string
	}
	synsets := map[string]*synset{} // "pos:offset"
	anto := map[[2]string]bool{}
	deriv := map[[2]string]bool{}
	type ptr struct {
		src, dst string // keys
		sw, dw   int    // word numbers (1-based), 0 = whole synset
		antonym  bool
	}
	var ptrs []ptr
	for _, pos := range posFiles {
		err := eachLine(dict, "data."+pos, func(line string) error {
			body, _, _ := strings.Cut(line, " | ")
			fs := strings.Fields(body)
			if len(fs) < 4 {
				return nil
			}
			key := pos + ":" + fs[0]
			n, err := strconv.ParseUint(fs[3], 16, 16)
			if err != nil {
				return fmt.Errorf("data.%s %s: %w", pos, fs[0], err)
			}
			s := &synset{}
			i := 4
			for j := 0; j < int(n); j++ {
				s.words = append(s.words, lemma(fs[i]))
				i += 2
			}
			synsets[key] = s
			pc, _ := strconv.Atoi(fs[i])
			i++
			for j := 0; j < pc && i+3 < len(fs); j++ {
				sym, off, p, st := fs[i], fs[i+1], fs[i+2], fs[i+3]
				i += 4
				if sym != "!" && sym != "+" && sym != "&" {
					continue
				}
				sw, _ := strconv.ParseUint(st[:2], 16, 8)
				dw, _ := strconv.ParseUint(st[2:], 16, 8)
				ptrs = append(ptrs, ptr{src: key, dst: posName(p) + ":" + off, sw: int(sw), dw: int(dw),
					antonym: sym == "!"})
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// first senses per word
	first := map[string]map[string]bool{}
	senses := map[string][]string{}
	for _, pos := range posFiles {
		err := eachLine(dict, "index."+pos, func(line string) error {
			fs := strings.Fields(line)
			if len(fs) < 4 {
				return nil
			}
			word := lemma(fs[0])
			if !keep(word) {
				return nil
			}
			sc, _ := strconv.Atoi(fs[2])
			offs := fs[len(fs)-sc:]
			if len(offs) > SensesKept {
				offs = offs[:SensesKept]
			}
			for _, o := range offs {
				k := pos + ":" + o
				senses[word] = append(senses[word], k)
				if first[word] == nil {
					first[word] = map[string]bool{}
				}
				first[word][k] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, p := range ptrs {
		a, b := synsets[p.src], synsets[p.dst]
		if a == nil || b == nil || p.sw > len(a.words) || p.dw > len(b.words) {
			continue
		}
		var xs, ys []string
		switch {
		case p.sw > 0 && p.dw > 0: // lexical pointer: between two words
			xs, ys = a.words[p.sw-1:p.sw], b.words[p.dw-1:p.dw]
		case p.sw == 0 && p.dw == 0 && !p.antonym: // semantic: between the synsets' words
			xs, ys = a.words, b.words
		default:
			continue
		}
		for _, x := range xs {
			for _, y := range ys {
				if !keep(x) || !keep(y) || x == y || !first[x][p.src] || !first[y][p.dst] {
					continue
				}
				pair := [2]string{min(x, y), max(x, y)}
				if p.antonym {
					anto[pair] = true
				} else {
					deriv[pair] = true
				}
			}
		}
	}
	// synsets shared by two kept words among their first senses
	members := map[string]int{}
	for _, ks := range senses {
		for _, k := range ks {
			members[k]++
		}
	}
	ids := map[string]int{}
	words := make([]string, 0, len(senses))
	for w := range senses {
		words = append(words, w)
	}
	slices.Sort(words)
	zw := gzip.NewWriter(w)
	bw := bufio.NewWriter(zw)
	fmt.Fprintf(bw, "# WordNet 3.1 extract: first %d senses per part of speech; see LICENSE.wordnet\n", SensesKept)
	for _, w := range words {
		var line []string
		for _, k := range senses[w] {
			if members[k] < 2 {
				continue
			}
			id, ok := ids[k]
			if !ok {
				id = len(ids)
				ids[k] = id
			}
			line = append(line, strconv.FormatInt(int64(id), 36))
		}
		if len(line) > 0 {
			fmt.Fprintf(bw, "s %s\t%s\n", w, strings.Join(line, " "))
		}
	}
	for _, set := range []struct {
		tag   string
		pairs map[[2]string]bool
	}{{"a", anto}, {"d", deriv}} {
		keys := make([][2]string, 0, len(set.pairs))
		for k := range set.pairs {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b [2]string) int {
			if c := strings.Compare(a[0], b[0]); c != 0 {
				return c
			}
			return strings.Compare(a[1], b[1])
		})
		for _, k := range keys {
			fmt.Fprintf(bw, "%s %s\t%s\n", set.tag, k[0], k[1])
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

func posName(p string) string {
	switch p {
	case "n":
		return "noun"
	case "v":
		return "verb"
	case "a", "s":
		return "adj"
	case "r":
		return "adv"
	}
	return p
}

// lemma turns a WordNet lemma ("turn_off", "good(a)") into the form the index uses.
func lemma(s string) string {
	if i := strings.IndexByte(s, '('); i > 0 {
		s = s[:i]
	}
	return strings.ReplaceAll(s, "_", " ")
}

// keep reports whether a lemma is lower-case letters in one to three words.
func keep(w string) bool {
	if w == "" || strings.Count(w, " ") > 2 {
		return false
	}
	for _, r := range w {
		if (r < 'a' || r > 'z') && r != ' ' && r != '-' {
			return false
		}
	}
	return true
}

// eachLine calls fn with every record line of a WordNet file (not the licence header,
// whose lines start with two spaces).
func eachLine(dict fs.FS, name string, fn func(line string) error) error {
	f, err := dict.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") || line == "" {
			continue
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	return sc.Err()
}
