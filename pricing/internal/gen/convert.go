package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/muninn-gw/muninn/pricing/internal/decimal"
	"github.com/muninn-gw/muninn/pricing/internal/schema"
)

type srcData struct {
	Providers []srcProvider `json:"providers"`
}

type srcProvider struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	PricingURLs   []string        `json:"pricing_urls"`
	ProviderMatch json.RawMessage `json:"provider_match"`
	ModelMatch    json.RawMessage `json:"model_match"`
	Fallback      []string        `json:"fallback_model_providers"`
	Models        []srcModel      `json:"models"`
}

type srcModel struct {
	ID            string          `json:"id"`
	Match         json.RawMessage `json:"match"`
	ContextWindow json.Number     `json:"context_window"`
	Deprecated    bool            `json:"deprecated"`
	Prices        json.RawMessage `json:"prices"`
}

type srcConditional struct {
	Constraint *struct {
		Type      string `json:"type"`
		StartDate string `json:"start_date"`
		StartTime string `json:"start_time"`
		EndTime   string `json:"end_time"`
	} `json:"constraint"`
	Prices map[string]json.RawMessage `json:"prices"`
}

// priceKeys maps the source's price keys to the components Muninn prices. Other keys
// (audio, images, searches, pages) are not token prices of chat or embedding usage.
var priceKeys = map[string]func(*schema.Rates) **int64{
	"input_mtok":            func(r *schema.Rates) **int64 { return &r.Input },
	"output_mtok":           func(r *schema.Rates) **int64 { return &r.Output },
	"cache_read_mtok":       func(r *schema.Rates) **int64 { return &r.CacheRead },
	"cache_write_mtok":      func(r *schema.Rates) **int64 { return &r.CacheWrite },
	"cache_write_1h_mtok":   func(r *schema.Rates) **int64 { return &r.CacheWrite1h },
	"output_reasoning_mtok": func(r *schema.Rates) **int64 { return &r.Reasoning },
}

type converter struct {
	warnings []string
	where    string
}

func (c *converter) warnf(format string, args ...any) {
	c.warnings = append(c.warnings, c.where+": "+fmt.Sprintf(format, args...))
}

func convert(raw []byte) (*schema.File, []string, error) {
	var src srcData
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&src); err != nil {
		return nil, nil, fmt.Errorf("decode source data: %w", err)
	}
	if len(src.Providers) == 0 {
		return nil, nil, fmt.Errorf("source data has no providers")
	}
	c := &converter{}
	out := &schema.File{Format: schema.Format}
	for _, sp := range src.Providers {
		c.where = sp.ID
		p := schema.Provider{ID: sp.ID, Name: sp.Name, PricingURLs: sp.PricingURLs, Fallback: sp.Fallback}
		var err error
		if p.ProviderMatch, err = c.optMatch(sp.ProviderMatch); err != nil {
			return nil, nil, fmt.Errorf("provider %s: provider_match: %w", sp.ID, err)
		}
		if p.ModelMatch, err = c.optMatch(sp.ModelMatch); err != nil {
			return nil, nil, fmt.Errorf("provider %s: model_match: %w", sp.ID, err)
		}
		for _, sm := range sp.Models {
			c.where = sp.ID + "/" + sm.ID
			m, ok, err := c.model(sm)
			if err != nil {
				return nil, nil, fmt.Errorf("model %s/%s: %w", sp.ID, sm.ID, err)
			}
			if ok {
				p.Models = append(p.Models, m)
			}
		}
		out.Providers = append(out.Providers, p)
	}
	return out, c.warnings, nil
}

func (c *converter) optMatch(raw json.RawMessage) (*schema.Match, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	m, err := c.match(raw)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

func (c *converter) match(raw json.RawMessage) (schema.Match, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return schema.Match{}, err
	}
	if len(obj) != 1 {
		return schema.Match{}, fmt.Errorf("match rule with %d keys", len(obj))
	}
	for k, v := range obj {
		switch k {
		case "or", "and":
			var subs []json.RawMessage
			if err := json.Unmarshal(v, &subs); err != nil {
				return schema.Match{}, err
			}
			var ms []schema.Match
			for _, s := range subs {
				m, err := c.match(s)
				if err != nil {
					return schema.Match{}, err
				}
				ms = append(ms, m)
			}
			if k == "or" {
				return schema.Match{Or: ms}, nil
			}
			return schema.Match{And: ms}, nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return schema.Match{}, fmt.Errorf("%s: %w", k, err)
		}
		switch k {
		case "equals":
			return schema.Match{Equals: s}, nil
		case "starts_with":
			return schema.Match{StartsWith: s}, nil
		case "ends_with":
			return schema.Match{EndsWith: s}, nil
		case "contains":
			return schema.Match{Contains: s}, nil
		case "regex":
			return translateRegex(s)
		}
		return schema.Match{}, fmt.Errorf("unknown match rule %q", k)
	}
	panic("unreachable")
}

// translateRegex turns the source's JavaScript expressions into RE2. The only construct
// RE2 lacks that the data uses is a leading negative lookahead, `^(?!X)Y`, which becomes
// "not ^X, and ^Y".
func translateRegex(s string) (schema.Match, error) {
	var m schema.Match
	if strings.HasPrefix(s, "^(?!") {
		end := closingParen(s, 1)
		if end < 0 {
			return m, fmt.Errorf("unbalanced regex %q", s)
		}
		neg, rest := "^(?:"+s[4:end]+")", "^"+s[end+1:]
		if _, err := regexp.Compile(neg); err != nil {
			return m, fmt.Errorf("regex %q: %w", s, err)
		}
		m = schema.Match{Not: &schema.Match{Regex: neg}}
		if rest != "^" {
			if _, err := regexp.Compile(rest); err != nil {
				return m, fmt.Errorf("regex %q: %w", s, err)
			}
			m = schema.Match{And: []schema.Match{m, {Regex: rest}}}
		}
		return m, nil
	}
	if _, err := regexp.Compile(s); err != nil {
		return m, fmt.Errorf("regex %q: %w", s, err)
	}
	return schema.Match{Regex: s}, nil
}

// closingParen returns the index of the parenthesis closing the one at open, skipping
// escapes and character classes.
func closingParen(s string, open int) int {
	depth, inClass := 0, false
	for i := open; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '\\':
			i++
		case inClass:
			if ch == ']' {
				inClass = false
			}
		case ch == '[':
			inClass = true
		case ch == '(':
			depth++
		case ch == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func (c *converter) model(sm srcModel) (schema.Model, bool, error) {
	match, err := c.match(sm.Match)
	if err != nil {
		return schema.Model{}, false, fmt.Errorf("match: %w", err)
	}
	m := schema.Model{ID: sm.ID, Match: match, Deprecated: sm.Deprecated}
	if sm.ContextWindow != "" {
		if m.Context, _, err = decimal.Scale(string(sm.ContextWindow), 0); err != nil {
			return m, false, fmt.Errorf("context_window: %w", err)
		}
	}
	var conds []srcConditional
	if bytes.HasPrefix(bytes.TrimSpace(sm.Prices), []byte("[")) {
		if err := json.Unmarshal(sm.Prices, &conds); err != nil {
			return m, false, fmt.Errorf("prices: %w", err)
		}
	} else {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(sm.Prices, &one); err != nil {
			return m, false, fmt.Errorf("prices: %w", err)
		}
		conds = []srcConditional{{Prices: one}}
	}
	priced := false
	for i, sc := range conds {
		cond, err := c.conditional(sc)
		if err != nil {
			return m, false, fmt.Errorf("prices[%d]: %w", i, err)
		}
		if i == 0 && (cond.StartDate != "" || cond.HasDaily) {
			return m, false, fmt.Errorf("first price has a constraint")
		}
		if cond.Rates.Input != nil || cond.Rates.Output != nil {
			priced = true
		}
		m.Prices = append(m.Prices, cond)
	}
	return m, priced, nil
}

func (c *converter) conditional(sc srcConditional) (schema.Conditional, error) {
	var out schema.Conditional
	if k := sc.Constraint; k != nil {
		typ := k.Type
		if typ == "" { // the source infers the type from the fields when it is absent
			switch {
			case k.StartDate != "" && k.StartTime == "" && k.EndTime == "":
				typ = "start_date"
			case k.StartDate == "" && k.StartTime != "" && k.EndTime != "":
				typ = "time_of_date"
			}
		}
		switch typ {
		case "start_date":
			if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(k.StartDate) {
				return out, fmt.Errorf("start_date %q", k.StartDate)
			}
			out.StartDate = k.StartDate
		case "time_of_date":
			from, err := secondsOfDay(k.StartTime)
			if err != nil {
				return out, err
			}
			until, err := secondsOfDay(k.EndTime)
			if err != nil {
				return out, err
			}
			out.HasDaily, out.DailyFrom, out.DailyUntil = true, from, until
		default:
			return out, fmt.Errorf("unknown constraint type %q", typ)
		}
	}
	keys := make([]string, 0, len(sc.Prices))
	for k := range sc.Prices {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	type tiered struct {
		field func(*schema.Rates) **int64
		tiers []srcTier
	}
	var tieredKeys []tiered
	thresholds := []int64{}
	for _, k := range keys {
		field, ok := priceKeys[k]
		if !ok {
			continue
		}
		raw := bytes.TrimSpace(sc.Prices[k])
		if bytes.HasPrefix(raw, []byte("{")) {
			var tp struct {
				Base  json.Number `json:"base"`
				Tiers []srcTier   `json:"tiers"`
			}
			d := json.NewDecoder(bytes.NewReader(raw))
			d.UseNumber()
			if err := d.Decode(&tp); err != nil {
				return out, fmt.Errorf("%s: %w", k, err)
			}
			v, err := c.rate(k, tp.Base)
			if err != nil {
				return out, err
			}
			*field(&out.Rates) = &v
			tieredKeys = append(tieredKeys, tiered{field, tp.Tiers})
			for _, t := range tp.Tiers {
				if !slices.Contains(thresholds, t.Start) {
					thresholds = append(thresholds, t.Start)
				}
			}
			continue
		}
		v, err := c.rate(k, json.Number(raw))
		if err != nil {
			return out, err
		}
		*field(&out.Rates) = &v
	}
	slices.Sort(thresholds)
	for _, th := range thresholds {
		t := schema.Tier{Above: th, Rates: copyRates(out.Rates)}
		for _, tk := range tieredKeys {
			// A key's price above th is its tier with the largest start <= th.
			var best *srcTier
			for i := range tk.tiers {
				if tk.tiers[i].Start <= th && (best == nil || tk.tiers[i].Start > best.Start) {
					best = &tk.tiers[i]
				}
			}
			if best == nil {
				continue
			}
			v, err := c.rate("tier", best.Price)
			if err != nil {
				return out, err
			}
			*tk.field(&t.Rates) = &v
		}
		out.Tiers = append(out.Tiers, t)
	}
	return out, nil
}

type srcTier struct {
	Start int64       `json:"start"`
	Price json.Number `json:"price"`
}

func copyRates(r schema.Rates) schema.Rates {
	cp := func(p *int64) *int64 {
		if p == nil {
			return nil
		}
		v := *p
		return &v
	}
	return schema.Rates{Input: cp(r.Input), Output: cp(r.Output), CacheRead: cp(r.CacheRead),
		CacheWrite: cp(r.CacheWrite), CacheWrite1h: cp(r.CacheWrite1h), Reasoning: cp(r.Reasoning)}
}

// rate converts USD per million tokens to nano-USD per million tokens, exactly.
func (c *converter) rate(key string, n json.Number) (int64, error) {
	v, exact, err := decimal.Scale(string(n), 9)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	if v < 0 {
		return 0, fmt.Errorf("%s: negative price %s", key, n)
	}
	if !exact {
		c.warnf("%s: %s USD/MTok is finer than 1 nano-USD per million tokens; rounded to %d", key, n, v)
	}
	return v, nil
}

var todRe = regexp.MustCompile(`^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$`)

// secondsOfDay converts "HH:MM:SS[.f](Z|±HH:MM)" to seconds after UTC midnight.
func secondsOfDay(s string) (int, error) {
	m := todRe.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("time of day %q", s)
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	se, _ := strconv.Atoi(m[3])
	if h > 23 || mi > 59 || se > 59 {
		return 0, fmt.Errorf("time of day %q", s)
	}
	off := 0
	if m[4] != "Z" {
		oh, _ := strconv.Atoi(m[6])
		om, _ := strconv.Atoi(m[7])
		off = (oh*60 + om) * 60
		if m[5] == "-" {
			off = -off
		}
	}
	return ((h*3600+mi*60+se-off)%86400 + 86400) % 86400, nil
}

// encode writes the catalog with one model per line, so a price change is a one-line diff.
func encode(f *schema.File) ([]byte, error) {
	var b bytes.Buffer
	head, err := json.Marshal(struct {
		Format int           `json:"format"`
		Source schema.Source `json:"source"`
	}{f.Format, f.Source})
	if err != nil {
		return nil, err
	}
	b.Write(head[:len(head)-1])
	b.WriteString(",\"providers\":[\n")
	for i, p := range f.Providers {
		models := p.Models
		p.Models = nil
		ph, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		// Drop the trailing `"models":null}` and write the models one per line.
		ph = bytes.TrimSuffix(ph, []byte(`"models":null}`))
		b.Write(ph)
		b.WriteString("\"models\":[\n")
		for j, m := range models {
			mb, err := json.Marshal(m)
			if err != nil {
				return nil, err
			}
			b.Write(mb)
			if j < len(models)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString("]}")
		if i < len(f.Providers)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	// Round-trip check: the output must decode to what was encoded.
	var back schema.File
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		return nil, fmt.Errorf("encoded catalog does not decode: %w", err)
	}
	return b.Bytes(), nil
}
