package telemetry

import (
	"github.com/prometheus/client_golang/prometheus"
)

type promFactory struct{ reg *prometheus.Registry }

func (f promFactory) counter(name, help string, labels []string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f promFactory) histogram(name, help string, buckets []float64, labels []string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}

func (f promFactory) plainHistogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

// Gauge is a named value read at scrape time.
type Gauge struct {
	Name, Help string
	Counter    bool // exposed as a counter (monotonic) rather than a gauge
	Value      func() float64
}

// RegisterFuncs exposes values owned elsewhere (the log pipeline's queue depth, spool
// size and drops, the vector store's size, the trace exporter's failures), read at scrape
// time so the owners need not import Prometheus.
func (m *Metrics) RegisterFuncs(gs ...Gauge) error {
	if m == nil {
		return nil
	}
	for _, g := range gs {
		var c prometheus.Collector
		if g.Counter {
			c = prometheus.NewCounterFunc(prometheus.CounterOpts{Name: g.Name, Help: g.Help}, g.Value)
		} else {
			c = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: g.Name, Help: g.Help}, g.Value)
		}
		if err := m.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// TracingGauges are the trace exporter's counters, for RegisterFuncs.
func TracingGauges(t *Tracing) []Gauge {
	return []Gauge{
		{Name: "muninn_trace_export_failures_total", Help: "Failed OTLP trace export requests.", Counter: true,
			Value: func() float64 { return float64(t.ExportFailures()) }},
		{Name: "muninn_trace_spans_exported_total", Help: "Spans exported over OTLP.", Counter: true,
			Value: func() float64 { return float64(t.ExportedSpans()) }},
	}
}
