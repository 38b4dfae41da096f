package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/muninn-gw/muninn/bench/internal/loadgen"
	"github.com/muninn-gw/muninn/bench/internal/procstat"
)

// model is the upstream model; through the gateway it is "fake/" + model.
const model = "gpt-4o-mini"

// Phase names.
const (
	PhaseFixed  = "fixed"
	PhaseClosed = "closed"
	PhaseStream = "stream"
)

// Options configure a run. Zero rates, durations, connection counts, mode and phases
// take the values of Defaults(); a zero Warmup means none and a zero Rounds means 1.
type Options struct {
	// Muninn and Upstream are prebuilt binaries; empty: built from the module into a
	// temporary directory.
	Muninn, Upstream string
	// UpstreamMode is fakeupstream's -mode: "providertest" or "minimal".
	UpstreamMode string
	// Metrics leaves the gateway's Prometheus metrics plugin on.
	Metrics bool
	// ExtraConfig is a JSON object merged into the gateway's config at the top level
	// ({"cache": {...}, "logs": {...}}), to measure the gateway with more than its core.
	ExtraConfig []byte

	Phases []string // PhaseFixed, PhaseClosed, PhaseStream, in the order to run

	Rate         float64       // fixed-rate phase, requests per second
	RateDuration time.Duration // fixed-rate phase length
	RateConns    int           // connections of the open-loop phases

	ClosedConns    int
	ClosedDuration time.Duration

	StreamRate     float64
	StreamDuration time.Duration

	// Warmup runs before each target's first measured run at the same load, unmeasured.
	Warmup time.Duration
	// Rounds splits each phase into this many slices per target, run alternately
	// (direct, gateway, direct, ...), so that load from elsewhere on the machine hits
	// both targets alike. 1: back to back.
	Rounds int
	// GatewayConns is the gateway's max_conns to the upstream (0: the gateway default).
	GatewayConns int

	// Log receives progress lines (nil: discarded).
	Log io.Writer
	// KeepDir keeps the temporary directory (binaries, config, process logs).
	KeepDir bool
}

// Defaults are the figures of the performance targets.
func Defaults() Options {
	return Options{
		UpstreamMode:   "providertest",
		Phases:         []string{PhaseFixed, PhaseClosed, PhaseStream},
		Rate:           2000,
		RateDuration:   10 * time.Second,
		RateConns:      64,
		ClosedConns:    64,
		ClosedDuration: 10 * time.Second,
		StreamRate:     500,
		StreamDuration: 10 * time.Second,
		Warmup:         time.Second,
		Rounds:         10,
	}
}

// Short is a quick smoke run of every phase.
func Short() Options {
	o := Defaults()
	o.Rate, o.RateDuration = 200, time.Second
	o.ClosedConns, o.ClosedDuration = 8, time.Second
	o.StreamRate, o.StreamDuration = 100, time.Second
	o.RateConns = 16
	o.Warmup = 200 * time.Millisecond
	o.Rounds = 1
	return o
}

// Side is one target's measurement within a phase.
type Side struct {
	*loadgen.Result
	// CPU is the CPU time the process under test used during the measured run (the
	// gateway for the gateway side, the upstream for the direct side).
	CPU time.Duration
	// UpstreamCPU is the upstream's CPU time during the gateway side (zero on direct).
	UpstreamCPU time.Duration
	// PeakRSS is the gateway's peak resident memory during the run (gateway side only).
	PeakRSS int64
	// LoadCPU is the load generator's own CPU time during the run.
	LoadCPU time.Duration
}

// CPUPer10k is CPU seconds per 10,000 requests.
func (s *Side) CPUPer10k() float64 { return per10k(s.CPU, s.Requests) }

func per10k(d time.Duration, n uint64) float64 {
	if n == 0 {
		return 0
	}
	return d.Seconds() * 10000 / float64(n)
}

// Phase is one load shape run against both targets.
type Phase struct {
	Name    string // PhaseFixed, PhaseClosed or PhaseStream
	Title   string // with its parameters
	Direct  Side
	Gateway Side
}

// Report is a whole run.
type Report struct {
	Start        time.Time
	Host         string
	CPUs         int
	GoVersion    string
	UpstreamMode string
	Metrics      bool
	Extra        bool // ExtraConfig was given
	// GatewayIdleRSS is the gateway's resident memory after start, before any load;
	// GatewayPeakRSS its peak over the whole run (VmHWM at the end, before resets).
	GatewayIdleRSS int64
	GatewayPeakRSS int64
	Phases         []Phase
	Options        Options
}

// Run builds and starts the fake upstream and the gateway, runs the phases and stops
// both processes.
func Run(ctx context.Context, o Options) (rep *Report, err error) {
	d := Defaults()
	fill(&o, d)
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	for _, p := range o.Phases {
		if p != PhaseFixed && p != PhaseClosed && p != PhaseStream {
			return nil, fmt.Errorf("unknown phase %q (want %s, %s or %s)", p, PhaseFixed, PhaseClosed, PhaseStream)
		}
	}
	dir, err := os.MkdirTemp("", "muninn-loadbench-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	if o.KeepDir {
		logf("files in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if o.Muninn == "" || o.Upstream == "" {
		root, err := moduleRoot(ctx)
		if err != nil {
			return nil, err
		}
		if o.Muninn == "" {
			logf("building ./cmd/muninn")
			if o.Muninn, err = build(ctx, root, dir, "./cmd/muninn", "muninn"); err != nil {
				return nil, err
			}
		}
		if o.Upstream == "" {
			logf("building ./bench/fakeupstream")
			if o.Upstream, err = build(ctx, root, dir, "./bench/fakeupstream", "fakeupstream"); err != nil {
				return nil, err
			}
		}
	}

	up, err := start(ctx, "fakeupstream", filepath.Join(dir, "upstream.log"), o.Upstream, "-mode", o.UpstreamMode)
	if err != nil {
		return nil, err
	}
	defer up.stop()
	cfg, err := gatewayConfig(up.url, filepath.Join(dir, "data"), o.GatewayConns, o.Metrics, o.ExtraConfig)
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, "muninn.json")
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		return nil, fmt.Errorf("write gateway config: %w", err)
	}
	gw, err := start(ctx, "muninn", filepath.Join(dir, "muninn.log"), o.Muninn, "-config", cfgPath, "-listen", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer gw.stop()
	if err := waitReady(ctx, gw.url+"/readyz"); err != nil {
		return nil, fmt.Errorf("gateway not ready: %w", err)
	}
	logf("fake upstream (%s) on %s, gateway on %s", o.UpstreamMode, up.addr, gw.addr)

	host, _ := os.Hostname()
	rep = &Report{Start: time.Now().UTC(), Host: host, CPUs: runtime.NumCPU(), GoVersion: runtime.Version(),
		UpstreamMode: o.UpstreamMode, Metrics: o.Metrics, Extra: len(o.ExtraConfig) > 0, Options: o}
	if m, err := procstat.Mem(gw.pid()); err == nil {
		rep.GatewayIdleRSS = m.RSS
	}
	b := &bench{o: o, up: up, gw: gw, logf: logf}
	for _, name := range o.Phases {
		ph, err := b.phase(ctx, name)
		if err != nil {
			return rep, err
		}
		rep.Phases = append(rep.Phases, *ph)
	}
	for _, ph := range rep.Phases {
		rep.GatewayPeakRSS = max(rep.GatewayPeakRSS, ph.Gateway.PeakRSS)
	}
	if m, err := procstat.Mem(gw.pid()); err == nil {
		rep.GatewayPeakRSS = max(rep.GatewayPeakRSS, m.Peak)
	}
	return rep, nil
}

func fill(o *Options, d Options) {
	if o.UpstreamMode == "" {
		o.UpstreamMode = d.UpstreamMode
	}
	if len(o.Phases) == 0 {
		o.Phases = d.Phases
	}
	set := func(v *float64, dv float64) {
		if *v <= 0 {
			*v = dv
		}
	}
	setD := func(v *time.Duration, dv time.Duration) {
		if *v <= 0 {
			*v = dv
		}
	}
	setI := func(v *int, dv int) {
		if *v <= 0 {
			*v = dv
		}
	}
	set(&o.Rate, d.Rate)
	set(&o.StreamRate, d.StreamRate)
	setD(&o.RateDuration, d.RateDuration)
	setD(&o.ClosedDuration, d.ClosedDuration)
	setD(&o.StreamDuration, d.StreamDuration)
	setI(&o.RateConns, d.RateConns)
	setI(&o.ClosedConns, d.ClosedConns)
	setI(&o.Rounds, 1)
	if o.Warmup < 0 {
		o.Warmup = 0
	}
}

type bench struct {
	o      Options
	up, gw *proc
	logf   func(string, ...any)
}

// streamWords makes the providertest upstream answer in 20 SSE chunks: a role chunk,
// one chunk per word of "echo: <17 words>" (18), and a finish chunk, then [DONE].
const streamPrompt = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"

func body(model string, stream bool) []byte {
	if stream {
		return []byte(`{"model":"` + model + `","stream":true,"messages":[{"role":"user","content":"` + streamPrompt + `"}],"max_tokens":64}`)
	}
	return []byte(`{"model":"` + model + `","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of France? Answer in one word."}],"max_tokens":16,"temperature":0}`)
}

func (b *bench) targets(stream bool) (direct, gateway loadgen.Target) {
	direct = loadgen.Target{Name: "direct", Addr: b.up.addr, Path: "/v1/chat/completions",
		Body: body(model, stream), Stream: stream, Expect: []byte(`"choices"`),
		Header: map[string]string{"Authorization": "Bearer sk-bench-not-a-secret"}}
	gateway = direct
	gateway.Name, gateway.Addr, gateway.Body = "gateway", b.gw.addr, body("fake/"+model, stream)
	gateway.Header = nil
	return direct, gateway
}

// phase runs one load shape against the upstream directly and through the gateway, in
// Options.Rounds alternating slices.
func (b *bench) phase(ctx context.Context, name string) (*Phase, error) {
	o := b.o
	ph := &Phase{Name: name}
	var run func(ctx context.Context, c *loadgen.Client, d time.Duration) (*loadgen.Result, error)
	var total time.Duration
	stream, conns := false, o.RateConns
	switch name {
	case PhaseFixed:
		total = o.RateDuration
		ph.Title = fmt.Sprintf("fixed rate %.0f req/s for %v, %d connections (open loop, latency from the scheduled send)", o.Rate, total, o.RateConns)
		run = func(ctx context.Context, c *loadgen.Client, d time.Duration) (*loadgen.Result, error) {
			return c.FixedRate(ctx, o.Rate, d, o.RateConns)
		}
	case PhaseClosed:
		total, conns = o.ClosedDuration, o.ClosedConns
		ph.Title = fmt.Sprintf("closed loop, %d connections for %v (maximum throughput)", o.ClosedConns, total)
		run = func(ctx context.Context, c *loadgen.Client, d time.Duration) (*loadgen.Result, error) {
			return c.ClosedLoop(ctx, o.ClosedConns, d)
		}
	case PhaseStream:
		stream = true
		total = o.StreamDuration
		ph.Title = fmt.Sprintf("streaming, 20 SSE chunks, %.0f req/s for %v (open loop; TTFB and latency from the scheduled send)", o.StreamRate, total)
		run = func(ctx context.Context, c *loadgen.Client, d time.Duration) (*loadgen.Result, error) {
			return c.FixedRate(ctx, o.StreamRate, d, o.RateConns)
		}
	}
	if o.Rounds > 1 {
		ph.Title += fmt.Sprintf(", in %d alternating slices", o.Rounds)
	}
	direct, gateway := b.targets(stream)
	dc, gc := loadgen.NewClient(direct, conns), loadgen.NewClient(gateway, conns)
	defer dc.Close()
	defer gc.Close()
	sides := []struct {
		t   loadgen.Target
		c   *loadgen.Client
		dst *Side
	}{{direct, dc, &ph.Direct}, {gateway, gc, &ph.Gateway}}
	b.logf("phase %s: %s", name, ph.Title)
	if o.Warmup > 0 {
		for _, side := range sides {
			if _, err := run(ctx, side.c, o.Warmup); err != nil {
				return nil, err
			}
		}
	}
	slice := total / time.Duration(o.Rounds)
	for range o.Rounds {
		for _, side := range sides {
			if err := errors.Join(b.up.alive(), b.gw.alive()); err != nil {
				return nil, err
			}
			_ = procstat.ResetPeak(b.gw.pid())
			gw0, _ := procstat.CPU(b.gw.pid())
			up0, _ := procstat.CPU(b.up.pid())
			self0 := cpuSelf()
			res, err := run(ctx, side.c, slice)
			if err != nil {
				return nil, err
			}
			gw1, _ := procstat.CPU(b.gw.pid())
			up1, _ := procstat.CPU(b.up.pid())
			dst := side.dst
			if dst.Result == nil {
				dst.Result = &loadgen.Result{Target: side.t.Name}
			}
			dst.Add(res)
			dst.LoadCPU += cpuSelf() - self0
			if side.t.Name == "gateway" {
				dst.CPU += gw1 - gw0
				dst.UpstreamCPU += up1 - up0
				if m, err := procstat.Mem(b.gw.pid()); err == nil {
					dst.PeakRSS = max(dst.PeakRSS, m.Peak)
				}
			} else {
				dst.CPU += up1 - up0
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
	}
	for _, side := range sides {
		res := side.dst.Result
		b.logf("  %-7s %8d requests, %5d errors, %8.0f req/s, p50 %v, p99 %v", side.t.Name, res.Requests, res.Errors, res.Rate(),
			res.Latency.Quantile(0.5).Round(time.Microsecond), res.Latency.Quantile(0.99).Round(time.Microsecond))
	}
	return ph, nil
}
