package cache

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Near-miss kinds: the reasons a semantic candidate is rejected although its vector is
// close. They are also the tags of the evaluation set.
const (
	KindNumber    = "number"
	KindQuoted    = "quoted"
	KindNegation  = "negation"
	KindEntity    = "entity"
	KindUnit      = "unit"
	KindDirection = "direction"
	KindTime      = "time"
	KindFormat    = "format"
	// KindQuestion: both prompts open with a different question word (who / when).
	KindQuestion = "question"
	// KindQualifier: one prompt is the other with words added and nothing else changed
	// ("thaw chicken" / "thaw chicken overnight"): the added words narrow the question.
	KindQualifier = "qualifier"
)

// NearMissKinds lists every kind, in the order checks run.
var NearMissKinds = []string{KindNumber, KindQuoted, KindNegation, KindEntity, KindUnit,
	KindDirection, KindTime, KindFormat, KindQuestion, KindQualifier}

// Features are the parts of a prompt that a paraphrase keeps and a near-miss changes.
// Embeddings of short prompts barely move when one of them changes ("2+2" vs "2+3" has
// cosine 0.985 with the built-in model), so they are compared literally.
type Features struct {
	Numbers  []string // digit runs and number words, normalised ("1,000" -> "1000", "five" -> "5")
	Quoted   []string // text in quotes or backticks, lower-cased
	Negated  bool
	Entities []string // proper nouns, acronyms, identifiers (lower-cased; phrases space-joined)
	Units    []string // canonical unit symbols
	Times    []string // time words, folded ("yearly" -> "year")
	TimeSeq  []string // the order of am/pm and weekday-like words, for "9 am to 5 pm"
	Formats  []string // output formats, languages, length and audience words
	Pairs    [][2]string
	Poles    []pole
	Content  []string            // stemmed content words in order, for the substitution check
	Raw      []string            // the same words lower-cased but not stemmed, for the lexicon
	Prev     []string            // the word before each content word ("" at the start)
	Wh       string              // the question word that opens the prompt: who, when, where, why
	Slots    []slot              // every word but function words, names joined, for the swap check
	Task     string              // the verb a how-to question opens with ("restore" in "how do I restore")
	words    map[string]struct{} // every lower-cased word and its parts, for presence checks
	formats  map[string]struct{} // every format word, context or not
}

type token struct {
	text      string // original
	lower     string
	sentStart bool
	afterName bool // the word before is capitalised, not at a sentence start
}

// ExtractFeatures computes the near-miss features of a prompt.
func ExtractFeatures(text string) *Features {
	f := &Features{words: map[string]struct{}{}, formats: map[string]struct{}{}}
	f.Quoted = extractQuoted(text)
	f.Numbers = extractNumbers(text)
	toks := tokenize(text)
	var phrase []string
	flushPhrase := func() {
		if len(phrase) > 0 {
			f.Entities = append(f.Entities, strings.Join(phrase, " "))
			phrase = phrase[:0]
		}
	}
	for i, t := range toks {
		w := t.lower
		f.addWord(w)
		if i+1 < len(toks) {
			if a, ok := aliases[w+" "+toks[i+1].lower]; ok {
				f.words[a] = struct{}{}
			}
			if i+2 < len(toks) {
				if a, ok := aliases[w+" "+toks[i+1].lower+" "+toks[i+2].lower]; ok {
					f.words[a] = struct{}{}
				}
			}
		}
		parts := splitParts(w)
		for _, part := range parts {
			f.addWord(part)
		}
		if len(parts) > 1 {
			f.addWord(strings.Join(parts, ""))
		}
		for _, x := range append([]string{w}, partsIfSplit(w, parts)...) {
			if _, ok := negationWords[x]; ok {
				f.Negated = true
			}
			if n, ok := numberWords[x]; ok {
				f.Numbers = appendNumberWord(f.Numbers, n, toks, i)
			} else if x == "one" && (len(parts) > 1 || nextIsUnit(toks, i)) {
				f.Numbers = append(f.Numbers, "1")
			}
			if u, ok := units[x]; ok && !ambiguousUnit(x, toks, i) {
				f.Units = append(f.Units, u)
			}
			if tc, ok := timeWord(x, toks, i); ok {
				f.Times = append(f.Times, tc)
				if x == "am" || x == "pm" {
					f.TimeSeq = append(f.TimeSeq, x)
				}
			}
		}
		if _, ok := timeModifiers[w]; ok && i+1 < len(toks) {
			if _, ok := timeUnitsAfterModifier[toks[i+1].lower]; ok {
				f.Times = append(f.Times, w+" "+foldTime(toks[i+1].lower))
			}
		}
		for _, x := range partsIfSplit(w, parts) {
			if fw, ok := formatWords[x]; ok {
				f.Formats = append(f.Formats, fw)
				f.formats[fw] = struct{}{}
			}
		}
		if fw, ok := formatWords[w]; ok {
			f.Formats = append(f.Formats, fw)
			f.formats[fw] = struct{}{}
		} else if fw, ok := formatNeedsContext[w]; ok {
			f.formats[fw] = struct{}{}
			if languageContext(toks, i) {
				f.Formats = append(f.Formats, fw)
			}
		}
		f.Poles = append(f.Poles, poles[w]...)
		if i+1 < len(toks) {
			f.Poles = append(f.Poles, poles[w+" "+toks[i+1].lower]...)
		}
		if isEntity(t) && !classified(w) {
			phrase = append(phrase, w)
		} else {
			flushPhrase()
		}
		if p, ok := directionPair(toks, i); ok {
			f.Pairs = append(f.Pairs, p)
		}
		f.addSlot(toks, i)
		if c := contentWord(w); c != "" {
			f.Content = append(f.Content, c)
			f.Raw = append(f.Raw, w)
			prev := ""
			if i > 0 {
				prev = toks[i-1].lower
			}
			f.Prev = append(f.Prev, prev)
		}
	}
	flushPhrase()
	f.Quoted = append(f.Quoted, foreignWords(toks)...)
	f.Wh = openingWh(toks)
	f.Task = howToVerb(toks)
	f.Units = compositeUnits(f.Units, toks)
	for _, s := range []*[]string{&f.Numbers, &f.Quoted, &f.Units, &f.Times, &f.Formats, &f.Entities} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return f
}

// foreignWords returns the words of a Latin-script prompt written in another script
// ("the difference between は and が"): like quoted text, they are what is asked about,
// and compared literally.
func foreignWords(toks []token) []string {
	latin := false
	for _, t := range toks {
		if r, _ := utf8.DecodeRuneInString(t.text); unicode.In(r, unicode.Latin) {
			latin = true
			break
		}
	}
	if !latin {
		return nil
	}
	var out []string
	for _, t := range toks {
		for _, r := range t.text {
			if unicode.IsLetter(r) && !unicode.In(r, unicode.Latin, unicode.Greek) {
				out = append(out, t.lower)
				break
			}
		}
	}
	return out
}

// appendNumberWord appends number word n to nums; a multiplier word ("thousand") right
// after a number ("sixty thousand", "60 thousand") replaces that number by the product.
func appendNumberWord(nums []string, n string, toks []token, i int) []string {
	m, ok := multipliers[n]
	if !ok || i == 0 {
		return append(nums, n)
	}
	prev := strings.ReplaceAll(toks[i-1].lower, ",", "")
	if w, ok := numberWords[prev]; ok {
		prev = w
	}
	v, err := strconv.ParseFloat(prev, 64)
	if err != nil {
		return append(nums, n)
	}
	if k := slices.Index(nums, prev); k >= 0 {
		nums = slices.Delete(nums, k, k+1)
	}
	return append(nums, strconv.FormatFloat(v*m, 'f', -1, 64))
}

var multipliers = map[string]float64{"100": 100, "1000": 1e3, "1e6": 1e6, "1e9": 1e9, "1e12": 1e12}

func (f *Features) addWord(w string) {
	f.words[w] = struct{}{}
	if a, ok := aliases[w]; ok {
		f.words[a] = struct{}{}
	}
	if n, ok := numberWords[w]; ok {
		f.words[n] = struct{}{}
	}
	if t, ok := timeCanon[w]; ok {
		f.words[t] = struct{}{}
	}
	f.words[stem(w)] = struct{}{}
}

// splitParts splits "jump-start", "os.path", "async/await" into their parts.
func splitParts(w string) []string {
	if !strings.ContainsAny(w, "-./_") {
		return nil
	}
	return strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '.' || r == '/' || r == '_' })
}

// partsIfSplit returns the parts of a compound word to classify one by one, unless the
// compound is itself a known unit ("km/h").
func partsIfSplit(w string, parts []string) []string {
	if len(parts) < 2 {
		return nil
	}
	if _, ok := units[w]; ok {
		return nil
	}
	return parts
}

func nextIsUnit(toks []token, i int) bool {
	if i+1 >= len(toks) {
		return false
	}
	n := toks[i+1].lower
	_, u := units[n]
	_, t := timeCanon[n]
	return u || t
}

// timeWord reports whether w is a time word, folded; "am" and "pm" count only after a
// number ("9 am", not "how old am I").
func timeWord(w string, toks []token, i int) (string, bool) {
	if w == "am" || w == "pm" {
		return w, i > 0 && isNumeric(toks[i-1].lower)
	}
	if _, ok := timeWords[w]; ok {
		return foldTime(w), true
	}
	return "", false
}

func foldTime(w string) string {
	if t, ok := timeCanon[w]; ok {
		return t
	}
	return w
}

// compositeUnits folds "miles per hour" into "mi/h".
func compositeUnits(us []string, toks []token) []string {
	for i := 0; i+2 < len(toks); i++ {
		if toks[i+1].lower != "per" {
			continue
		}
		a, ok1 := units[toks[i].lower]
		b, ok2 := units[toks[i+2].lower]
		if !ok1 || !ok2 {
			continue
		}
		us = removeOne(removeOne(us, a), b)
		us = append(us, a+"/"+b)
	}
	return us
}

func removeOne(s []string, v string) []string {
	if i := slices.Index(s, v); i >= 0 {
		return slices.Delete(s, i, i+1)
	}
	return s
}

// directionPair returns the (source, target) around a connector at i: "miles to km",
// "30 Celsius in Fahrenheit" (source first), "how many km in a mile" (reversed).
func directionPair(toks []token, i int) ([2]string, bool) {
	w := toks[i].lower
	_, conn := directionConnectors[w]
	if !conn && w != "in" {
		return [2]string{}, false
	}
	a, b := neighbour(toks, i, -1), neighbour(toks, i, +1)
	if a == "" || b == "" || a == b {
		return [2]string{}, false
	}
	if w == "in" {
		// Only conversions: both sides units or formats ("100 euros in US dollars").
		a, b = nearestUnit(toks, i, -1), nearestUnit(toks, i, +1)
		if a == "" || b == "" || a == b {
			return [2]string{}, false
		}
		if howMany(toks, i) && !amountBefore(toks, i) {
			a, b = b, a
		}
	}
	return [2]string{canonWord(a), canonWord(b)}, true
}

// nearestUnit returns the nearest unit or format word within three words of i in
// direction dir, "" if there is none.
func nearestUnit(toks []token, i, dir int) string {
	for j := i + dir; j >= 0 && j < len(toks) && abs(j-i) <= 3; j += dir {
		if w := toks[j].lower; isUnitOrFormat(w) {
			return w
		}
	}
	return ""
}

func isUnitOrFormat(w string) bool {
	_, u := units[w]
	_, f := formatWords[w]
	return u || f
}

// amountBefore reports whether a number comes shortly before toks[i]: "how much is 100
// euros in dollars" converts the amount, it does not count euros in a dollar.
func amountBefore(toks []token, i int) bool {
	for j := i - 1; j >= 0 && i-j <= 3; j-- {
		if isNumeric(toks[j].lower) {
			return true
		}
	}
	return false
}

// howMany reports whether "how many", "how much" or "number of" comes shortly before i.
func howMany(toks []token, i int) bool {
	for j := i - 1; j >= 1 && i-j <= 4; j-- {
		if toks[j-1].lower == "how" && (toks[j].lower == "many" || toks[j].lower == "much") {
			return true
		}
		if toks[j-1].lower == "number" && toks[j].lower == "of" { // "number of days in a year"
			return true
		}
	}
	return false
}

// contentWord returns the stem of a word that carries the subject of a prompt, or "".
func contentWord(w string) string {
	if _, ok := functionWords[w]; ok {
		return ""
	}
	if _, ok := negationWords[w]; ok {
		return ""
	}
	if t, ok := timeCanon[w]; ok {
		return t // "for a week" vs "for a month"
	}
	if classified(w) || isNumeric(w) || strings.ContainsAny(w, "0123456789") {
		return ""
	}
	if _, ok := timeModifiers[w]; ok {
		return ""
	}
	if r, n := utf8.DecodeRuneInString(w); n == len(w) && r < utf8.RuneSelf {
		return "" // a single ASCII letter; one kana or ideograph is a word ("は" / "が")
	}
	return stem(strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r == '/' || r == '_' {
			return -1
		}
		return r
	}, w))
}

// stem strips common English suffixes; crude, but the same on both sides.
func stem(w string) string {
	w = strings.TrimSuffix(w, "'s")
	for _, suf := range []string{"ations", "ation", "ingly", "ings", "ing", "edly", "ies", "ied", "es", "ed", "ly", "s"} {
		if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-len(suf) >= 3 {
			base := strings.TrimSuffix(w, suf)
			if suf == "ies" || suf == "ied" {
				base += "y"
			}
			return base
		}
	}
	return w
}

// ambiguousUnit filters unit spellings that are also common words or letters: they count
// only right after a number ("5 m", "3 in").
func ambiguousUnit(w string, toks []token, i int) bool {
	switch w {
	case "m", "g", "b", "l", "mi", "min", "pt", "em", "bar", "won", "stone", "sec", "ms", "amp", "ton",
		"day", "week", "month", "year":
		return i == 0 || !isNumeric(toks[i-1].lower)
	}
	return false
}

// classified reports whether a word is already compared by another kind.
func classified(w string) bool {
	if _, ok := formatWords[w]; ok {
		return true
	}
	if _, ok := formatNeedsContext[w]; ok {
		return true
	}
	if _, ok := units[w]; ok {
		return true
	}
	if _, ok := timeWords[w]; ok {
		return true
	}
	_, ok := numberWords[w]
	return ok
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	if _, ok := numberWords[s]; ok {
		return true
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' && r != ',' {
			return false
		}
	}
	return true
}

func languageContext(toks []token, i int) bool {
	if i > 0 {
		switch toks[i-1].lower {
		case "in", "using", "with", "to":
			return true
		}
	}
	if i+1 < len(toks) {
		switch toks[i+1].lower {
		case "code", "program", "function", "script", "language", "struct", "module":
			return true
		}
	}
	return false
}

// canonWord maps unit and number spellings to one form, so "miles to km" and "mi to
// kilometres" give the same pair.
func canonWord(w string) string {
	if u, ok := units[w]; ok {
		return u
	}
	if f, ok := formatWords[w]; ok {
		return f
	}
	return strings.TrimSuffix(w, "'s")
}

// neighbour returns the nearest word before (dir -1) or after (dir +1) position i that is
// not a stop word or a number.
func neighbour(toks []token, i, dir int) string {
	for j := i + dir; j >= 0 && j < len(toks) && abs(j-i) <= 3; j += dir {
		w := toks[j].lower
		if _, ok := stopWords[w]; ok {
			continue
		}
		if isNumeric(w) {
			continue
		}
		return w
	}
	return ""
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// isEntity: a word capitalised mid-sentence, or one with inner capitals, digits mixed with
// letters, or identifier punctuation ("iPhone", "AWS", "gpt-4o", "os.path"). Sentence-
// initial capitals alone do not count ("Explain ...").
func isEntity(t token) bool {
	if _, ok := commonWords[t.lower]; ok {
		return false
	}
	if _, ok := functionWords[t.lower]; ok {
		return false
	}
	if utf8.RuneCountInString(t.text) < 2 {
		return singleLetterName(t)
	}
	if parts := splitParts(t.lower); len(parts) > 1 && isNumeric(parts[0]) {
		return false // "3-bullet", "two-week", "1-hour"
	}
	upper, lower, digit, letter, dotted := 0, 0, 0, 0, false
	first := true
	innerUpper := false
	for _, r := range t.text {
		switch {
		case unicode.IsUpper(r):
			upper++
			letter++
			if !first {
				innerUpper = true
			}
		case unicode.IsLower(r):
			lower++
			letter++
		case unicode.IsDigit(r):
			digit++
		case r == '.' || r == '_':
			dotted = true
		}
		first = false
	}
	if letter == 0 {
		return false
	}
	if innerUpper || (digit > 0 && letter > 0) || (dotted && letter > 1) {
		return true
	}
	return upper > 0 && !t.sentStart
}
