package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/muninn-gw/muninn/gateway"
)

// run starts the gateway and blocks until it is stopped by SIGTERM or SIGINT.
func run(f flags, out io.Writer) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, notes, err := loadConfig(f, os.LookupEnv)
	if err != nil {
		return err
	}
	authLine, err := gateway.CheckListen(cfg, cfg.Listen)
	if err != nil {
		return err
	}
	ctx := context.Background()
	w := &wiring{Config: cfg, Log: log, Lookup: os.LookupEnv}
	if err := wireAll(ctx, w); err != nil {
		return err
	}
	srv, err := gateway.New(cfg, gateway.Options{
		Plugins: w.Plugins(), Routes: w.routes, Catalog: w.catalog, Logger: log, Version: version,
	})
	if err != nil {
		w.close(ctx)
		return err
	}
	for _, fn := range w.servers {
		fn(srv)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		w.close(ctx)
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(out, "muninn %s listening on http://%s\n", version, ln.Addr())
	for _, n := range append(append(notes, w.notes...), describeProviders(cfg), authLine) {
		fmt.Fprintln(out, "  "+n)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	reload := make(chan os.Signal, 1)
	stop := make(chan os.Signal, 1)
	signal.Notify(reload, syscall.SIGHUP)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(reload)
	defer signal.Stop(stop)
	changed := watchFile(f.config, cfg.Watch, log)

	for {
		select {
		case err := <-served:
			w.close(ctx)
			return err
		case <-reload:
			reloadConfig(srv, w, f, log)
		case <-changed:
			reloadConfig(srv, w, f, log)
		case sig := <-stop:
			drain := cfg.DrainTimeout.D()
			if drain <= 0 {
				drain = gateway.DefaultDrainTimeout
			}
			log.Info("stopping: draining requests in flight", "signal", sig.String(), "deadline", drain)
			dctx, cancel := context.WithTimeout(ctx, drain)
			err := srv.Shutdown(dctx)
			cancel()
			cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
			w.close(cctx)
			ccancel()
			if err != nil {
				log.Warn("drain incomplete", "err", err)
			}
			log.Info("stopped")
			return nil
		}
	}
}

// reloadConfig re-reads the config file and swaps the routing in; a bad file is
// rejected and the running config kept.
func reloadConfig(srv *gateway.Server, w *wiring, f flags, log *slog.Logger) {
	if f.config == "" {
		log.Warn("reload: no config file to reload (started from the environment)")
		return
	}
	cfg, _, err := loadConfig(f, os.LookupEnv)
	if err == nil {
		for _, adjust := range w.adjusters {
			adjust(cfg)
		}
		err = srv.Reload(cfg)
	}
	if err != nil {
		log.Error("reload rejected; keeping the running config", "err", err)
		return
	}
	if err := reloadPricing(cfg); err != nil {
		log.Error("reload: keeping the running prices", "err", err)
	}
	for _, r := range w.reloads {
		if err := r.fn(cfg); err != nil {
			log.Error("reload: keeping the running state", "part", r.name, "err", err)
		}
	}
	log.Info("reloaded", "config", f.config)
}

// watchFile reports changes of the config file when watching is on. Editors replace
// files, so the directory is watched and events are filtered by name.
func watchFile(path string, on bool, log *slog.Logger) <-chan struct{} {
	ch := make(chan struct{}, 1)
	if !on || path == "" {
		return ch
	}
	wt, err := fsnotify.NewWatcher()
	if err != nil {
		log.Warn("config watch unavailable", "err", err)
		return ch
	}
	dir := "."
	if i := lastSlash(path); i >= 0 {
		dir = path[:i+1]
	}
	if err := wt.Add(dir); err != nil {
		log.Warn("config watch unavailable", "err", err)
		wt.Close()
		return ch
	}
	go func() {
		for {
			select {
			case ev, ok := <-wt.Events:
				if !ok {
					return
				}
				if sameFile(ev.Name, path) && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) != 0 {
					select {
					case ch <- struct{}{}:
					default:
					}
				}
			case _, ok := <-wt.Errors:
				if !ok {
					return
				}
			}
		}
	}()
	return ch
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return os.SameFile(sa, sb)
}
