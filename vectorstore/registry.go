package vectorstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// Opener builds a Store from its backend's JSON configuration. An empty or null rawCfg
// means the backend's defaults.
type Opener func(ctx context.Context, rawCfg json.RawMessage) (Store, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Opener{}
)

// Register makes a backend available to Open under name. It panics when name is empty,
// open is nil or the name is taken, like sql.Register: these are programming errors found
// at init time.
func Register(name string, open Opener) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if name == "" || open == nil {
		panic("vectorstore: Register with an empty name or a nil opener")
	}
	if _, dup := registry[name]; dup {
		panic("vectorstore: Register called twice for " + name)
	}
	registry[name] = open
}

// Open opens a store of the registered kind with its JSON configuration.
func Open(ctx context.Context, kind string, rawCfg json.RawMessage) (Store, error) {
	registryMu.RLock()
	open, ok := registry[kind]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown vector store %q (forgotten import?)", kind)
	}
	s, err := open(ctx, rawCfg)
	if err != nil {
		return nil, fmt.Errorf("open vector store %q: %w", kind, err)
	}
	return s, nil
}

// Kinds lists the registered backend names, sorted.
func Kinds() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// DecodeConfig decodes a backend's JSON configuration into dst strictly: unknown fields
// and trailing data are errors, so a typo in a config file is reported instead of
// silently ignored. Empty or null input leaves dst (its defaults) unchanged.
func DecodeConfig(raw json.RawMessage, dst any) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("decode config: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("decode config: trailing data after the JSON object")
	}
	return nil
}
