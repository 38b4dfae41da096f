package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/valyala/fasthttp"
)

// Options are what cmd/muninn wires into a Server besides the config.
type Options struct {
	// Plugins run in this order (see Plugin).
	Plugins []Plugin
	// Routes are extra endpoints (admin APIs, /metrics).
	Routes []Route
	// Catalog resolves bare model names to providers; nil: none.
	Catalog ModelCatalog
	// Logger receives the gateway's own logs; nil: slog.Default().
	Logger *slog.Logger
	// Version is reported by GET /version.
	Version string
	// NewProvider builds a provider from its config; nil: provider.New.
	NewProvider func(provider.Config) (provider.Provider, error)
}

// Server is Muninn's HTTP front.
type Server struct {
	opts    Options
	log     *slog.Logger
	cfg     atomic.Pointer[Config]
	table   atomic.Pointer[table]
	pipe    *pipeline
	gate    gate
	limits  requestLimits
	routes  []mountedRoute
	http    *fasthttp.Server
	baseCtx context.Context
	stopAll context.CancelFunc

	draining  atomic.Bool
	lnMu      sync.Mutex
	listeners []net.Listener
	reloadMu  sync.Mutex
	exchanges sync.Pool
	// wantsChunks is true when a plugin has a chunk hook.
	wantsChunks bool
	rejected    struct{ auth, overload, draining atomic.Int64 }
}

// Rejections counts requests answered before the plugin pipeline, which plugins (logs,
// metrics) therefore never see.
type Rejections struct {
	Auth     int64 // missing or invalid gateway key
	Overload int64 // the gateway-wide in-flight cap (limits.max_in_flight)
	Draining int64 // arrived during shutdown
}

type requestLimits struct {
	maxTokens int
	maxN      int
	maxBody   int
}

// New builds a Server from a validated config. It builds every provider, so a bad
// provider config fails here, before anything listens.
func New(cfg *Config, opts Options) (*Server, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.NewProvider == nil {
		opts.NewProvider = provider.New
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	s := &Server{opts: opts, log: opts.Logger}
	s.baseCtx, s.stopAll = context.WithCancel(context.Background())
	tab, err := buildTable(cfg, opts.NewProvider)
	if err != nil {
		s.stopAll()
		return nil, err
	}
	s.table.Store(tab)
	s.cfg.Store(cfg)
	s.pipe = newPipeline(opts.Plugins, opts.Logger)
	s.wantsChunks = s.pipe.hasChunkHooks()
	s.gate.max = int64(orInt(cfg.Limits.MaxInFlight, DefaultGlobalInFlight))
	s.limits = requestLimits{
		maxTokens: orInt(cfg.Limits.MaxTokens, DefaultMaxTokens),
		maxN:      orInt(cfg.Limits.MaxN, DefaultMaxN),
		maxBody:   orInt(cfg.Limits.MaxBodyBytes, DefaultMaxBodyBytes),
	}
	for _, r := range opts.Routes {
		s.routes = append(s.routes, mountRoute(r))
	}
	s.exchanges.New = func() any { return newExchange(s) }
	s.http = &fasthttp.Server{
		Handler:                       s.handle,
		ErrorHandler:                  fasthttpError,
		Name:                          "muninn",
		MaxRequestBodySize:            s.limits.maxBody,
		ReadTimeout:                   2 * time.Minute,
		IdleTimeout:                   2 * time.Minute,
		DisableHeaderNamesNormalizing: false,
		NoDefaultDate:                 true,
		NoDefaultContentType:          true,
		CloseOnShutdown:               true,
		ReadBufferSize:                8 << 10, // room for large headers
		Logger:                        fasthttpLogger{opts.Logger},
	}
	return s, nil
}

// fasthttpLogger sends fasthttp's own messages (connection errors, already answered by
// the ErrorHandler) to the gateway's logger at debug level.
type fasthttpLogger struct{ log *slog.Logger }

func (l fasthttpLogger) Printf(format string, args ...any) {
	l.log.Debug("http: " + fmt.Sprintf(format, args...))
}

// CheckListen refuses a non-loopback address when no gateway key is configured, unless
// the config explicitly allows it. It returns a line to print at start.
func CheckListen(cfg *Config, addr string) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("listen: %q is not host:port", addr)
	}
	if len(cfg.Auth.Keys) > 0 {
		return fmt.Sprintf("gateway auth on: %d key(s)", len(cfg.Auth.Keys)), nil
	}
	ip := net.ParseIP(host)
	loopback := host == "localhost" || (ip != nil && ip.IsLoopback())
	switch {
	case loopback:
		return "gateway auth off (no auth.keys): listening on loopback only", nil
	case cfg.Auth.AllowUnauthenticated:
		return "WARNING: gateway auth off (no auth.keys) on a non-loopback address (auth.allow_unauthenticated is set)", nil
	}
	return "", fmt.Errorf("listen %s: refusing a non-loopback address without auth.keys; add keys, listen on 127.0.0.1, or set auth.allow_unauthenticated", addr)
}

// Serve serves on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.lnMu.Lock()
	if s.draining.Load() {
		s.lnMu.Unlock()
		ln.Close()
		return nil
	}
	s.listeners = append(s.listeners, ln)
	s.lnMu.Unlock()
	err := s.http.Serve(ln)
	if err != nil && s.draining.Load() {
		return nil
	}
	return err
}

// Shutdown turns /readyz unready, stops accepting, and waits for requests and streams in
// flight to end. When ctx ends first, the upstream calls still running are cancelled and
// Shutdown returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.lnMu.Lock()
	s.draining.Store(true)
	lns := s.listeners
	s.lnMu.Unlock()
	if d := s.cfg.Load().DrainDelay.D(); d > 0 {
		sleepCtx(ctx, d)
	}
	err := s.http.ShutdownWithContext(ctx)
	for _, ln := range lns {
		ln.Close() // in case Serve had not handed it to fasthttp yet
	}
	if err != nil {
		s.stopAll()
		// Give the cancelled streams a moment to notice and close their connections.
		wait, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = s.http.ShutdownWithContext(wait)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return fmt.Errorf("drain: requests still in flight at the deadline were cancelled: %w", err)
		}
		return err
	}
	s.stopAll()
	return nil
}

// Reload swaps in a new routing table built from cfg (providers, keys, aliases,
// fallbacks, auth keys). Requests in flight keep the table they started with. On error
// the old table stays.
func (s *Server) Reload(cfg *Config) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	tab, err := buildTable(cfg, s.opts.NewProvider)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	old := s.cfg.Load()
	if old != nil && (old.Listen != cfg.Listen || old.Limits != cfg.Limits) {
		s.log.Warn("reload: listen and limits changes need a restart; kept the old ones")
	}
	prev := s.table.Swap(tab)
	s.cfg.Store(cfg)
	// Requests in flight keep their connections; idle ones of the old providers go now.
	for _, up := range prev.providers {
		if c, ok := up.prov.(interface{ CloseIdleConnections() }); ok {
			c.CloseIdleConnections()
		}
	}
	return nil
}

// Config returns the config in effect.
func (s *Server) Config() *Config { return s.cfg.Load() }

// PluginFailures reports, per plugin, how often its hooks failed.
func (s *Server) PluginFailures() []PluginFailures { return s.pipe.failures() }

// Rejected reports the requests refused before the pipeline, since start.
func (s *Server) Rejected() Rejections {
	return Rejections{Auth: s.rejected.auth.Load(), Overload: s.rejected.overload.Load(), Draining: s.rejected.draining.Load()}
}

// InFlight is the number of requests being served.
func (s *Server) InFlight() int64 { return s.gate.inFlight.Load() }

// Ready reports whether the server takes new requests.
func (s *Server) Ready() bool { return !s.draining.Load() }
