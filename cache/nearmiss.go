package cache

import (
	"slices"
	"strings"
)

// Mismatch returns the first near-miss kind on which q and c differ, "" when none does.
// enabled filters the kinds checked (nil checks all).
func Mismatch(q, c *Features, enabled map[string]bool) string {
	on := func(k string) bool { return enabled == nil || enabled[k] }
	if on(KindNumber) && !sameNumbers(q, c) {
		return KindNumber
	}
	if on(KindQuoted) && !slices.Equal(q.Quoted, c.Quoted) {
		return KindQuoted
	}
	if on(KindNegation) && q.Negated != c.Negated {
		return KindNegation
	}
	if on(KindUnit) && !slices.Equal(q.Units, c.Units) {
		return KindUnit
	}
	if on(KindDirection) && (reversedPair(q.Pairs, c.Pairs) || opposedPoles(q.Poles, c.Poles) ||
		transposed(q, c) || swapped(q, c) || lexiconAntonyms(q, c)) {
		return KindDirection
	}
	if on(KindTime) && (!allPresent(q.Times, c.words) || !allPresent(c.Times, q.words) ||
		(len(q.TimeSeq) == len(c.TimeSeq) && !slices.Equal(q.TimeSeq, c.TimeSeq))) {
		return KindTime
	}
	if on(KindFormat) && (!allPresent(q.Formats, c.formats) || !allPresent(c.Formats, q.formats)) {
		return KindFormat
	}
	// Last: the entity check also catches any one-slot substitution of a subject word.
	if on(KindEntity) && (!allPresent(q.Entities, c.words) || !allPresent(c.Entities, q.words) ||
		substituted(q, c) || resubstituted(q, c) || otherTask(q, c) || reframed(q, c)) {
		return KindEntity
	}
	if on(KindQuestion) && q.Wh != "" && c.Wh != "" && q.Wh != c.Wh {
		return KindQuestion
	}
	if on(KindQualifier) && narrowed(q, c) {
		return KindQualifier
	}
	return ""
}

// sameNumbers compares two prompts' numbers, a 1 on one side only aside: "in 1 mile" asks
// what "in a mile" does. A stressed one ("a single commit", "only one") is a number.
func sameNumbers(q, c *Features) bool {
	if slices.Equal(q.Numbers, c.Numbers) {
		return true
	}
	for _, f := range []*Features{q, c} {
		for _, w := range []string{"single", "only", "just"} {
			if _, ok := f.words[w]; ok {
				return false
			}
		}
	}
	return slices.Equal(withoutOne(q.Numbers), withoutOne(c.Numbers))
}

func withoutOne(ns []string) []string {
	if i := slices.Index(ns, "1"); i >= 0 {
		return slices.Delete(slices.Clone(ns), i, i+1)
	}
	return ns
}

// allPresent reports whether every item occurs among words; a multi-word item ("mount
// everest") needs one of its words, a time item like "next week" all of them.
func allPresent(items []string, words map[string]struct{}) bool {
	for _, e := range items {
		if _, ok := words[e]; ok {
			continue
		}
		if a, ok := aliases[e]; ok {
			if _, ok := words[a]; ok {
				continue
			}
		}
		if !strings.Contains(e, " ") {
			if parts := splitParts(e); len(parts) > 1 {
				if _, ok := words[strings.Join(parts, "")]; ok || allWords(parts, words) {
					continue
				}
			}
			if _, ok := words[stem(e)]; ok {
				continue
			}
			return false
		}
		fs := strings.Fields(e)
		if _, ok := timeModifiers[fs[0]]; ok {
			if !allWords(fs, words) {
				return false
			}
			continue
		}
		found := false
		for _, w := range fs {
			if _, ok := words[w]; ok {
				found = true
				break
			}
		}
		if found {
			// the last word names the thing ("United Kingdom" is not "United States")
			last := fs[len(fs)-1]
			_, found = words[last]
			if !found {
				_, found = words[stem(last)]
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func allWords(ws []string, words map[string]struct{}) bool {
	for _, w := range ws {
		if _, ok := words[w]; !ok {
			return false
		}
	}
	return true
}

// substituted reports whether b is a with one slot of one or two content words replaced
// by one or two others that are not synonyms, the words before and after the slot being
// the same ("brown rice" for "white rice", "remote branch" for "local branch"); a slot of
// three words needs two words of context ("a pothos" / "a fiddle leaf fig" between
// "propagate" and "cuttings"). That is how near-misses look; paraphrases reword more than
// one slot or swap synonyms.
func substituted(qf, cf *Features) bool {
	a, b := qf.Content, cf.Content
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	da, db := a[p:len(a)-s], b[p:len(b)-s]
	if len(da) == 0 || len(db) == 0 || len(da) > 3 || len(db) > 3 || (len(da) == 3 || len(db) == 3) && p+s < 2 {
		return false
	}
	if p+s == 0 && (len(a) > 1 || len(b) > 1) {
		return false // nothing in common to anchor a slot
	}
	ra, rb := qf.Raw[p:len(a)-s], cf.Raw[p:len(b)-s]
	for i, x := range da {
		for j, y := range db {
			if counterparts(x, y, ra[i], rb[j]) {
				return false
			}
		}
	}
	if len(ra) == 2 && len(rb) == 2 && lexiconSynonyms(ra[0]+" "+ra[1], rb[0]+" "+rb[1]) {
		return false
	}
	for _, pair := range [][2][]string{{ra, rb}, {rb, ra}} {
		if len(pair[0]) == 2 {
			for _, y := range pair[1] {
				if lexiconSynonyms(pair[0][0]+" "+pair[0][1], y) {
					return false
				}
			}
		}
	}
	return true
}

func related(x, y string) bool {
	if x == y || strings.HasPrefix(x, y) || strings.HasPrefix(y, x) {
		return true
	}
	for _, gx := range synonyms[x] {
		for _, gy := range synonyms[y] {
			if gx == gy {
				return true
			}
		}
	}
	return false
}

func reversedPair(a, b [][2]string) bool {
	for _, p := range a {
		for _, q := range b {
			if p[0] == q[1] && p[1] == q[0] {
				return true
			}
			// Same source, different target ("English to French" vs "English to German")
			// is an entity or format change, caught by those checks.
		}
	}
	return false
}

func opposedPoles(a, b []pole) bool {
	for _, p := range a {
		if hasPole(b, p.pair, 1-p.side) && !hasPole(b, p.pair, p.side) {
			return true
		}
	}
	for _, p := range b {
		if hasPole(a, p.pair, 1-p.side) && !hasPole(a, p.pair, p.side) {
			return true
		}
	}
	return false
}

func hasPole(ps []pole, pair int, side int8) bool {
	for _, p := range ps {
		if p.pair == pair && p.side == side {
			return true
		}
	}
	return false
}
