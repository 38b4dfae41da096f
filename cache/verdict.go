package cache

import "strings"

// Two general rules complement the near-miss kinds (Mismatch). Unlike the kinds, which
// look for particular slots (a number, an entity, a direction), they use nothing but the
// similarity and the prompts' own words, so they carry no word lists that could fit one
// set of prompts.
//
//   - Lexical support (Verdict). At any similarity, a candidate must share at least
//     LexicalFloor of the slots of one of the two prompts (SlotOverlap): a prompt with
//     almost no word in common with an entry asks about something else, however close
//     the vectors. Below LexicalBand, where the vector alone says less, it must also
//     share more than LexicalMinOverlap of the content words of one prompt
//     (ContentOverlap), and the two prompts must not each hold a content word the other
//     lacks (no same stem, synonym or compound): a paraphrase in that band rewords
//     around the same subject words, while a neighbouring question replaces one.
//   - Best candidate only (semanticLookup): when the most similar entry above the
//     threshold is rejected, the lookup misses; it never falls through to a less similar
//     entry. A prompt that is a near-miss of its closest entry is not a paraphrase of a
//     more distant one.

// GuardLowOverlap is the rejection reason (and counter) of the lexical-support rule.
const GuardLowOverlap = "low-overlap"

// Lexical-support parameters, chosen on the tuning set of the evaluation
// (cache/README.md).
const (
	LexicalBand       = 0.80
	LexicalMinOverlap = 0.5
	LexicalFloor      = 0.2
)

// Verdict returns why candidate c (with cosine similarity sim to query q) must not be
// served: a near-miss kind, GuardLowOverlap, or "" when it may be served. enabled filters
// the near-miss kinds (nil: all); lexical switches the lexical-support rule.
func Verdict(q, c *Features, sim float32, enabled map[string]bool, lexical bool) string {
	if k := Mismatch(q, c, enabled); k != "" {
		return k
	}
	if !lexical {
		return ""
	}
	if SlotOverlap(q, c) < LexicalFloor {
		return GuardLowOverlap
	}
	if float64(sim) < LexicalBand && (ContentOverlap(q, c) <= LexicalMinOverlap || (unmatchedWord(q, c) && unmatchedWord(c, q))) {
		return GuardLowOverlap
	}
	return ""
}

// SlotOverlap is the fraction of the meaningful words (slots: content words, names,
// numbers, units, format and time words) of one prompt that have a counterpart in the
// other (the same word or stem, one a prefix of the other, or WordNet synonyms), the
// larger of the two directions. Prompts without slots overlap fully.
func SlotOverlap(a, b *Features) float64 {
	return largerShare(a.Slots, b.Slots, slotsCovered)
}

// largerShare returns the larger of share(a, b) and share(b, a), or 1 when either side
// is empty.
func largerShare[T any](a, b []T, share func(x, y []T) float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 1
	}
	return max(share(a, b), share(b, a))
}

func slotsCovered(a, b []slot) float64 {
	n := 0
	for _, x := range a {
		for _, y := range b {
			if related(x.text, y.text) || (!strings.Contains(x.raw, " ") && !strings.Contains(y.raw, " ") && lexiconSynonyms(x.raw, y.raw)) {
				n++
				break
			}
		}
	}
	return float64(n) / float64(len(a))
}

// ContentOverlap is the fraction of the content words of one prompt found in the other,
// the larger of the two directions (so a paraphrase that adds words is not penalised).
// Words are lower-cased and lightly stemmed, function words dropped; a word also matches
// a compound of two adjacent words on the other side ("light-year" / "light year").
// Prompts without content words (only numbers, symbols) overlap fully: the near-miss
// kinds judge them.
func ContentOverlap(a, b *Features) float64 {
	return largerShare(a.Content, b.Content, covered)
}

// covered is the fraction of the words of a that occur in b.
func covered(a, b []string) float64 {
	n := 0
	for i, w := range a {
		switch {
		case hasWord(b, w) || joinedIn(b, w):
			n++
		case i+1 < len(a) && hasWord(b, a[i]+a[i+1]), i > 0 && hasWord(b, a[i-1]+a[i]):
			n++
		}
	}
	return float64(n) / float64(len(a))
}

func hasWord(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// joinedIn reports whether w is two adjacent words of ws written together.
func joinedIn(ws []string, w string) bool {
	for i := 0; i+1 < len(ws); i++ {
		if len(ws[i])+len(ws[i+1]) == len(w) && ws[i]+ws[i+1] == w {
			return true
		}
	}
	return false
}
