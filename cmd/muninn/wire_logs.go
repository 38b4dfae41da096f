package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/plugins/logging"
	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/logapi"
	"github.com/muninn-gw/muninn/telemetry"

	_ "github.com/muninn-gw/muninn/logstore/clickhouse" // registers "clickhouse"
	_ "github.com/muninn-gw/muninn/logstore/sqlite"     // registers "sqlite"
)

func init() { wire(30, "logging", wireLogs) }

// logsSection is the config's logs section.
type logsSection struct {
	// Backend is "sqlite" (default: a file in the data directory), "clickhouse", or
	// "off".
	Backend string `json:"backend"`
	// DSN addresses the backend: clickhouse://user:pass@host:9000/db, or a SQLite file.
	DSN            string         `json:"dsn"`
	Retention      string         `json:"retention"`
	Bodies         *bool          `json:"bodies"`
	MaxBodyBytes   int            `json:"max_body_bytes"`
	RedactFields   []string       `json:"redact_fields"`
	RedactMetadata []string       `json:"redact_metadata"`
	Batcher        batcherSection `json:"batcher"`
}

type batcherSection struct {
	QueueSize     int    `json:"queue_size"`
	BatchRows     int    `json:"batch_rows"`
	FlushInterval string `json:"flush_interval"`
	WriteTimeout  string `json:"write_timeout"`
	SpoolDir      string `json:"spool_dir"`
	SpoolMaxBytes int64  `json:"spool_max_bytes"`
	SpoolSync     string `json:"spool_sync"`
}

func parseDur(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", field, err)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s: %q is negative", field, s)
	}
	return d, nil
}

func wireLogs(w *wiring) error {
	raw, err := resolveSection("logs", w.Config.Logs, w.Lookup)
	if err != nil {
		return err
	}
	var sec logsSection
	if err := strictJSON("logs", raw, &sec); err != nil {
		return err
	}
	backend := sec.Backend
	switch backend {
	case "off":
		w.Note("logs: off")
		return nil
	case "":
		backend = "sqlite"
	}
	retention, err := parseDur("logs.retention", sec.Retention)
	if err != nil {
		return err
	}
	bc := logstore.BatcherConfig{
		QueueSize: sec.Batcher.QueueSize, BatchRows: sec.Batcher.BatchRows,
		SpoolDir: sec.Batcher.SpoolDir, SpoolMaxBytes: sec.Batcher.SpoolMaxBytes,
		SpoolSync: sec.Batcher.SpoolSync, Logger: w.Log,
	}
	if bc.FlushInterval, err = parseDur("logs.batcher.flush_interval", sec.Batcher.FlushInterval); err != nil {
		return err
	}
	if bc.WriteTimeout, err = parseDur("logs.batcher.write_timeout", sec.Batcher.WriteTimeout); err != nil {
		return err
	}
	if bc.SpoolDir == "" {
		bc.SpoolDir = filepath.Join(w.Config.DataDir, "log-spool")
	}
	lc := logging.DefaultConfig()
	if sec.Bodies != nil {
		lc.Bodies = *sec.Bodies
	}
	if sec.MaxBodyBytes != 0 {
		lc.MaxBodyBytes = sec.MaxBodyBytes
	}
	lc.RedactFields, lc.RedactMetadata = sec.RedactFields, sec.RedactMetadata

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := logstore.Open(ctx, backend, logstore.Config{DSN: sec.DSN, DataDir: w.Config.DataDir, Retention: retention})
	if err != nil {
		return fmt.Errorf("logs (%s): %w", backend, err)
	}
	b, err := logstore.NewBatcher(st, bc)
	if err != nil {
		st.Close()
		return fmt.Errorf("logs: %w", err)
	}
	w.OnClose("log store", func(context.Context) error { return st.Close() })
	w.OnClose("log pipeline", b.Close) // closed first: drains into the store
	w.AddPlugin(30, logging.New(b, lc))
	api := logapi.New(st)
	w.AddRoute(gateway.Route{Method: "GET", Path: logapi.PathLogs, Handler: api.Logs(), Admin: true})
	w.AddRoute(gateway.Route{Method: "GET", Path: logapi.PathLogs + "/", Handler: api.Log(), Admin: true})
	w.AddRoute(gateway.Route{Method: "GET", Path: logapi.PathStats, Handler: api.Stats(), Admin: true})
	w.Note(fmt.Sprintf("logs: %s, spool %s", backend, bc.SpoolDir))
	return metricsRegistry.RegisterFuncs(logGauges(b)...)
}

func logGauges(b *logstore.Batcher) []telemetry.Gauge {
	stat := func(f func(logstore.BatcherStats) float64) func() float64 {
		return func() float64 { return f(b.Stats()) }
	}
	return []telemetry.Gauge{
		{Name: "muninn_log_queue_depth", Help: "Log records waiting in memory.", Value: stat(func(s logstore.BatcherStats) float64 { return float64(s.QueueDepth) })},
		{Name: "muninn_log_spool_bytes", Help: "Bytes of log records waiting in the disk spool.", Value: stat(func(s logstore.BatcherStats) float64 { return float64(s.SpoolBytes) })},
		{Name: "muninn_log_sink_down", Help: "1 while the log sink is failing and records go to the spool.", Value: stat(func(s logstore.BatcherStats) float64 {
			if s.SinkDown {
				return 1
			}
			return 0
		})},
		{Name: "muninn_log_written_records_total", Help: "Log records written to the sink (live and replayed).", Counter: true, Value: stat(func(s logstore.BatcherStats) float64 { return float64(s.Written) })},
		{Name: "muninn_log_spooled_records_total", Help: "Log records written to the disk spool.", Counter: true, Value: stat(func(s logstore.BatcherStats) float64 { return float64(s.Spooled) })},
		{Name: "muninn_log_replayed_records_total", Help: "Spooled log records written to the sink after it recovered.", Counter: true, Value: stat(func(s logstore.BatcherStats) float64 { return float64(s.Replayed) })},
		{Name: "muninn_log_dropped_records_total", Help: "Log records lost (spool full or disabled).", Counter: true, Value: stat(func(s logstore.BatcherStats) float64 { return float64(s.Dropped) })},
		{Name: "muninn_log_write_errors_total", Help: "Failed writes to the log sink.", Counter: true, Value: stat(func(s logstore.BatcherStats) float64 { return float64(s.WriteErrors) })},
		{Name: "muninn_log_spool_corrupt_bytes_total", Help: "Bytes of spool found corrupt and skipped at replay.", Counter: true, Value: stat(func(s logstore.BatcherStats) float64 { return float64(s.SpoolCorruptBytes) })},
	}
}
