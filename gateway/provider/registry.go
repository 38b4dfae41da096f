package provider

import (
	"fmt"
	"sort"
	"sync"
)

// Factory builds a Provider from its config.
type Factory func(cfg Config) (Provider, error)

var (
	mu        sync.RWMutex
	factories = map[string]Factory{}
)

// Register makes a provider type available by name. It panics if the name is taken or
// the factory is nil; call it from an init function.
func Register(typ string, f Factory) {
	mu.Lock()
	defer mu.Unlock()
	if f == nil {
		panic("provider: Register factory is nil for " + typ)
	}
	if _, dup := factories[typ]; dup {
		panic("provider: Register called twice for " + typ)
	}
	factories[typ] = f
}

// New builds a provider of cfg.Type.
func New(cfg Config) (Provider, error) {
	mu.RLock()
	f, ok := factories[cfg.Type]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("provider %q: unknown type %q (known: %v; forgotten import?)", cfg.Name, cfg.Type, Types())
	}
	p, err := f(cfg)
	if err != nil {
		return nil, fmt.Errorf("provider %q: %w", cfg.Name, err)
	}
	return p, nil
}

// Types lists the registered provider types, sorted.
func Types() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(factories))
	for k := range factories {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
