package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/muninn-gw/muninn/bench/internal/runner"
)

func main() {
	o := runner.Defaults()
	if hasShort(os.Args[1:]) {
		o = runner.Short()
	}
	fs := newFlags(&o, o)
	_ = fs.Parse(os.Args[1:])
	phases := fs.Lookup("phases").Value.String()
	o.Phases = nil
	for _, p := range strings.Split(phases, ",") {
		if p = strings.TrimSpace(p); p != "" {
			o.Phases = append(o.Phases, p)
		}
	}
	o.Log = os.Stderr
	if path := fs.Lookup("extra-config").Value.String(); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadbench: -extra-config:", err)
			os.Exit(2)
		}
		o.ExtraConfig = b
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := runner.Run(ctx, o)
	if rep != nil && len(rep.Phases) > 0 {
		rep.Print(os.Stdout)
		if path := fs.Lookup("json").Value.String(); path != "" {
			if err := writeJSON(path, rep); err != nil {
				fmt.Fprintln(os.Stderr, "loadbench:", err)
				os.Exit(1)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
	for _, p := range rep.Phases {
		if p.Direct.Errors+p.Gateway.Errors > 0 {
			fmt.Fprintln(os.Stderr, "loadbench: requests failed (see the errors above)")
			os.Exit(1)
		}
	}
}

// hasShort reports whether -short is among the flags: it changes the defaults the other
// flags start from.
func hasShort(args []string) bool {
	for _, a := range args {
		switch a {
		case "-short", "--short", "-short=true", "--short=true":
			return true
		}
	}
	return false
}

func newFlags(o *runner.Options, d runner.Options) *flag.FlagSet {
	fs := flag.NewFlagSet("loadbench", flag.ExitOnError)
	fs.Bool("short", false, "quick smoke run: low rates, 1 s phases")
	fs.String("phases", strings.Join(d.Phases, ","), "phases to run, in order: fixed, closed, stream")
	fs.String("json", "", "also write the figures as JSON to this file")
	fs.StringVar(&o.Muninn, "muninn", "", "prebuilt muninn binary (default: go build ./cmd/muninn)")
	fs.StringVar(&o.Upstream, "upstream", "", "prebuilt fakeupstream binary (default: go build ./bench/fakeupstream)")
	fs.StringVar(&o.UpstreamMode, "upstream-mode", d.UpstreamMode, "fake upstream: providertest (the shared test fake) or minimal (canned answers)")
	fs.BoolVar(&o.Metrics, "metrics", false, "keep the gateway's Prometheus metrics plugin on")
	fs.String("extra-config", "", "JSON file whose top-level members are added to the gateway's config (cache, logs, telemetry...)")
	fs.Float64Var(&o.Rate, "rate", d.Rate, "fixed-rate phase: requests per second")
	fs.DurationVar(&o.RateDuration, "rate-duration", d.RateDuration, "fixed-rate phase: duration")
	fs.IntVar(&o.RateConns, "rate-conns", d.RateConns, "open-loop phases: connections (workers)")
	fs.IntVar(&o.ClosedConns, "conns", d.ClosedConns, "closed-loop phase: connections")
	fs.DurationVar(&o.ClosedDuration, "closed-duration", d.ClosedDuration, "closed-loop phase: duration")
	fs.Float64Var(&o.StreamRate, "stream-rate", d.StreamRate, "streaming phase: requests per second")
	fs.DurationVar(&o.StreamDuration, "stream-duration", d.StreamDuration, "streaming phase: duration")
	fs.DurationVar(&o.Warmup, "warmup", d.Warmup, "unmeasured warm-up before each measured run")
	fs.IntVar(&o.Rounds, "rounds", d.Rounds, "slices per phase and target, run alternately direct/gateway (1: back to back)")
	fs.IntVar(&o.GatewayConns, "gateway-conns", 0, "gateway's max_conns to the upstream (0: its default)")
	fs.BoolVar(&o.KeepDir, "keep", false, "keep the temporary directory (binaries, config, process logs)")
	return fs
}

func writeJSON(path string, rep *runner.Report) error {
	b, err := json.MarshalIndent(rep.Summary(), "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
