package pricing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/muninn-gw/muninn/pricing/internal/decimal"
)

// LiteLLM's model_prices_and_context_window.json is an object of model name -> entry.
// Costs there are USD per token, written as JSON numbers such as 2.5e-06; they are read
// as decimal text and scaled exactly (×1e15) to nano-USD per million tokens. Fields
// Muninn does not price (images, audio, search, batches...) are ignored, as are entries
// whose mode is not a chat, completion or embedding mode.

// litellmModes are the modes priced by tokens in a chat or embedding call.
var litellmModes = map[string]bool{"": true, "chat": true, "completion": true, "embedding": true, "responses": true}

var litellmTierKey = regexp.MustCompile(`^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)k_tokens$`)

func (c *Catalog) loadLiteLLMFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("pricing: litellm sheet: %w", err)
	}
	if err := c.loadLiteLLM(b); err != nil {
		return fmt.Errorf("pricing: litellm sheet %s: %w", path, err)
	}
	return nil
}

// loadLiteLLM adds the entries of a LiteLLM-format sheet as overrides.
func (c *Catalog) loadLiteLLM(b []byte) error {
	var sheet map[string]map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&sheet); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	keys := make([]string, 0, len(sheet))
	for k := range sheet {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic: errors name the first bad entry
	for _, key := range keys {
		if key == "sample_spec" {
			continue
		}
		m, ok, err := c.litellmEntry(key, sheet[key])
		if err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
		if ok {
			c.overrides[overrideKey(m.provider, strings.ToLower(m.id))] = m
		}
	}
	return nil
}

func (c *Catalog) litellmEntry(key string, e map[string]json.RawMessage) (*model, bool, error) {
	str := func(k string) (string, error) {
		raw, ok := e[k]
		if !ok || string(raw) == "null" {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("%s: %w", k, err)
		}
		return s, nil
	}
	mode, err := str("mode")
	if err != nil {
		return nil, false, err
	}
	if !litellmModes[mode] {
		return nil, false, nil
	}
	prov, err := str("litellm_provider")
	if err != nil {
		return nil, false, err
	}
	name := key
	if prov != "" && strings.HasPrefix(strings.ToLower(name), strings.ToLower(prov)+"/") {
		name = name[len(prov)+1:]
	}
	// cost reads a per-token USD cost as nano-USD per million tokens.
	cost := func(k string) (*NanoUSD, error) {
		raw, ok := e[k]
		if !ok || string(raw) == "null" {
			return nil, nil
		}
		s := strings.Trim(string(bytes.TrimSpace(raw)), `"`)
		v, _, err := decimal.Scale(s, 15)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if v < 0 {
			return nil, fmt.Errorf("%s: negative cost", k)
		}
		n := NanoUSD(v)
		return &n, nil
	}
	fields := [...]string{"input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost",
		"cache_creation_input_token_cost", "cache_creation_input_token_cost_above_1hr", "output_cost_per_reasoning_token"}
	var vals [len(fields)]*NanoUSD
	for i, f := range fields {
		if vals[i], err = cost(f); err != nil {
			return nil, false, err
		}
	}
	if vals[0] == nil && vals[1] == nil {
		return nil, false, nil // not priced by tokens
	}
	price := Price{Rates: litellmRates(vals[0], vals[1], vals[2], vals[3], vals[4], vals[5])}

	// Context tiers: "<component>_above_<N>k_tokens".
	tierVals := map[int64]*[4]*NanoUSD{}
	for k := range e {
		sm := litellmTierKey.FindStringSubmatch(k)
		if sm == nil {
			continue
		}
		n, err := strconv.ParseInt(sm[2], 10, 64)
		if err != nil || n <= 0 || n > 1<<40 {
			return nil, false, fmt.Errorf("%s: bad threshold", k)
		}
		v, err := cost(k)
		if err != nil || v == nil {
			return nil, false, err
		}
		tv := tierVals[n*1000]
		if tv == nil {
			tv = &[4]*NanoUSD{}
			tierVals[n*1000] = tv
		}
		switch sm[1] {
		case "input_cost_per_token":
			tv[0] = v
		case "output_cost_per_token":
			tv[1] = v
		case "cache_read_input_token_cost":
			tv[2] = v
		default:
			tv[3] = v
		}
	}
	thresholds := make([]int64, 0, len(tierVals))
	for t := range tierVals {
		thresholds = append(thresholds, t)
	}
	slices.Sort(thresholds)
	for _, t := range thresholds {
		// A tier states what changes; the rest is the base's, and derived components
		// follow their parent in the tier.
		tv := tierVals[t]
		for i := range tv {
			if tv[i] == nil {
				tv[i] = vals[i]
			}
		}
		price.Tiers = append(price.Tiers, Tier{Above: t, Rates: litellmRates(tv[0], tv[1], tv[2], tv[3], vals[4], vals[5])})
	}
	var ctx int64
	if raw, ok := e["max_input_tokens"]; ok {
		ctx, _ = strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64)
	}
	p := c.canon(prov)
	return &model{id: name, provider: p, source: SourceLiteLLM, context: ctx, prices: []conditional{{price: price}}}, true, nil
}

// litellmRates fills absent components from their parents.
func litellmRates(in, out, read, write, write1h, reasoning *NanoUSD) Rates {
	pick := func(v *NanoUSD, fallback NanoUSD) NanoUSD {
		if v == nil {
			return fallback
		}
		return *v
	}
	var r Rates
	r.Input = pick(in, 0)
	r.Output = pick(out, 0)
	r.CacheRead = pick(read, r.Input)
	r.CacheWrite = pick(write, r.Input)
	r.CacheWrite1h = pick(write1h, r.CacheWrite)
	r.Reasoning = pick(reasoning, r.Output)
	return r
}
