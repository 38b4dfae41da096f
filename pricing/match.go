package pricing

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/muninn-gw/muninn/pricing/internal/schema"
)

type matchKind uint8

const (
	matchEquals matchKind = iota
	matchStartsWith
	matchEndsWith
	matchContains
	matchRegex
	matchOr
	matchAnd
	matchNot
)

// matcher is a compiled schema.Match. Literal rules hold their text in lower case and
// are compared with a lower-cased name; regular expressions see the name as given.
type matcher struct {
	kind matchKind
	s    string
	re   *regexp.Regexp
	subs []matcher
}

func compileMatch(m *schema.Match) (matcher, error) {
	set := 0
	var out matcher
	if m.Equals != "" {
		set++
		out = matcher{kind: matchEquals, s: strings.ToLower(m.Equals)}
	}
	if m.StartsWith != "" {
		set++
		out = matcher{kind: matchStartsWith, s: strings.ToLower(m.StartsWith)}
	}
	if m.EndsWith != "" {
		set++
		out = matcher{kind: matchEndsWith, s: strings.ToLower(m.EndsWith)}
	}
	if m.Contains != "" {
		set++
		out = matcher{kind: matchContains, s: strings.ToLower(m.Contains)}
	}
	if m.Regex != "" {
		set++
		re, err := regexp.Compile(m.Regex)
		if err != nil {
			return out, fmt.Errorf("regex %q: %w", m.Regex, err)
		}
		out = matcher{kind: matchRegex, re: re}
	}
	if len(m.Or) > 0 || len(m.And) > 0 {
		set++
		kind, list := matchOr, m.Or
		if len(m.And) > 0 {
			kind, list = matchAnd, m.And
		}
		out = matcher{kind: kind, subs: make([]matcher, len(list))}
		for i := range list {
			sub, err := compileMatch(&list[i])
			if err != nil {
				return out, err
			}
			out.subs[i] = sub
		}
	}
	if m.Not != nil {
		set++
		sub, err := compileMatch(m.Not)
		if err != nil {
			return out, err
		}
		out = matcher{kind: matchNot, subs: []matcher{sub}}
	}
	if set != 1 {
		return out, fmt.Errorf("match rule must set exactly one field, has %d", set)
	}
	return out, nil
}

// match reports whether name (and its lower-case form lower) satisfies the rule.
func (m *matcher) match(name, lower string) bool {
	switch m.kind {
	case matchEquals:
		return lower == m.s
	case matchStartsWith:
		return strings.HasPrefix(lower, m.s)
	case matchEndsWith:
		return strings.HasSuffix(lower, m.s)
	case matchContains:
		return strings.Contains(lower, m.s)
	case matchRegex:
		return m.re.MatchString(name)
	case matchOr:
		for i := range m.subs {
			if m.subs[i].match(name, lower) {
				return true
			}
		}
		return false
	case matchAnd:
		for i := range m.subs {
			if !m.subs[i].match(name, lower) {
				return false
			}
		}
		return true
	case matchNot:
		return !m.subs[0].match(name, lower)
	}
	return false
}
