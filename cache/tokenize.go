package cache

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenize splits text into words: letters and digits, with inner apostrophes, dots,
// underscores, hyphens and slashes kept ("don't", "node.js", "gpt-4o"), and trailing "+"
// or "#" ("c++", "c#").
func tokenize(text string) []token {
	var toks []token
	sentStart := true
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			switch r {
			case '.', '!', '?', ':', '\n', ';':
				sentStart = true
			case '$', '€', '£', '¥', '₩', '%':
				toks = append(toks, token{text: string(r), lower: string(r)})
			case '→':
				toks = append(toks, token{text: "→", lower: "→"})
			case '-':
				if strings.HasPrefix(text[i:], "->") {
					toks = append(toks, token{text: "->", lower: "->"})
					i += 2
					continue
				}
			}
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) {
				i += size
				continue
			}
			if (r == '\'' || r == '’' || r == '.' || r == '_' || r == '-' || r == '/') && i+size < len(text) {
				next, _ := utf8.DecodeRuneInString(text[i+size:])
				if isWordRune(next) {
					i += size
					continue
				}
			}
			if r == '+' || r == '#' {
				for i < len(text) && (text[i] == '+' || text[i] == '#') {
					i++
				}
			}
			break
		}
		w := strings.ReplaceAll(text[start:i], "’", "'")
		lw := strings.ToLower(w)
		if strings.HasPrefix(lw, "°") {
			lw = strings.TrimPrefix(lw, "°")
		}
		lw = strings.ReplaceAll(lw, "'", "")
		if w == "US" {
			lw = "usa" // the country, not the pronoun
		}
		if strings.HasSuffix(strings.ToLower(w), "'s") {
			lw = strings.ToLower(strings.TrimSuffix(w, "'s"))
		}
		if n := leadingDigits(w); n > 0 && n < len(w) && isLetters(w[n:]) {
			// "9am", "30°C", "5k": a number and its unit.
			toks = append(toks, token{text: w[:n], lower: w[:n], sentStart: sentStart},
				token{text: w[n:], lower: strings.TrimPrefix(lw[n:], "°")})
			if strings.HasPrefix(w[n:], "°") {
				toks[len(toks)-1].lower = "°" + strings.TrimPrefix(lw[n:], "°")
			}
			sentStart = false
			continue
		}
		afterName := false
		if n := len(toks); n > 0 && !toks[n-1].sentStart {
			r, _ := utf8.DecodeRuneInString(toks[n-1].text)
			afterName = unicode.IsUpper(r)
		}
		toks = append(toks, token{text: w, lower: lw, sentStart: sentStart, afterName: afterName})
		sentStart = false
	}
	return toks
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '°' {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '°' }

// extractNumbers finds digit runs, keeping the arithmetic between them ("2+2", "3*4") and
// dropping thousands separators.
func extractNumbers(text string) []string {
	text = superscripts.Replace(text)
	var out []string
	var cur strings.Builder
	hasDigit, lastOp := false, false
	suffix := byte(0) // 'k' of "60k", 'x' of "2x daily"
	flush := func() {
		if hasDigit {
			s := strings.Trim(cur.String(), "+-*/^=.,x×÷() ")
			s = strings.ReplaceAll(s, " ", "")
			s = dropThousands(s)
			switch suffix {
			case 'k':
				if v, err := strconv.ParseFloat(s, 64); err == nil {
					s = strconv.FormatFloat(v*1000, 'f', -1, 64)
				}
			case 'x':
				s = "x" + s // as "twice" reads
			}
			if s != "" {
				out = append(out, s)
			}
		}
		cur.Reset()
		hasDigit, suffix = false, 0
	}
	for i, r := range text {
		op := false
		switch {
		case r >= '0' && r <= '9':
			cur.WriteRune(r)
			hasDigit = true
		case strings.ContainsRune("+-*/^=×÷", r) && hasDigit:
			cur.WriteRune(r)
			op = true
		case strings.ContainsRune("+-*/^=×÷", r) && !hasDigit && nextIsDigit(text, i+utf8.RuneLen(r)):
			cur.WriteRune(r)
			op = true
		case (r == '.' || r == ',') && hasDigit && nextIsDigit(text, i+1):
			cur.WriteRune(r)
		case r == ' ' && hasDigit && (lastOp || nextIsOperator(text, i+1)):
			// "2 + 2": keep going
			op = lastOp
		case (r == 'k' || r == 'K' || r == 'x') && hasDigit && !lastOp && !nextIsWordRune(text, i+1) && !nextIsOperator(text, i+1) && isNumeric(cur.String()):
			suffix = byte(unicode.ToLower(r))
			flush()
		default:
			flush()
		}
		lastOp = op
	}
	flush()
	return out
}

// nextIsWordRune reports whether a letter or digit starts at s[i:].
func nextIsWordRune(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[min(i, len(s)):])
	return i < len(s) && isWordRune(r)
}

// superscripts are exponents: "x³" is "x^3".
var superscripts = strings.NewReplacer("⁰", "^0", "¹", "^1", "²", "^2", "³", "^3", "⁴", "^4",
	"⁵", "^5", "⁶", "^6", "⁷", "^7", "⁸", "^8", "⁹", "^9")

func nextIsDigit(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

func nextIsOperator(s string, i int) bool {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i < len(s) && strings.IndexByte("+-*/^=x", s[i]) >= 0 && i+1 < len(s) &&
		(s[i+1] == ' ' || (s[i+1] >= '0' && s[i+1] <= '9'))
}

func dropThousands(s string) string {
	if !strings.Contains(s, ",") {
		return s
	}
	parts := strings.Split(s, ",")
	for _, p := range parts[1:] {
		if len(p) < 3 || (len(p) > 3 && p[3] >= '0' && p[3] <= '9') {
			return s
		}
	}
	return strings.ReplaceAll(s, ",", "")
}

// extractQuoted returns text between double quotes, curly quotes or backticks, and
// between single quotes that open after a space.
func extractQuoted(text string) []string {
	var out []string
	pairs := [][2]string{{"\"", "\""}, {"“", "”"}, {"`", "`"}, {"‘", "’"}, {"「", "」"}}
	for _, p := range pairs {
		rest := text
		for {
			i := strings.Index(rest, p[0])
			if i < 0 {
				break
			}
			rest = rest[i+len(p[0]):]
			j := strings.Index(rest, p[1])
			if j < 0 {
				break
			}
			if q := strings.ToLower(strings.TrimSpace(rest[:j])); q != "" {
				out = append(out, q)
			}
			rest = rest[j+len(p[1]):]
		}
	}
	// Single quotes: only ' opening at a word boundary, so "don't" is not a quote.
	for i := 0; i < len(text); i++ {
		if text[i] != '\'' || (i > 0 && text[i-1] != ' ' && text[i-1] != '(') {
			continue
		}
		j := strings.IndexByte(text[i+1:], '\'')
		if j <= 0 {
			break
		}
		end := i + 1 + j
		if end+1 < len(text) && isWordRune(rune(text[end+1])) {
			continue
		}
		out = append(out, strings.ToLower(strings.TrimSpace(text[i+1:end])))
		i = end
	}
	return out
}
