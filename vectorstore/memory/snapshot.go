package memory

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/muninn-gw/muninn/vectorstore"
)

// A snapshot stores each namespace's graph as it is in memory, so a restart reads it
// back instead of rebuilding the index (minutes at a million points):
//
//	recGraph    ns, dim, quantised, M, slot count
//	recNodes    ns, first slot, count, then per slot: state; for used slots level,
//	            vector as stored, ID, payload, expiry, stamp (live only), links per level
//	recGraphEnd ns, entry point, entry level
//
// A store opened with another quantisation or M rebuilds the namespace from the vectors
// instead.
const (
	recGraph    byte = 6
	recNodes    byte = 7
	recGraphEnd byte = 8

	slotFree byte = 0
	slotLive byte = 1
	slotDead byte = 2

	nodesPerRecord = 1024
)

func encodeGraphHeader(b []byte, ns string, x *index) []byte {
	b, start := beginFrame(b, recGraph)
	b = appendString(b, ns)
	b = binary.AppendUvarint(b, uint64(x.dim))
	q := byte(0)
	if x.quant {
		q = 1
	}
	b = append(b, q)
	b = binary.AppendUvarint(b, uint64(x.m))
	b = binary.AppendUvarint(b, uint64(x.n))
	return frame(b, start)
}

func encodeGraphEnd(b []byte, ns string, x *index) []byte {
	b, start := beginFrame(b, recGraphEnd)
	b = appendString(b, ns)
	ep, lvl := x.entry()
	b = binary.LittleEndian.AppendUint32(b, ep)
	b = binary.AppendUvarint(b, uint64(lvl))
	return frame(b, start)
}

func appendLinks(b []byte, l []uint32) []byte {
	b = binary.AppendUvarint(b, uint64(len(l)))
	for _, v := range l {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// encodeNodes writes slots [from, to). mu held for reading, linkMu for writing.
func encodeNodes(b []byte, ns string, x *index, from, to uint32, isFree []bool) []byte {
	b, start := beginFrame(b, recNodes)
	b = appendString(b, ns)
	b = binary.AppendUvarint(b, uint64(from))
	b = binary.AppendUvarint(b, uint64(to-from))
	var links []uint32
	for i := from; i < to; i++ {
		nd := x.node(i)
		switch {
		case isFree[i]:
			b = append(b, slotFree)
			continue
		case nd.live:
			b = append(b, slotLive)
		default:
			b = append(b, slotDead)
		}
		b = append(b, byte(nd.level))
		c := x.chunks[i>>chunkBits]
		o := int(i & chunkMask)
		if x.quant {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(c.scales[o]))
			for _, v := range c.codes[o*x.dim : (o+1)*x.dim] {
				b = append(b, byte(v))
			}
		} else {
			for _, v := range c.vecs[o*x.dim : (o+1)*x.dim] {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
			}
		}
		if nd.live {
			b = appendString(b, nd.id)
			b = appendString(b, nd.payload)
			b = binary.AppendVarint(b, nd.expires)
			b = binary.AppendVarint(b, nd.stamp.Load())
		}
		for l := 0; l <= int(nd.level); l++ {
			links = x.neighboursLocked(i, l, links)
			b = appendLinks(b, links)
		}
	}
	return frame(b, start)
}

// graphLoader rebuilds namespaces from graph records.
type graphLoader struct {
	s       *Store
	x       *index // the namespace being loaded; nil when rebuilt from vectors
	ns      string
	rebuild []vectorstore.Point
	direct  bool // same quantisation and M: the graph is used as it is
	quant   bool // the snapshot's vectors are int8
}

func (g *graphLoader) header(d *decoder) error {
	ns := d.str()
	dim := int(d.uvarint())
	quant := d.byte1() == 1
	m := int(d.uvarint())
	n := d.uvarint()
	if d.bad || dim <= 0 || n > math.MaxUint32-1 {
		return errBadRecord
	}
	if g.s.lookup(ns) != nil {
		return fmt.Errorf("namespace %q twice in a snapshot", ns)
	}
	x, err := g.s.namespace(ns, dim)
	if err != nil {
		return err
	}
	g.ns, g.x = ns, x
	g.direct = quant == x.quant && m == x.m
	g.quant = quant
	if g.direct {
		x.mu.Lock()
		for x.n < uint32(n) {
			x.allocLocked(make([]float32, dim))
		}
		x.mu.Unlock()
	}
	return nil
}

func (g *graphLoader) nodes(d *decoder, now int64) error {
	ns := d.str()
	from := uint32(d.uvarint())
	count := uint32(d.uvarint())
	x := g.x
	if d.bad || x == nil || ns != g.ns || uint64(from)+uint64(count) > uint64(x.n) && g.direct {
		return errBadRecord
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := from; i < from+count; i++ {
		state := d.byte1()
		if state == slotFree {
			if g.direct {
				x.free = append(x.free, i)
			}
			continue
		}
		level := int(d.byte1())
		if d.bad || state > slotDead || level > maxLevel {
			return errBadRecord
		}
		var vecBytes []byte
		// The stored form is the snapshot's, not necessarily this store's.
		snapQuant := g.quant
		if snapQuant {
			if len(d.b) < 4+x.dim {
				return errBadRecord
			}
			vecBytes, d.b = d.b[:4+x.dim], d.b[4+x.dim:]
		} else {
			if len(d.b) < 4*x.dim {
				return errBadRecord
			}
			vecBytes, d.b = d.b[:4*x.dim], d.b[4*x.dim:]
		}
		var id, payload string
		var expires, stamp int64
		if state == slotLive {
			id, payload = d.str(), d.str()
			expires, stamp = d.varint(), d.varint()
		}
		links := make([][]uint32, level+1)
		for l := range links {
			cnt := d.uvarint()
			if d.bad || cnt > 1024 || len(d.b) < int(cnt)*4 || (g.direct && cnt > uint64(x.m0)) {
				return errBadRecord
			}
			links[l] = make([]uint32, cnt)
			for j := range links[l] {
				links[l][j] = binary.LittleEndian.Uint32(d.b[4*j:])
			}
			d.b = d.b[4*cnt:]
		}
		if d.bad {
			return errBadRecord
		}
		if !g.direct {
			if state == slotLive && (expires == 0 || expires > now) {
				g.rebuild = append(g.rebuild, pointFromStored(id, payload, expires, vecBytes, x.dim, snapQuant))
			}
			continue
		}
		c := x.chunks[i>>chunkBits]
		o := int(i & chunkMask)
		if x.quant {
			c.scales[o] = math.Float32frombits(binary.LittleEndian.Uint32(vecBytes))
			for j := 0; j < x.dim; j++ {
				c.codes[o*x.dim+j] = int8(vecBytes[4+j])
			}
		} else {
			for j := 0; j < x.dim; j++ {
				c.vecs[o*x.dim+j] = math.Float32frombits(binary.LittleEndian.Uint32(vecBytes[4*j:]))
			}
		}
		nd := x.node(i)
		nd.level = int8(level)
		nd.upper = nil
		if level > 0 {
			nd.upper = make([][]uint32, level)
		}
		for l, ls := range links {
			for _, v := range ls {
				if v >= x.n {
					return errBadRecord
				}
			}
			if l == 0 {
				base := o * (x.m0 + 1)
				c.links[base] = uint32(len(ls))
				copy(c.links[base+1:], ls)
			} else {
				nd.upper[l-1] = ls
			}
		}
		if state == slotDead || (expires != 0 && expires <= now) {
			// Dead, or expired while the store was down: a tombstone until reclaimed.
			nd.live = false
			x.dead = append(x.dead, i)
			continue
		}
		if _, dup := x.ids[id]; dup || id == "" {
			return errBadRecord
		}
		nd.id, nd.payload, nd.expires, nd.live = id, payload, expires, true
		nd.stamp.Store(stamp)
		x.ids[id] = i
		x.live++
		b := x.pointBytes(len(id), len(payload), level)
		x.bytes += b
		g.s.points.Add(1)
		g.s.bytes.Add(b)
	}
	if len(d.b) != 0 {
		return errBadRecord
	}
	return nil
}

func (g *graphLoader) end(d *decoder) error {
	ns := d.str()
	if len(d.b) < 4 {
		return errBadRecord
	}
	ep := binary.LittleEndian.Uint32(d.b)
	d.b = d.b[4:]
	lvl := int(d.uvarint())
	x := g.x
	if d.bad || x == nil || ns != g.ns || len(d.b) != 0 {
		return errBadRecord
	}
	if g.direct {
		if ep != noNode && (ep >= x.n || lvl > maxLevel) {
			return errBadRecord
		}
		x.epMu.Lock()
		x.ep, x.epLevel = ep, lvl
		x.epMu.Unlock()
	} else if len(g.rebuild) > 0 {
		if err := g.s.insert(x, ns, g.rebuild); err != nil {
			return err
		}
	}
	g.x, g.ns, g.rebuild = nil, "", nil
	return nil
}

// abort finishes a namespace whose records stopped early (a corrupt snapshot): what was
// read is kept and made searchable.
func (g *graphLoader) abort() {
	x := g.x
	if x == nil {
		return
	}
	if g.direct {
		x.mu.Lock()
		x.moveEntryLocked()
		x.mu.Unlock()
	} else if len(g.rebuild) > 0 {
		_ = g.s.insert(x, g.ns, g.rebuild)
	}
	g.x, g.ns, g.rebuild = nil, "", nil
}

func pointFromStored(id, payload string, expires int64, b []byte, dim int, quant bool) vectorstore.Point {
	v := make([]float32, dim)
	if quant {
		scale := math.Float32frombits(binary.LittleEndian.Uint32(b))
		for j := range v {
			v[j] = float32(int8(b[4+j])) * scale
		}
	} else {
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
		}
	}
	p := vectorstore.Point{ID: id, Vector: v, Payload: decodePayload(payload)}
	if expires != 0 {
		p.ExpiresAt = unixTime(expires)
	}
	return p
}
