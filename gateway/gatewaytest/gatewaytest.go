package gatewaytest

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/provider"
)

// Gateway is a running gateway.
type Gateway struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234 (no trailing slash).
	URL    string
	Server *gateway.Server
	done   chan error
	closed bool
}

// Start starts the gateway for cfg on a free loopback port and stops it when the test
// ends. Providers named like one of fakes are served by that fake (their config's type
// must be set, e.g. "fake"); others are built by opts.NewProvider or the registry.
func Start(t testing.TB, cfg *gateway.Config, opts gateway.Options, fakes ...*Fake) *Gateway {
	t.Helper()
	g, err := StartServer(cfg, opts, fakes...)
	if err != nil {
		t.Fatalf("gatewaytest: %v", err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

// StartServer is Start without a testing.TB; Close it when done.
func StartServer(cfg *gateway.Config, opts gateway.Options, fakes ...*Fake) (*Gateway, error) {
	if cfg == nil {
		cfg = &gateway.Config{}
	}
	opts.NewProvider = WithFakes(opts.NewProvider, fakes...)
	srv, err := gateway.New(cfg, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	g := &Gateway{URL: "http://" + ln.Addr().String(), Server: srv, done: make(chan error, 1)}
	go func() { g.done <- srv.Serve(ln) }()
	return g, nil
}

// WithFakes returns a provider constructor that serves the named fakes and delegates
// the rest to next (provider.New when nil).
func WithFakes(next func(provider.Config) (provider.Provider, error), fakes ...*Fake) func(provider.Config) (provider.Provider, error) {
	if next == nil {
		next = provider.New
	}
	byName := make(map[string]*Fake, len(fakes))
	for _, f := range fakes {
		byName[f.Name()] = f
	}
	return func(c provider.Config) (provider.Provider, error) {
		if f, ok := byName[c.Name]; ok {
			return f, nil
		}
		return next(c)
	}
}

// Close stops the gateway, draining for at most 5 seconds.
func (g *Gateway) Close() error {
	if g.closed {
		return nil
	}
	g.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := g.Server.Shutdown(ctx)
	<-g.done
	return err
}

// Client is an HTTP client suitable for the gateway (no proxy, short idle timeout).
func Client() *http.Client {
	return &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 5 * time.Second}}
}
