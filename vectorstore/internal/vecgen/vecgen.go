package vecgen

import (
	"math"
	"math/rand/v2"
)

// Config describes a dataset.
type Config struct {
	Dim      int     // dimensions (512 for the built-in embedder)
	Topics   int     // number of topic centres
	Seed     uint64  // changes everything
	Common   float64 // weight of the shared direction
	Topic    float64 // weight of the topic centre
	Noise    float64 // weight of the per-point variation
	Axes     int     // shared axes the variation lies on; 0 means isotropic noise
	Decay    float64 // axis k has weight k^-Decay
	Iso      float64 // share of isotropic noise in the variation
	DupShare float64 // share of points that are paraphrases of an earlier point
}

// Default returns a 512-dimension configuration sized for n points.
func Default(n int) Config {
	return Config{
		Dim:      512,
		Topics:   max(16, n/1000),
		Seed:     42,
		Common:   0.45,
		Topic:    0.75,
		Noise:    0.75,
		Axes:     96,
		Decay:    0.5,
		Iso:      0.25,
		DupShare: 0.2,
	}
}

// Hard returns Default(n) with isotropic variation.
func Hard(n int) Config {
	c := Default(n)
	c.Axes, c.Iso = 0, 1
	return c
}

// Gen generates points and queries.
type Gen struct {
	cfg    Config
	common []float32
	topics [][]float32
	axes   [][]float32 // weighted
}

// New builds the generator (topic centres included).
func New(cfg Config) *Gen {
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	g := &Gen{cfg: cfg, common: unitGauss(r, cfg.Dim)}
	g.topics = make([][]float32, cfg.Topics)
	for i := range g.topics {
		g.topics[i] = unitGauss(r, cfg.Dim)
	}
	g.axes = make([][]float32, cfg.Axes)
	for k := range g.axes {
		a := unitGauss(r, cfg.Dim)
		w := float32(math.Pow(float64(k+1), -cfg.Decay))
		for j := range a {
			a[j] *= w
		}
		g.axes[k] = a
	}
	return g
}

// variation returns a unit vector of per-point variation: on the shared axes plus
// isotropic noise, or isotropic only.
func (g *Gen) variation(r *rand.Rand) []float32 {
	iso := unitGauss(r, g.cfg.Dim)
	if len(g.axes) == 0 {
		return iso
	}
	v := make([]float32, g.cfg.Dim)
	for _, a := range g.axes {
		z := float32(r.NormFloat64())
		for j := range v {
			v[j] += z * a[j]
		}
	}
	normalize(v)
	wi := float32(g.cfg.Iso)
	ws := float32(math.Sqrt(1 - g.cfg.Iso*g.cfg.Iso))
	for j := range v {
		v[j] = ws*v[j] + wi*iso[j]
	}
	return normalize(v)
}

// Dim returns the vectors' dimension.
func (g *Gen) Dim() int { return g.cfg.Dim }

func unitGauss(r *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	var s float64
	for i := range v {
		x := r.NormFloat64()
		v[i] = float32(x)
		s += x * x
	}
	inv := 1 / math.Sqrt(s)
	for i := range v {
		v[i] = float32(float64(v[i]) * inv)
	}
	return v
}

func normalize(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	inv := 1 / math.Sqrt(s)
	for i := range v {
		v[i] = float32(float64(v[i]) * inv)
	}
	return v
}

// perturb returns normalize(v + w*variation): its cosine with v is about 1/sqrt(1+w²).
func (g *Gen) perturb(r *rand.Rand, v []float32, w float64) []float32 {
	n := g.variation(r)
	// Keep only the part orthogonal to v, so the cosine is exactly 1/sqrt(1+w²).
	var d float32
	for i := range v {
		d += v[i] * n[i]
	}
	for i := range n {
		n[i] -= d * v[i]
	}
	normalize(n)
	out := make([]float32, len(v))
	for i := range v {
		out[i] = v[i] + float32(w)*n[i]
	}
	return normalize(out)
}

func (g *Gen) rng(kind, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.cfg.Seed^kind*0x9e3779b97f4a7c15, i))
}

// Point returns point i (unit length).
func (g *Gen) Point(i int) []float32 {
	r := g.rng(1, uint64(i))
	if i > 0 && r.Float64() < g.cfg.DupShare {
		// A paraphrase of an earlier point: cosine about 0.9 with it.
		src := r.IntN(i)
		return g.perturb(r, g.Point(src), 0.45)
	}
	return g.base(r)
}

func (g *Gen) base(r *rand.Rand) []float32 {
	t := g.topics[r.IntN(len(g.topics))]
	n := g.variation(r)
	v := make([]float32, g.cfg.Dim)
	for j := range v {
		v[j] = float32(g.cfg.Common)*g.common[j] + float32(g.cfg.Topic)*t[j] + float32(g.cfg.Noise)*n[j]
	}
	return normalize(v)
}

// Query returns query j over a dataset of n points: a paraphrase of point Source, with
// a cosine between about 0.8 and 0.97 to it.
func (g *Gen) Query(j, n int) (vec []float32, source int) {
	r := g.rng(2, uint64(j))
	source = r.IntN(n)
	w := 0.25 + 0.5*r.Float64()
	return g.perturb(r, g.Point(source), w), source
}

// Unrelated returns query j with no planted match: a fresh point from a random topic.
func (g *Gen) Unrelated(j int) []float32 { return g.base(g.rng(3, uint64(j))) }
