package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/muninn-gw/muninn/gateway"
)

// resolveSection replaces every string value "env.NAME" in a raw config section by the
// environment variable NAME, so secrets in any section (a Langfuse key, a ClickHouse
// password, a Qdrant API key, a Postgres URL) can stay out of the file. Errors name the
// field, never a value.
func resolveSection(section string, raw json.RawMessage, lookup gateway.LookupFunc) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || !bytes.Contains(raw, []byte(`"env.`)) {
		return raw, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: %w", section, err)
	}
	v, err := resolveValue(section, v, lookup)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func resolveValue(path string, v any, lookup gateway.LookupFunc) (any, error) {
	switch x := v.(type) {
	case string:
		name, ok := strings.CutPrefix(x, "env.")
		if !ok {
			return x, nil
		}
		val, found := "", false
		if lookup != nil {
			val, found = lookup(name)
		}
		if !found || val == "" {
			return nil, fmt.Errorf("%s: environment variable %s is not set", path, name)
		}
		return val, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			r, err := resolveValue(path+"."+k, x[k], lookup)
			if err != nil {
				return nil, err
			}
			x[k] = r
		}
		return x, nil
	case []any:
		for i := range x {
			r, err := resolveValue(fmt.Sprintf("%s[%d]", path, i), x[i], lookup)
			if err != nil {
				return nil, err
			}
			x[i] = r
		}
		return x, nil
	}
	return v, nil
}
