package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// hasher writes length-prefixed fields into SHA-256, so that no two different field
// sequences can produce the same byte stream ("ab","c" vs "a","bc"). Fields are staged in
// buf and hashed in one Write, which keeps the hot path free of allocations.
type hasher struct {
	h   hash.Hash
	buf []byte // staged fields
	tmp []byte // scratch for canonical JSON and floats
	sum [sha256.Size]byte
}

var hasherPool = sync.Pool{New: func() any {
	return &hasher{h: sha256.New(), buf: make([]byte, 0, 1024), tmp: make([]byte, 0, 256)}
}}

func getHasher() *hasher {
	h := hasherPool.Get().(*hasher)
	h.reset()
	return h
}

func (h *hasher) reset() {
	h.h.Reset()
	h.buf = h.buf[:0]
}

func (h *hasher) release() {
	if cap(h.buf) > 64<<10 {
		h.buf = make([]byte, 0, 1024)
	}
	if cap(h.tmp) > 64<<10 {
		h.tmp = make([]byte, 0, 256)
	}
	hasherPool.Put(h)
}

func (h *hasher) tag(t byte) { h.buf = append(h.buf, t) }

func (h *hasher) str(s string) {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(s)))
	h.buf = append(h.buf, s...)
}

func (h *hasher) bytes(b []byte) {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(b)))
	h.buf = append(h.buf, b...)
}

func (h *hasher) int(v int64) { h.buf = binary.AppendVarint(h.buf, v) }

// float hashes the shortest round-trip decimal form, so 0.7 parsed from "0.7" or "0.70"
// hashes the same, and -0 equals 0.
func (h *hasher) float(f float64) {
	if f == 0 {
		f = 0
	}
	h.tmp = strconv.AppendFloat(h.tmp[:0], f, 'g', -1, 64)
	h.bytes(h.tmp)
}

// json hashes the canonical form of a JSON value (sorted object keys, no insignificant
// whitespace, normalised numbers). Invalid JSON is hashed verbatim with a distinct tag,
// so it still hashes deterministically.
func (h *hasher) json(raw []byte) {
	if len(raw) == 0 {
		h.tag(0)
		return
	}
	out, err := appendCanonicalJSON(h.tmp[:0], raw)
	if err != nil {
		h.tag(2)
		h.bytes(raw)
		return
	}
	h.tmp = out
	h.tag(1)
	h.bytes(out)
}

// hex16 hashes the staged fields and returns the first 16 bytes of the digest as 32 hex
// characters.
func (h *hasher) hex16() string {
	h.h.Write(h.buf)
	s := h.h.Sum(h.sum[:0])
	var out [32]byte
	hex.Encode(out[:], s[:16])
	return string(out[:])
}

// CanonicalJSON returns the canonical form of a JSON value: object members sorted by
// key, no insignificant whitespace, numbers in their shortest round-trip form (integers
// that fit int64 stay exact). Two documents that differ only in member order, spacing
// or number spelling ("1.0" vs "1", "1e2" vs "100") have the same canonical form.
func CanonicalJSON(raw []byte) ([]byte, error) { return appendCanonicalJSON(nil, raw) }

var errTrailing = errors.New("trailing data after JSON value")

func appendCanonicalJSON(dst, raw []byte) ([]byte, error) {
	// Fast path: scalars and strings need no tree.
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] == '"' && isSimpleString(t) {
		return append(dst, t...), nil
	}
	switch string(t) {
	case "true", "false", "null":
		return append(dst, t...), nil
	}
	if isNumberToken(t) {
		return appendNumber(dst, string(t))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return dst, fmt.Errorf("canonical json: %w", err)
	}
	if dec.More() {
		return dst, errTrailing
	}
	return appendCanonical(dst, v)
}

// isNumberToken reports whether b is one JSON number.
func isNumberToken(b []byte) bool {
	if len(b) == 0 || len(b) > 32 {
		return false
	}
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
		case c == '-' && i == 0:
		case c == '.' || c == 'e' || c == 'E' || c == '+' || (c == '-' && i > 0):
		default:
			return false
		}
	}
	_, err := strconv.ParseFloat(string(b), 64)
	return err == nil
}

// isSimpleString reports whether b is one JSON string with no escapes, whose canonical
// form is itself.
func isSimpleString(b []byte) bool {
	if len(b) < 2 || b[len(b)-1] != '"' {
		return false
	}
	for _, c := range b[1 : len(b)-1] {
		if c == '\\' || c == '"' || c < 0x20 {
			return false
		}
	}
	return true
}

func appendCanonical(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case json.Number:
		return appendNumber(dst, string(x))
	case string:
		return appendString(dst, x), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendCanonical(dst, e); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = appendCanonical(dst, x[k]); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	default:
		return dst, fmt.Errorf("canonical json: unexpected %T", v)
	}
}

func appendNumber(dst []byte, s string) ([]byte, error) {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.AppendInt(dst, i, 10), nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		// Out of range: keep the literal, which is still deterministic.
		return append(dst, s...), nil
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.AppendInt(dst, int64(f), 10), nil
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64), nil
}

func appendString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // never fails for a string
	return append(dst, b...)
}
