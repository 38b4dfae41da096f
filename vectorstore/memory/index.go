package memory

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// Node storage is chunked so the arrays never move: growth adds a chunk instead of
// copying gigabytes, and a slot's address is stable for concurrent readers.
const (
	chunkBits = 12
	chunkSize = 1 << chunkBits
	chunkMask = chunkSize - 1
	maxLevel  = 16
	noNode    = math.MaxUint32
	// nodeOverhead estimates the per-point bytes beyond vector, links, ID and payload:
	// the node struct and an entry of the ID map.
	nodeOverhead = 80 + 48
)

type node struct {
	id      string // "" for a free slot
	payload string // encoded, see payload.go
	expires int64  // unix nanoseconds; 0 never
	stamp   atomic.Int64
	level   int8
	live    bool
	upper   [][]uint32 // links on levels 1..level (upper[l-1]), guarded by the link lock
}

type chunk struct {
	nodes  [chunkSize]node
	vecs   []float32 // float32 mode: dim per node
	codes  []int8    // int8 mode: dim per node
	scales []float32 // int8 mode: one per node
	links  []uint32  // base layer: count then m0 neighbours per node, guarded by the link lock
}

// index is one namespace: the points and their HNSW graph.
//
// Locking: linkMu (taken before mu) is held for reading by inserts and repairs from
// before they store a point until it is linked, and for writing by a snapshot, which so
// sees whole graphs. mu's write side allocates and frees slots and edits the ID map; searches and
// graph linking hold its read side, so slots never change under them. Neighbour lists
// are guarded by striped link locks (one at a time, never nested). The entry point is
// guarded by epMu.
type index struct {
	dim       int
	quant     bool
	m, m0     int
	efC       int
	levelMult float64

	mu     sync.RWMutex
	linkMu sync.RWMutex // read: inserting or repairing links; write: a snapshot
	chunks []*chunk
	n      uint32   // slots in use or freed
	free   []uint32 // reclaimed slots, ready for reuse
	dead   []uint32 // deleted slots still linked in the graph (see reclaim.go)
	ids    map[string]uint32
	live   int
	bytes  int64

	linkLocks  [512]sync.Mutex
	reclaiming atomic.Bool

	epMu     sync.RWMutex
	ep       uint32
	epLevel  int
	scratchs sync.Pool
}

func newIndex(dim int, cfg *Config) *index {
	x := &index{
		dim:       dim,
		quant:     cfg.Quantization == QuantInt8,
		m:         cfg.M,
		m0:        2 * cfg.M,
		efC:       cfg.EfConstruction,
		levelMult: 1 / math.Log(float64(cfg.M)),
		ids:       map[string]uint32{},
		ep:        noNode,
	}
	return x
}

func (x *index) node(i uint32) *node { return &x.chunks[i>>chunkBits].nodes[i&chunkMask] }

func (x *index) linkLock(i uint32) *sync.Mutex { return &x.linkLocks[i%uint32(len(x.linkLocks))] }

// pointBytes estimates the memory of one point.
func (x *index) pointBytes(idLen, payloadLen, level int) int64 {
	b := int64(nodeOverhead + idLen*2 + payloadLen + (x.m0+1)*4)
	if x.quant {
		b += int64(x.dim + 4)
	} else {
		b += int64(x.dim * 4)
	}
	if level > 0 {
		b += int64(level * (24 + x.m*4))
	}
	return b
}

// score is the cosine similarity between the unit query q and slot i.
func (x *index) score(q []float32, i uint32) float32 {
	c := x.chunks[i>>chunkBits]
	o := int(i & chunkMask)
	if x.quant {
		return c.scales[o] * dotF32I8(q, c.codes[o*x.dim:(o+1)*x.dim])
	}
	return dotF32(q, c.vecs[o*x.dim:(o+1)*x.dim])
}

// pairScore is the cosine similarity between two stored slots.
func (x *index) pairScore(a, b uint32) float32 {
	ca, cb := x.chunks[a>>chunkBits], x.chunks[b>>chunkBits]
	oa, ob := int(a&chunkMask), int(b&chunkMask)
	if x.quant {
		return ca.scales[oa] * cb.scales[ob] * float32(dotI8(ca.codes[oa*x.dim:(oa+1)*x.dim], cb.codes[ob*x.dim:(ob+1)*x.dim]))
	}
	return dotF32(ca.vecs[oa*x.dim:(oa+1)*x.dim], cb.vecs[ob*x.dim:(ob+1)*x.dim])
}

// vector returns slot i's unit vector, decoded into buf in int8 mode.
func (x *index) vector(i uint32, buf []float32) []float32 {
	c := x.chunks[i>>chunkBits]
	o := int(i & chunkMask)
	if x.quant {
		dequantize(buf[:x.dim], c.codes[o*x.dim:(o+1)*x.dim], c.scales[o])
		return buf[:x.dim]
	}
	return c.vecs[o*x.dim : (o+1)*x.dim]
}

// allocLocked takes a slot (free list first) and stores the unit vector in it. mu held
// for writing.
func (x *index) allocLocked(unit []float32) uint32 {
	var i uint32
	if n := len(x.free); n > 0 {
		i = x.free[n-1]
		x.free = x.free[:n-1]
	} else {
		i = x.n
		x.n++
		if int(i>>chunkBits) == len(x.chunks) {
			c := &chunk{links: make([]uint32, chunkSize*(x.m0+1))}
			if x.quant {
				c.codes = make([]int8, chunkSize*x.dim)
				c.scales = make([]float32, chunkSize)
			} else {
				c.vecs = make([]float32, chunkSize*x.dim)
			}
			x.chunks = append(x.chunks, c)
		}
	}
	c := x.chunks[i>>chunkBits]
	o := int(i & chunkMask)
	if x.quant {
		c.scales[o] = quantize(c.codes[o*x.dim:(o+1)*x.dim], unit)
	} else {
		copy(c.vecs[o*x.dim:(o+1)*x.dim], unit)
	}
	c.links[o*(x.m0+1)] = 0
	return i
}

func (x *index) randomLevel() int {
	l := int(-math.Log(1-rand.Float64()) * x.levelMult)
	return min(l, maxLevel)
}

// putLocked stores a point (replacing one with the same ID) and returns its slot, which
// the caller links into the graph after releasing mu. mu held for writing.
func (x *index) putLocked(id, payload string, expires, stamp int64, unit []float32) (slot uint32, deltaBytes int64, added bool) {
	if old, ok := x.ids[id]; ok {
		deltaBytes -= x.freeLocked(old)
	} else {
		added = true
	}
	i := x.allocLocked(unit)
	nd := x.node(i)
	level := x.randomLevel()
	nd.id, nd.payload, nd.expires, nd.level, nd.live = id, payload, expires, int8(level), true
	nd.stamp.Store(stamp)
	nd.upper = nil
	if level > 0 {
		nd.upper = make([][]uint32, level)
		for l := range nd.upper {
			nd.upper[l] = make([]uint32, 0, x.m)
		}
	}
	x.ids[id] = i
	x.live++
	b := x.pointBytes(len(id), len(payload), level)
	x.bytes += b
	return i, deltaBytes + b, added
}

// removeLocked deletes a point by ID and returns the bytes freed (0 if absent).
func (x *index) removeLocked(id string) (int64, bool) {
	i, ok := x.ids[id]
	if !ok {
		return 0, false
	}
	return x.freeLocked(i), true
}

// freeLocked turns slot i into a tombstone. Its vector and links stay, so searches keep
// walking through it, until reclaim has rewired its neighbours and frees the slot.
func (x *index) freeLocked(i uint32) int64 {
	nd := x.node(i)
	b := x.pointBytes(len(nd.id), len(nd.payload), int(nd.level))
	delete(x.ids, nd.id)
	nd.id, nd.payload, nd.live = "", "", false
	x.live--
	x.bytes -= b
	x.dead = append(x.dead, i)
	return b
}
