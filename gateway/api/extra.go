package api

import (
	"bytes"
	"encoding/json"
	"sort"
)

// Extra holds the JSON members of an object that its Go type does not name.
type Extra map[string]json.RawMessage

// splitExtra returns the members of the JSON object data whose names are not in known.
// It returns nil when there are none, so the common case allocates nothing extra.
func splitExtra(data []byte, known map[string]struct{}) (Extra, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	var extra Extra
	for k, v := range all {
		if _, ok := known[k]; ok {
			continue
		}
		if extra == nil {
			extra = make(Extra, 2)
		}
		extra[k] = v
	}
	return extra, nil
}

// appendExtra splices the members of extra into the JSON object obj (which must end in
// '}'), in sorted key order. Keys already present in obj are not written again.
func appendExtra(obj []byte, extra Extra) ([]byte, error) {
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
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		out = append(out, kb...)
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
