package main

import (
	"context"
	"fmt"
	"log/slog"
	"sort"

	"github.com/muninn-gw/muninn/gateway"
)

// wiring is what each part of Muninn gets to add itself to the gateway: plugins, extra
// routes, the model catalog, and what to close at stop. Each part registers a function
// from its own file:
//
//	func init() { wire(40, "costing", wireCosting) }
//
// Wire functions run in order; the order of AddPlugin calls does not matter, the plugin
// order does. Suggested plugin orders (pre-hooks run in this order, post-hooks in
// reverse): tracing 10, metrics 20, logging 30, costing 40, semcache 50 — so the cache's
// post-hook runs first, then costing, and logging sees both.
type wiring struct {
	Config *gateway.Config
	Log    *slog.Logger
	Lookup gateway.LookupFunc

	plugins []orderedPlugin
	routes  []gateway.Route
	catalog gateway.ModelCatalog
	closers []closer
	notes   []string

	adjusters []func(*gateway.Config)
	servers   []func(*gateway.Server)
	reloads   []reloader
}

type reloader struct {
	name string
	fn   func(*gateway.Config) error
}

type orderedPlugin struct {
	order int
	p     gateway.Plugin
}

type closer struct {
	name string
	fn   func(context.Context) error
}

// AddPlugin adds a plugin at a position in the pipeline (lower runs its pre-hook first).
func (w *wiring) AddPlugin(order int, p gateway.Plugin) {
	w.plugins = append(w.plugins, orderedPlugin{order, p})
}

// AddRoute mounts an extra endpoint.
func (w *wiring) AddRoute(r gateway.Route) { w.routes = append(w.routes, r) }

// SetCatalog sets the catalog used to route bare model names.
func (w *wiring) SetCatalog(c gateway.ModelCatalog) { w.catalog = c }

// OnClose registers fn to run at stop, after the server drained, in reverse order of
// registration.
func (w *wiring) OnClose(name string, fn func(context.Context) error) {
	w.closers = append(w.closers, closer{name, fn})
}

// OnServer registers fn to run once the server is built, before it serves (metrics
// that read its in-flight count or plugin failures, for example).
func (w *wiring) OnServer(fn func(*gateway.Server)) { w.servers = append(w.servers, fn) }

// OnReload registers fn to run after the gateway accepted a reloaded config (SIGHUP or
// file change); an error is logged and that part keeps its running state.
func (w *wiring) OnReload(name string, fn func(*gateway.Config) error) {
	w.reloads = append(w.reloads, reloader{name, fn})
}

// AdjustConfig applies fn to the config now and to every reloaded config before it is
// swapped in (parts that add providers of their own, like the built-in embedder).
func (w *wiring) AdjustConfig(fn func(*gateway.Config)) {
	fn(w.Config)
	w.adjusters = append(w.adjusters, fn)
}

// Note adds a line to what muninn prints at start.
func (w *wiring) Note(line string) { w.notes = append(w.notes, line) }

// Plugins returns the plugins in pipeline order.
func (w *wiring) Plugins() []gateway.Plugin {
	sort.SliceStable(w.plugins, func(i, j int) bool { return w.plugins[i].order < w.plugins[j].order })
	out := make([]gateway.Plugin, len(w.plugins))
	for i, op := range w.plugins {
		out[i] = op.p
	}
	return out
}

// close runs the closers in reverse order.
func (w *wiring) close(ctx context.Context) {
	for i := len(w.closers) - 1; i >= 0; i-- {
		c := w.closers[i]
		if err := c.fn(ctx); err != nil {
			w.Log.Error("close", "part", c.name, "err", err)
		}
	}
}

type wirer struct {
	order int
	name  string
	fn    func(*wiring) error
}

var wirers []wirer

// wire registers a part's wiring function; call it from an init function.
func wire(order int, name string, fn func(*wiring) error) {
	wirers = append(wirers, wirer{order, name, fn})
}

// wireAll runs every registered wiring function in order. On failure it closes what
// was already opened.
func wireAll(ctx context.Context, w *wiring) error {
	sort.SliceStable(wirers, func(i, j int) bool { return wirers[i].order < wirers[j].order })
	for _, wr := range wirers {
		if err := wr.fn(w); err != nil {
			w.close(ctx)
			return fmt.Errorf("%s: %w", wr.name, err)
		}
	}
	return nil
}
