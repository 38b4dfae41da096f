package main

import (
	"encoding/json"
	"sync/atomic"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/plugins/metrics"
	"github.com/muninn-gw/muninn/gateway/plugins/tracing"
	"github.com/muninn-gw/muninn/telemetry"
)

func init() {
	wire(10, "tracing", wireTracing)
	wire(20, "metrics", wireMetrics)
}

// metricsRegistry is the Prometheus registry, for the parts wired after it (the log
// pipeline, the vector store, the gateway) to expose their own counters. Nil when
// metrics are disabled.
var metricsRegistry *telemetry.Metrics

// tracingSection is the config's telemetry section.
type tracingSection struct {
	Traces json.RawMessage `json:"traces"`
}

func wireTracing(w *wiring) error {
	raw, err := resolveSection("telemetry", w.Config.Telemetry, w.Lookup)
	if err != nil {
		return err
	}
	var sec tracingSection
	if err := strictJSON("telemetry", raw, &sec); err != nil {
		return err
	}
	cfg, err := telemetry.DecodeTraces(sec.Traces)
	if err != nil {
		return err
	}
	tr, err := telemetry.NewTracing(cfg, version, w.Log)
	if err != nil || tr == nil {
		return err
	}
	w.AddPlugin(10, tracing.New(tr))
	w.OnClose("tracing", tr.Shutdown)
	tracesLive = tr
	w.Note("traces: OTLP export to " + cfg.Endpoint)
	return nil
}

// tracesLive is the running exporter, whose counters wireMetrics exposes.
var tracesLive *telemetry.Tracing

func wireMetrics(w *wiring) error {
	cfg, err := telemetry.DecodeMetrics(w.Config.Metrics)
	if err != nil {
		return err
	}
	if cfg.Disabled {
		return nil
	}
	m := telemetry.NewMetrics(cfg)
	metricsRegistry = m
	if tracesLive != nil {
		if err := m.RegisterFuncs(telemetry.TracingGauges(tracesLive)...); err != nil {
			return err
		}
	}
	if err := m.RegisterFuncs(gatewayGauges(w)...); err != nil {
		return err
	}
	w.AddPlugin(20, metrics.New(m))
	w.AddRoute(gateway.Route{Method: "GET", Path: cfg.Path, Handler: m.Handler(), Public: true})
	w.Note("metrics: Prometheus exposition on " + cfg.Path)
	return nil
}

// gatewayGauges expose the gateway's own counters; srv is filled in by OnServer once
// the gateway exists (scrapes before that read zeros).
func gatewayGauges(w *wiring) []telemetry.Gauge {
	var srv atomic.Pointer[gateway.Server]
	w.OnServer(func(s *gateway.Server) { srv.Store(s) })
	read := func(f func(*gateway.Server) float64) func() float64 {
		return func() float64 {
			if s := srv.Load(); s != nil {
				return f(s)
			}
			return 0
		}
	}
	return []telemetry.Gauge{
		{Name: "muninn_requests_in_flight", Help: "Requests being answered now.",
			Value: read(func(s *gateway.Server) float64 { return float64(s.InFlight()) })},
		{Name: "muninn_plugin_errors_total", Help: "Plugin hooks that failed (errors and panics); the requests went on.", Counter: true,
			Value: read(func(s *gateway.Server) float64 {
				var n int64
				for _, f := range s.PluginFailures() {
					n += f.Errors + f.Panics
				}
				return float64(n)
			})},
		{Name: "muninn_rejected_auth_total", Help: "Requests refused before the pipeline for a missing or wrong gateway key.", Counter: true,
			Value: read(func(s *gateway.Server) float64 { return float64(s.Rejected().Auth) })},
		{Name: "muninn_rejected_overload_total", Help: "Requests refused before the pipeline because the gateway was at its in-flight cap.", Counter: true,
			Value: read(func(s *gateway.Server) float64 { return float64(s.Rejected().Overload) })},
		{Name: "muninn_rejected_draining_total", Help: "Requests refused while the gateway was stopping.", Counter: true,
			Value: read(func(s *gateway.Server) float64 { return float64(s.Rejected().Draining) })},
	}
}
