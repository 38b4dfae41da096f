package anthropic

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/muninn-gw/muninn/gateway/api"
)

// splitExtra returns the members of the JSON object data not in known (nil when none).
func splitExtra(data []byte, known map[string]struct{}) (api.Extra, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	var extra api.Extra
	for k, v := range all {
		if _, ok := known[k]; ok {
			continue
		}
		if extra == nil {
			extra = make(api.Extra, 2)
		}
		extra[k] = v
	}
	return extra, nil
}

// appendExtra splices extra's members, in sorted order, into the JSON object obj.
func appendExtra(obj []byte, extra api.Extra) ([]byte, error) {
	if len(extra) == 0 {
		return obj, nil
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	obj = bytes.TrimRight(obj, " \n")
	if len(obj) == 0 || obj[len(obj)-1] != '}' {
		return obj, nil
	}
	out := obj[:len(obj)-1]
	empty := bytes.Equal(bytes.TrimSpace(out), []byte("{"))
	for _, k := range keys {
		v := extra[k]
		if len(v) == 0 {
			continue
		}
		if !empty {
			out = append(out, ',')
		}
		empty = false
		out = appendString(out, k)
		out = append(out, ':')
		out = append(out, v...)
	}
	return append(out, '}'), nil
}

func keySet(names ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(names))
	for _, n := range names {
		m[n] = struct{}{}
	}
	return m
}
