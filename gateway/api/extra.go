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
//
// Callers have already decoded data successfully, so it is valid JSON; splitExtra scans
// the top-level members without decoding them (the values of unknown members are
// copied, since data may be a reused buffer). Anything unexpected falls back to a full
// decode.
func splitExtra(data []byte, known map[string]struct{}) (Extra, error) {
	extra, ok := scanExtra(data, known)
	if ok {
		return extra, nil
	}
	return splitExtraSlow(data, known)
}

func splitExtraSlow(data []byte, known map[string]struct{}) (Extra, error) {
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

// scanExtra is splitExtra's fast path; ok is false when data is not a plain object.
func scanExtra(data []byte, known map[string]struct{}) (extra Extra, ok bool) {
	i := skipSpace(data, 0)
	if i < len(data) && data[i] == 'n' {
		return nil, bytes.Equal(bytes.TrimSpace(data), []byte("null"))
	}
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case '}':
			return extra, true
		case ',':
			i++
			continue
		case '"':
		default:
			return nil, false
		}
		kStart := i
		kEnd, escaped := scanString(data, i)
		if kEnd < 0 {
			return nil, false
		}
		rawKey := data[kStart+1 : kEnd-1]
		i = skipSpace(data, kEnd)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		i = skipSpace(data, i+1)
		vEnd := skipValue(data, i)
		if vEnd < 0 {
			return nil, false
		}
		var key string
		if escaped {
			k, ok := decodeKey(data[kStart:kEnd])
			if !ok {
				return nil, false
			}
			key = k
		} else if _, isKnown := known[string(rawKey)]; isKnown {
			i = vEnd
			continue
		} else {
			key = string(rawKey)
		}
		if _, isKnown := known[key]; !isKnown {
			if extra == nil {
				extra = make(Extra, 2)
			}
			extra[key] = append(json.RawMessage(nil), data[i:vEnd]...)
		}
		i = vEnd
	}
}

// decodeKey decodes a quoted member name that has escapes or non-ASCII bytes.
func decodeKey(quoted []byte) (string, bool) {
	var k string
	if err := json.Unmarshal(quoted, &k); err != nil {
		return "", false
	}
	return k, true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString returns the index after the closing quote of the string starting at i, and
// whether it needs decoding (escapes, or non-ASCII bytes that may be invalid UTF-8);
// -1 when unterminated.
func scanString(data []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		default:
			if data[j] >= 0x80 {
				escaped = true
			}
		}
	}
	return -1, false
}

// skipValue returns the index after the JSON value starting at i, -1 when malformed.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		end, _ := scanString(data, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, _ := scanString(data, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default:
		j := i
		for j < len(data) {
			switch data[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if j == i {
					return -1
				}
				return j
			}
			j++
		}
		return -1
	}
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

// SplitExtra returns the members of the JSON object data whose names are not in known
// (nil when there are none), for wire types of other APIs that keep unknown members the
// way this package's types do.
func SplitExtra(data []byte, known map[string]struct{}) (Extra, error) {
	return splitExtra(data, known)
}

// AppendExtra splices the members of extra into the JSON object obj in sorted key order.
func AppendExtra(obj []byte, extra Extra) ([]byte, error) { return appendExtra(obj, extra) }

// KeySet builds the set of member names a type knows, for SplitExtra.
func KeySet(names ...string) map[string]struct{} { return keySet(names...) }
