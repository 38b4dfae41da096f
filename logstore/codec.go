package logstore

import (
	"encoding/binary"
	"errors"
	"math"
	"sort"
	"time"
)

// The spool stores records in this compact binary form: a version byte, then every field
// in declaration order (varints, length-prefixed strings). It is faster and smaller than
// JSON and needs no reflection. A new field is added at the end under a new version.
const codecVersion = 1

var errCodec = errors.New("logstore: malformed spooled record")

// AppendRecord appends the binary form of r to b.
func AppendRecord(b []byte, r *Record) []byte {
	b = append(b, codecVersion)
	b = appendStr(b, r.RequestID)
	b = binary.AppendVarint(b, r.TimeMs)
	b = binary.AppendVarint(b, int64(r.Duration))
	b = binary.AppendVarint(b, int64(r.TTFB))
	b = appendStr(b, r.Endpoint)
	b = appendStr(b, r.Tenant)
	b = appendStr(b, r.User)
	b = appendStr(b, r.Session)
	b = binary.AppendUvarint(b, uint64(len(r.Tags)))
	for _, t := range r.Tags {
		b = appendStr(b, t)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Metadata)))
	if len(r.Metadata) > 0 {
		keys := make([]string, 0, len(r.Metadata))
		for k := range r.Metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b = appendStr(b, k)
			b = appendStr(b, r.Metadata[k])
		}
	}
	b = appendStr(b, r.Provider)
	b = appendStr(b, r.RequestedModel)
	b = appendStr(b, r.Model)
	b = appendStr(b, r.KeyName)
	b = binary.AppendVarint(b, int64(r.Status))
	b = appendStr(b, r.ErrorType)
	b = appendStr(b, r.ErrorMessage)
	b = binary.AppendUvarint(b, uint64(len(r.Attempts)))
	for i := range r.Attempts {
		a := &r.Attempts[i]
		b = appendStr(b, a.Provider)
		b = appendStr(b, a.Model)
		b = appendStr(b, a.KeyName)
		b = binary.AppendVarint(b, a.StartMs)
		b = binary.AppendVarint(b, int64(a.Duration))
		b = binary.AppendVarint(b, int64(a.Status))
		b = appendStr(b, a.ErrorType)
		b = appendBool(b, a.Fallback)
	}
	b = appendBool(b, r.Stream)
	for _, v := range [...]int64{r.PromptTokens, r.CompletionTokens, r.CachedTokens, r.CacheWriteTokens, r.ReasoningTokens, r.CostNanoUSD} {
		b = binary.AppendVarint(b, v)
	}
	b = appendBool(b, r.CostUnknown)
	b = appendStr(b, r.CacheStatus)
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(r.Similarity))
	b = appendStr(b, r.CacheEntryID)
	b = binary.AppendVarint(b, r.SavedCostNanoUSD)
	b = binary.AppendVarint(b, int64(r.SavedLatency))
	b = appendStr(b, r.TraceID)
	b = appendStr(b, r.SpanID)
	b = appendStr(b, r.RequestBody)
	b = appendStr(b, r.ResponseBody)
	b = appendBool(b, r.RequestTruncated)
	b = appendBool(b, r.ResponseTruncated)
	return b
}

// DecodeRecord parses a record made by AppendRecord into r.
func DecodeRecord(b []byte, r *Record) error {
	d := decoder{b: b}
	if v := d.byte(); v != codecVersion {
		if d.err == nil {
			d.err = errCodec
		}
		return d.err
	}
	*r = Record{}
	r.RequestID = d.str()
	r.TimeMs = d.varint()
	r.Duration = time.Duration(d.varint())
	r.TTFB = time.Duration(d.varint())
	r.Endpoint = d.str()
	r.Tenant = d.str()
	r.User = d.str()
	r.Session = d.str()
	if n := d.count(); n > 0 {
		r.Tags = make([]string, n)
		for i := range r.Tags {
			r.Tags[i] = d.str()
		}
	}
	if n := d.count(); n > 0 {
		r.Metadata = make(map[string]string, n)
		for range n {
			k := d.str()
			r.Metadata[k] = d.str()
		}
	}
	r.Provider = d.str()
	r.RequestedModel = d.str()
	r.Model = d.str()
	r.KeyName = d.str()
	r.Status = int(d.varint())
	r.ErrorType = d.str()
	r.ErrorMessage = d.str()
	if n := d.count(); n > 0 {
		r.Attempts = make([]Attempt, n)
		for i := range r.Attempts {
			a := &r.Attempts[i]
			a.Provider = d.str()
			a.Model = d.str()
			a.KeyName = d.str()
			a.StartMs = d.varint()
			a.Duration = time.Duration(d.varint())
			a.Status = int(d.varint())
			a.ErrorType = d.str()
			a.Fallback = d.bool()
		}
	}
	r.Stream = d.bool()
	r.PromptTokens = d.varint()
	r.CompletionTokens = d.varint()
	r.CachedTokens = d.varint()
	r.CacheWriteTokens = d.varint()
	r.ReasoningTokens = d.varint()
	r.CostNanoUSD = d.varint()
	r.CostUnknown = d.bool()
	r.CacheStatus = d.str()
	r.Similarity = math.Float32frombits(d.u32())
	r.CacheEntryID = d.str()
	r.SavedCostNanoUSD = d.varint()
	r.SavedLatency = time.Duration(d.varint())
	r.TraceID = d.str()
	r.SpanID = d.str()
	r.RequestBody = d.str()
	r.ResponseBody = d.str()
	r.RequestTruncated = d.bool()
	r.ResponseTruncated = d.bool()
	if d.err == nil && len(d.b) != 0 {
		d.err = errCodec
	}
	return d.err
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// decoder reads fields; after the first error every read returns zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() { d.err, d.b = errCodec, nil }

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) bool() bool { return d.byte() == 1 }

func (d *decoder) u32() uint32 {
	if len(d.b) < 4 {
		d.fail()
		return 0
	}
	v := binary.LittleEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length and checks it against the bytes left (every element takes at
// least one byte), so a corrupt length cannot make a huge allocation.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
