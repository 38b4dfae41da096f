package memory

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
)

// The log and snapshot files are sequences of framed records:
//
//	uint32 body length | uint32 CRC-32C of the body | body
//
// all little-endian. A body starts with its type byte. A frame whose length is absurd,
// whose body is cut short or whose checksum differs ends the good prefix of a file.
const (
	recEnsure byte = 1 // ns, dim
	recUpsert byte = 2 // ns, id, payload, expires, encoding, dim, vector
	recDelete byte = 3 // ns, id
	recDrop   byte = 4 // ns
	recEnd    byte = 5 // count: the last record of a complete snapshot

	encF32 byte = 0
	encI8  byte = 1

	frameHeader  = 8
	maxRecordLen = 64 << 20
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

var errBadRecord = errors.New("corrupt or torn record")

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// frame wraps body (which starts at b[start+frameHeader]) with its header in place.
func frame(b []byte, start int) []byte {
	body := b[start+frameHeader:]
	binary.LittleEndian.PutUint32(b[start:], uint32(len(body)))
	binary.LittleEndian.PutUint32(b[start+4:], crc32.Checksum(body, crcTable))
	return b
}

func beginFrame(b []byte, typ byte) ([]byte, int) {
	start := len(b)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0, typ)
	return b, start
}

func encodeUpsert(b []byte, ns, id, payload string, expires int64, unit []float32, quant bool) []byte {
	b, start := beginFrame(b, recUpsert)
	b = appendString(b, ns)
	b = appendString(b, id)
	b = appendString(b, payload)
	b = binary.AppendVarint(b, expires)
	if quant {
		b = append(b, encI8)
		b = binary.AppendUvarint(b, uint64(len(unit)))
		off := len(b)
		b = append(b, make([]byte, 4+len(unit))...)
		codes := make([]int8, len(unit))
		scale := quantize(codes, unit)
		binary.LittleEndian.PutUint32(b[off:], math.Float32bits(scale))
		for i, c := range codes {
			b[off+4+i] = byte(c)
		}
	} else {
		b = append(b, encF32)
		b = binary.AppendUvarint(b, uint64(len(unit)))
		for _, x := range unit {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	}
	return frame(b, start)
}

func encodeNS(b []byte, typ byte, ns string) []byte {
	b, start := beginFrame(b, typ)
	b = appendString(b, ns)
	return frame(b, start)
}

func encodeEnsure(b []byte, ns string, dim int) []byte {
	b, start := beginFrame(b, recEnsure)
	b = appendString(b, ns)
	b = binary.AppendUvarint(b, uint64(dim))
	return frame(b, start)
}

func encodeDelete(b []byte, ns, id string) []byte {
	b, start := beginFrame(b, recDelete)
	b = appendString(b, ns)
	b = appendString(b, id)
	return frame(b, start)
}

func encodeEnd(b []byte, count int) []byte {
	b, start := beginFrame(b, recEnd)
	b = binary.AppendUvarint(b, uint64(count))
	return frame(b, start)
}

// record is a decoded body. Strings alias the read buffer until copied.
type record struct {
	typ     byte
	ns, id  string
	payload string
	expires int64
	dim     int
	vec     []float32 // unit vector (decoded from int8 when stored so)
	count   int
}

// decoder reads a body field by field; any overrun sets bad.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.bad || uint64(len(d.b)) < n {
		d.bad = true
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) byte1() byte {
	if len(d.b) < 1 {
		d.bad = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func decodeBody(body []byte) (record, error) {
	d := decoder{b: body}
	r := record{typ: d.byte1()}
	switch r.typ {
	case recEnsure:
		r.ns = d.str()
		r.dim = int(d.uvarint())
	case recUpsert:
		r.ns, r.id, r.payload = d.str(), d.str(), d.str()
		r.expires = d.varint()
		enc := d.byte1()
		dim := d.uvarint()
		if d.bad || dim == 0 || dim > maxRecordLen/4 {
			return r, errBadRecord
		}
		r.dim = int(dim)
		r.vec = make([]float32, r.dim)
		switch enc {
		case encF32:
			if len(d.b) < 4*r.dim {
				return r, errBadRecord
			}
			for i := range r.vec {
				r.vec[i] = math.Float32frombits(binary.LittleEndian.Uint32(d.b[4*i:]))
			}
			d.b = d.b[4*r.dim:]
		case encI8:
			if len(d.b) < 4+r.dim {
				return r, errBadRecord
			}
			scale := math.Float32frombits(binary.LittleEndian.Uint32(d.b))
			for i := range r.vec {
				r.vec[i] = float32(int8(d.b[4+i])) * scale
			}
			d.b = d.b[4+r.dim:]
		default:
			return r, errBadRecord
		}
	case recDelete:
		r.ns, r.id = d.str(), d.str()
	case recDrop:
		r.ns = d.str()
	case recEnd:
		r.count = int(d.uvarint())
	default:
		return r, errBadRecord
	}
	if d.bad || len(d.b) != 0 {
		return r, errBadRecord
	}
	return r, nil
}

// readRecord reads one frame from r into buf (reused) and returns the body. io.EOF at a
// clean end; errBadRecord (or io.ErrUnexpectedEOF) for a torn or corrupt frame.
func readRecord(r io.Reader, buf []byte) ([]byte, []byte, error) {
	var h [frameHeader]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		if err == io.EOF {
			return nil, buf, io.EOF
		}
		return nil, buf, errBadRecord
	}
	n := binary.LittleEndian.Uint32(h[:])
	if n == 0 || n > maxRecordLen {
		return nil, buf, errBadRecord
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	body := buf[:n]
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, buf, errBadRecord
	}
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(h[4:]) {
		return nil, buf, errBadRecord
	}
	return body, buf, nil
}
