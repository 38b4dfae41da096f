package logstore

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Config is what every backend is opened with. Backend-specific settings travel in the DSN.
type Config struct {
	// DSN addresses the backend: a file path for sqlite, a clickhouse://host:port/db?...
	// URL for clickhouse.
	DSN string `yaml:"dsn"`
	// DataDir is Muninn's data directory, where embedded backends keep files when DSN is
	// empty.
	DataDir string `yaml:"data_dir"`
	// Retention drops records older than this, where the backend supports it; 0 keeps
	// everything.
	Retention time.Duration `yaml:"retention"`
}

// OpenFunc opens a backend.
type OpenFunc func(ctx context.Context, cfg Config) (Store, error)

var (
	regMu    sync.RWMutex
	registry = map[string]OpenFunc{}
)

// Register makes a backend available under name. It panics on a duplicate or nil, like
// database/sql.Register: both are programming errors found at init.
func Register(name string, open OpenFunc) {
	regMu.Lock()
	defer regMu.Unlock()
	if open == nil {
		panic("logstore: Register open func is nil")
	}
	if _, dup := registry[name]; dup {
		panic("logstore: Register called twice for " + name)
	}
	registry[name] = open
}

// Backends lists the registered backend names, sorted.
func Backends() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Open opens the backend registered under name.
func Open(ctx context.Context, name string, cfg Config) (Store, error) {
	regMu.RLock()
	open := registry[name]
	regMu.RUnlock()
	if open == nil {
		return nil, fmt.Errorf("logstore: unknown backend %q (forgotten import?); registered: %v", name, Backends())
	}
	s, err := open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open log store %s: %w", name, err)
	}
	return s, nil
}
