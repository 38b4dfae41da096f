package memory

import (
	"encoding/binary"
	"slices"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Payloads are kept encoded in one string (uvarint length + bytes, key then value, keys
// sorted): a Go map costs hundreds of bytes per point, the encoded form only its text.

func encodePayload(p map[string]string) string {
	if len(p) == 0 {
		return ""
	}
	keys := make([]string, 0, len(p))
	size := 0
	for k, v := range p {
		keys = append(keys, k)
		size += len(k) + len(v) + 4
	}
	slices.Sort(keys)
	buf := make([]byte, 0, size)
	for _, k := range keys {
		buf = binary.AppendUvarint(buf, uint64(len(k)))
		buf = append(buf, k...)
		v := p[k]
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	return string(buf)
}

// nextField splits the first key/value off an encoded payload; ok is false at the end or
// on malformed input.
func nextField(s string) (k, v, rest string, ok bool) {
	n, w := uvarintString(s)
	if w <= 0 || uint64(len(s)-w) < n {
		return "", "", "", false
	}
	k, s = s[w:w+int(n)], s[w+int(n):]
	n, w = uvarintString(s)
	if w <= 0 || uint64(len(s)-w) < n {
		return "", "", "", false
	}
	return k, s[w : w+int(n)], s[w+int(n):], true
}

func uvarintString(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			return x | uint64(b)<<shift, i + 1
		}
		x |= uint64(b&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

func decodePayload(s string) map[string]string {
	if s == "" {
		return nil
	}
	m := make(map[string]string, 4)
	for {
		k, v, rest, ok := nextField(s)
		if !ok {
			return m
		}
		m[k] = v
		s = rest
	}
}

// payloadGet returns the value of key in an encoded payload.
func payloadGet(s, key string) (string, bool) {
	for {
		k, v, rest, ok := nextField(s)
		if !ok {
			return "", false
		}
		if k == key {
			return v, true
		}
		s = rest
	}
}

// filterPasses reports whether the encoded payload passes f without decoding it.
func filterPasses(f vectorstore.Filter, payload string) bool {
	for k, want := range f {
		v, ok := payloadGet(payload, k)
		if !ok || v != want {
			return false
		}
	}
	return true
}
