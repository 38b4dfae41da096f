package runner

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/muninn-gw/muninn/bench/internal/hist"
)

// Targets of the performance section of the gateway issue, for this machine class
// (2 shared cores, load generator, upstream and gateway together).
const (
	TargetFixedP50    = 100 * time.Microsecond
	TargetFixedP99    = time.Millisecond
	TargetClosedRatio = 0.27
	TargetTTFB        = 100 * time.Microsecond
	TargetPeakRSS     = 100 << 20
)

// Check is one figure compared with its target.
type Check struct {
	Name   string
	Value  string
	Target string
	Pass   bool
}

// Overheads are the gateway-minus-direct figures of a phase.
type Overheads struct {
	P50, P99 time.Duration // latency
	// SendP50 and SendP99 compare latency from the actual send (open-loop phases).
	SendP50, SendP99 time.Duration
	TTFB50           time.Duration // streams: TTFB p50
	TTFB99           time.Duration
	RateRatio        float64 // gateway rate / direct rate
	HasStreams       bool
}

// Overheads computes the phase's gateway-minus-direct figures.
func (p *Phase) Overheads() Overheads {
	var o Overheads
	if p.Direct.Result == nil || p.Gateway.Result == nil {
		return o
	}
	d, g := p.Direct.Latency, p.Gateway.Latency
	o.P50 = g.Quantile(0.5) - d.Quantile(0.5)
	o.P99 = g.Quantile(0.99) - d.Quantile(0.99)
	if p.Direct.Service != nil && p.Gateway.Service != nil {
		o.SendP50 = p.Gateway.Service.Quantile(0.5) - p.Direct.Service.Quantile(0.5)
		o.SendP99 = p.Gateway.Service.Quantile(0.99) - p.Direct.Service.Quantile(0.99)
	}
	if dr := p.Direct.Rate(); dr > 0 {
		o.RateRatio = p.Gateway.Rate() / dr
	}
	if p.Direct.TTFB != nil && p.Gateway.TTFB != nil {
		o.HasStreams = true
		o.TTFB50 = p.Gateway.TTFB.Quantile(0.5) - p.Direct.TTFB.Quantile(0.5)
		o.TTFB99 = p.Gateway.TTFB.Quantile(0.99) - p.Direct.TTFB.Quantile(0.99)
	}
	return o
}

// Phase returns the phase named name, or nil.
func (r *Report) Phase(name string) *Phase {
	for i := range r.Phases {
		if r.Phases[i].Name == name {
			return &r.Phases[i]
		}
	}
	return nil
}

// Checks compares the run with the targets (only for the phases that ran).
func (r *Report) Checks() []Check {
	var cs []Check
	if p := r.Phase(PhaseFixed); p != nil {
		ov := p.Overheads()
		cs = append(cs,
			Check{fmt.Sprintf("overhead p50 at %.0f req/s", r.Options.Rate), ms(ov.P50), "≤ " + ms(TargetFixedP50), ov.P50 <= TargetFixedP50},
			Check{fmt.Sprintf("overhead p99 at %.0f req/s", r.Options.Rate), ms(ov.P99), "≤ " + ms(TargetFixedP99), ov.P99 <= TargetFixedP99})
	}
	if p := r.Phase(PhaseClosed); p != nil {
		ov := p.Overheads()
		cs = append(cs, Check{fmt.Sprintf("closed loop %d conns, gateway rate / direct", r.Options.ClosedConns),
			fmt.Sprintf("%.1f%%", ov.RateRatio*100), fmt.Sprintf("≥ %.0f%%", TargetClosedRatio*100), ov.RateRatio >= TargetClosedRatio})
	}
	if p := r.Phase(PhaseStream); p != nil {
		ov := p.Overheads()
		cs = append(cs, Check{"streaming TTFB overhead p50", ms(ov.TTFB50), "≤ " + ms(TargetTTFB), ov.TTFB50 <= TargetTTFB})
	}
	cs = append(cs, Check{"gateway peak RSS", mb(r.GatewayPeakRSS), "≤ " + mb(TargetPeakRSS), r.GatewayPeakRSS > 0 && r.GatewayPeakRSS <= TargetPeakRSS})
	return cs
}

func ms(d time.Duration) string { return fmt.Sprintf("%+.3f ms", float64(d)/1e6) }

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

func dur(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/1e6) }

func latencyRow(tw io.Writer, name string, h *hist.Histogram) {
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, dur(h.Quantile(0.5)), dur(h.Quantile(0.9)),
		dur(h.Quantile(0.99)), dur(h.Quantile(0.999)), dur(h.Max()), dur(h.Mean()))
}

// Print writes the report as text tables.
func (r *Report) Print(w io.Writer) {
	plugins := "costing (always wired)"
	if r.Metrics {
		plugins += ", metrics"
	}
	if r.Extra {
		plugins += ", plus what the extra config turns on"
	}
	fmt.Fprintf(w, "Muninn load benchmark, %s, %s, %d CPUs, %s\n", r.Start.Format("2006-01-02 15:04 MST"), r.Host, r.CPUs, r.GoVersion)
	fmt.Fprintf(w, "fake upstream: %s; gateway plugins: %s; gateway idle RSS %s\n", r.UpstreamMode, plugins, mb(r.GatewayIdleRSS))
	for i := range r.Phases {
		p := &r.Phases[i]
		fmt.Fprintf(w, "\n== %s\n", p.Title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "target\trequests\terrors\treq/s\tsender late p50/p99 ms\tproc CPU s\tCPU s/10k req\tload-gen CPU s\t\n")
		for _, s := range []*Side{&p.Direct, &p.Gateway} {
			late := "-"
			if p.Name != PhaseClosed {
				late = dur(s.Lateness.Quantile(0.5)) + " / " + dur(s.Lateness.Quantile(0.99))
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%.2f\t%.3f\t%.2f\t\n", s.Target, s.Requests, s.Errors, s.Rate(), late,
				s.CPU.Seconds(), s.CPUPer10k(), s.LoadCPU.Seconds())
		}
		tw.Flush()
		fmt.Fprintln(w, "  (proc CPU: the upstream for direct, the gateway for gateway)")
		for _, s := range []*Side{&p.Direct, &p.Gateway} {
			if s.Errors > 0 {
				fmt.Fprintf(w, "  %s errors: %s\n", s.Target, s.ErrorSummary())
			}
		}
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "latency ms\tp50\tp90\tp99\tp99.9\tmax\tmean\t\n")
		latencyRow(tw, "direct", p.Direct.Latency)
		latencyRow(tw, "gateway", p.Gateway.Latency)
		if p.Name != PhaseClosed {
			latencyRow(tw, "direct from send", p.Direct.Service)
			latencyRow(tw, "gateway from send", p.Gateway.Service)
		}
		if p.Direct.TTFB != nil {
			latencyRow(tw, "TTFB direct", p.Direct.TTFB)
			latencyRow(tw, "TTFB gateway", p.Gateway.TTFB)
		}
		tw.Flush()
		ov := p.Overheads()
		fmt.Fprintf(w, "gateway: CPU %.2f s (%.3f s per 10k requests), peak RSS %s; upstream CPU meanwhile %.2f s\n",
			p.Gateway.CPU.Seconds(), p.Gateway.CPUPer10k(), mb(p.Gateway.PeakRSS), p.Gateway.UpstreamCPU.Seconds())
		if p.Gateway.UpstreamCPU == 0 && p.Gateway.Requests >= 5000 {
			fmt.Fprintln(w, "WARNING: the upstream did no work while the gateway answered: is a cache answering for it?")
		}
		fmt.Fprintf(w, "overhead (gateway - direct): p50 %s, p99 %s; rate %.1f%% of direct", ms(ov.P50), ms(ov.P99), ov.RateRatio*100)
		if ov.HasStreams {
			fmt.Fprintf(w, "; TTFB p50 %s, p99 %s", ms(ov.TTFB50), ms(ov.TTFB99))
		}
		fmt.Fprintln(w)
		if p.Name != PhaseClosed {
			fmt.Fprintf(w, "overhead from the actual send: p50 %s, p99 %s\n", ms(ov.SendP50), ms(ov.SendP99))
		}
	}
	fmt.Fprintf(w, "\n== targets\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range r.Checks() {
		verdict := "MISS"
		if c.Pass {
			verdict = "ok"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, c.Value, c.Target, verdict)
	}
	tw.Flush()
	fmt.Fprintf(w, "peak RSS over the whole run: %s\n", mb(r.GatewayPeakRSS))
}

// Summary is the report's figures in a JSON-friendly shape (durations in milliseconds).
type Summary struct {
	Start         time.Time      `json:"start"`
	Host          string         `json:"host"`
	CPUs          int            `json:"cpus"`
	GoVersion     string         `json:"go_version"`
	UpstreamMode  string         `json:"upstream_mode"`
	Metrics       bool           `json:"metrics"`
	GatewayIdleMB float64        `json:"gateway_idle_rss_mb"`
	GatewayPeakMB float64        `json:"gateway_peak_rss_mb"`
	Phases        []PhaseSummary `json:"phases"`
	Checks        []Check        `json:"checks"`
}

// PhaseSummary is one phase in a Summary.
type PhaseSummary struct {
	Name          string      `json:"name"`
	Title         string      `json:"title"`
	Direct        SideSummary `json:"direct"`
	Gateway       SideSummary `json:"gateway"`
	OverheadP50   float64     `json:"overhead_p50_ms"`
	OverheadP99   float64     `json:"overhead_p99_ms"`
	RateRatio     float64     `json:"gateway_rate_ratio"`
	SendP50       float64     `json:"overhead_from_send_p50_ms,omitempty"`
	SendP99       float64     `json:"overhead_from_send_p99_ms,omitempty"`
	TTFBOverhead  float64     `json:"ttfb_overhead_p50_ms,omitempty"`
	TTFBOverhead9 float64     `json:"ttfb_overhead_p99_ms,omitempty"`
}

// SideSummary is one target's figures in a Summary.
type SideSummary struct {
	Requests  uint64            `json:"requests"`
	Errors    uint64            `json:"errors"`
	ErrorKind map[string]uint64 `json:"error_kinds,omitempty"`
	Rate      float64           `json:"rate"`
	Latency   Quantiles         `json:"latency_ms"`
	Lateness  Quantiles         `json:"sender_lateness_ms"`
	Service   Quantiles         `json:"latency_from_send_ms"`
	TTFB      *Quantiles        `json:"ttfb_ms,omitempty"`
	CPU       float64           `json:"cpu_s"`
	CPUPer10k float64           `json:"cpu_s_per_10k"`
	PeakRSSMB float64           `json:"peak_rss_mb,omitempty"`
	LoadCPU   float64           `json:"loadgen_cpu_s"`
}

// Quantiles of a histogram, in milliseconds.
type Quantiles struct {
	P50, P90, P99, P999, Max, Mean float64
}

func quantiles(h *hist.Histogram) Quantiles {
	f := func(d time.Duration) float64 { return float64(d) / 1e6 }
	return Quantiles{f(h.Quantile(0.5)), f(h.Quantile(0.9)), f(h.Quantile(0.99)), f(h.Quantile(0.999)), f(h.Max()), f(h.Mean())}
}

func sideSummary(s *Side) SideSummary {
	out := SideSummary{Requests: s.Requests, Errors: s.Errors, ErrorKind: s.ErrorKinds, Rate: s.Rate(),
		Latency: quantiles(s.Latency), Service: quantiles(s.Service), Lateness: quantiles(s.Lateness), CPU: s.CPU.Seconds(), CPUPer10k: s.CPUPer10k(),
		PeakRSSMB: float64(s.PeakRSS) / (1 << 20), LoadCPU: s.LoadCPU.Seconds()}
	if s.TTFB != nil {
		q := quantiles(s.TTFB)
		out.TTFB = &q
	}
	return out
}

// Summary returns the report's figures for JSON.
func (r *Report) Summary() Summary {
	s := Summary{Start: r.Start, Host: r.Host, CPUs: r.CPUs, GoVersion: r.GoVersion, UpstreamMode: r.UpstreamMode,
		Metrics: r.Metrics, GatewayIdleMB: float64(r.GatewayIdleRSS) / (1 << 20),
		GatewayPeakMB: float64(r.GatewayPeakRSS) / (1 << 20), Checks: r.Checks()}
	for i := range r.Phases {
		p := &r.Phases[i]
		ov := p.Overheads()
		s.Phases = append(s.Phases, PhaseSummary{Name: p.Name, Title: p.Title,
			Direct: sideSummary(&p.Direct), Gateway: sideSummary(&p.Gateway),
			OverheadP50: float64(ov.P50) / 1e6, OverheadP99: float64(ov.P99) / 1e6, RateRatio: ov.RateRatio,
			SendP50: float64(ov.SendP50) / 1e6, SendP99: float64(ov.SendP99) / 1e6,
			TTFBOverhead: float64(ov.TTFB50) / 1e6, TTFBOverhead9: float64(ov.TTFB99) / 1e6})
	}
	return s
}
