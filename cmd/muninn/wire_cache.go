package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/cache/embed"
	"github.com/muninn-gw/muninn/cache/embed/remote"
	"github.com/muninn-gw/muninn/cache/embed/uselite"
	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/plugins/semcache"
	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/localembed"
	"github.com/muninn-gw/muninn/telemetry"
	"github.com/muninn-gw/muninn/vectorstore"

	_ "github.com/muninn-gw/muninn/vectorstore/memory"   // registers "builtin"
	_ "github.com/muninn-gw/muninn/vectorstore/pgvector" // registers "pgvector"
	_ "github.com/muninn-gw/muninn/vectorstore/qdrant"   // registers "qdrant"
)

func init() { wire(50, "semcache", wireCache) }

// vectorStoreSection is the config's vector_store section: which backend, and its own
// config (decoded strictly by the backend).
type vectorStoreSection struct {
	Backend string          `json:"backend"`
	Config  json.RawMessage `json:"config"`
}

// embedderSection is the config's embedder section: the built-in model, or an
// OpenAI-compatible embeddings endpoint.
type embedderSection struct {
	Backend    string            `json:"backend"` // "builtin" (default) or "openai"
	BaseURL    string            `json:"base_url"`
	APIKey     string            `json:"api_key"`
	Model      string            `json:"model"`
	Dimensions int               `json:"dimensions"`
	Dim        int               `json:"dim"`
	BatchSize  int               `json:"batch_size"`
	Timeout    string            `json:"timeout"`
	MaxRetries int               `json:"max_retries"`
	Headers    map[string]string `json:"headers"`
}

func strictJSON(section string, raw json.RawMessage, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", section, err)
	}
	return nil
}

// cacheEnabled peels the section's "enabled" switch (default on) off the cache config.
func cacheEnabled(raw json.RawMessage) (bool, json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return true, nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return false, nil, fmt.Errorf("cache: %w", err)
	}
	on := true
	if v, ok := m["enabled"]; ok {
		if err := json.Unmarshal(v, &on); err != nil {
			return false, nil, fmt.Errorf("cache.enabled: must be true or false")
		}
		delete(m, "enabled")
	}
	rest, err := json.Marshal(m)
	return on, rest, err
}

func wireCache(w *wiring) error {
	if err := wireBuiltinEmbeddings(w); err != nil {
		return err
	}
	on, raw, err := cacheEnabled(w.Config.Cache)
	if err != nil || !on {
		if err == nil {
			w.Note("cache: off")
		}
		return err
	}
	cfg, err := cache.DecodeConfig(raw)
	if err != nil {
		return err
	}
	if cfg.DataDir == "" {
		cfg.DataDir = filepath.Join(w.Config.DataDir, "cache")
	}
	opts := cache.Options{Logger: w.Log}
	if !cfg.DisableSemantic {
		emb, err := openEmbedder(w)
		if err != nil {
			return err
		}
		st, kind, err := openVectorStore(w)
		if err != nil {
			return err
		}
		w.OnClose("vector store", func(context.Context) error { return st.Close() })
		opts.Store, opts.Embedder = st, emb
		if err := metricsRegistry.RegisterFuncs(vectorStoreGauges(st)...); err != nil {
			return err
		}
		th := cfg.Threshold
		if th == 0 {
			th = cache.DefaultThreshold
		}
		w.Note(fmt.Sprintf("cache: exact and semantic (threshold %.2f), embedder %s, vector store %s", th, emb.Model(), kind))
	} else {
		w.Note("cache: exact tier only")
	}
	c, err := cache.New(cfg, opts)
	if err != nil {
		return err
	}
	p := semcache.New(c, semcache.Options{Logger: w.Log})
	w.OnClose("cache", p.Close) // registered after the store: closed before it
	w.AddPlugin(50, p)
	for _, r := range p.Routes() {
		w.AddRoute(r)
	}
	return metricsRegistry.RegisterFuncs(cacheGauges(c)...)
}

// wireBuiltinEmbeddings serves the built-in model as muninn/use-lite on /v1/embeddings.
// The model (about 40 MB) is loaded on the first embeddings request, unless the semantic
// cache loads it at start.
func wireBuiltinEmbeddings(w *wiring) error {
	p := localembed.New(localembed.Config{Name: "muninn", Models: map[string]localembed.Embedder{"use-lite": lazyBuiltin{}}})
	registerOnce("muninn", func(provider.Config) (provider.Provider, error) { return p, nil })
	w.AdjustConfig(func(cfg *gateway.Config) {
		if cfg.Providers == nil {
			cfg.Providers = map[string]*gateway.ProviderConfig{}
		}
		if _, taken := cfg.Providers["muninn"]; !taken {
			cfg.Providers["muninn"] = &gateway.ProviderConfig{Type: "muninn", Models: []string{"use-lite"}}
		}
	})
	w.Note("embeddings: built-in model served as muninn/use-lite")
	return nil
}

var registered = map[string]bool{}

// registerOnce registers a provider type unless this process already did (tests run
// the wiring more than once).
func registerOnce(typ string, f provider.Factory) {
	if registered[typ] {
		return
	}
	registered[typ] = true
	provider.Register(typ, f)
}

var (
	builtinOnce sync.Once
	builtinEmb  *uselite.Embedder
	builtinErr  error
)

// builtin returns the process's one instance of the built-in model, shared by the cache
// and the muninn/use-lite endpoint, loading it on first use.
func builtin() (*uselite.Embedder, error) {
	builtinOnce.Do(func() {
		builtinEmb, builtinErr = uselite.Default()
		if builtinErr != nil {
			builtinErr = fmt.Errorf("built-in embedder: %w", builtinErr)
		}
	})
	return builtinEmb, builtinErr
}

// lazyBuiltin is the built-in model as the embeddings provider sees it: loaded on the
// first request.
type lazyBuiltin struct{}

func (lazyBuiltin) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	emb, err := builtin()
	if err != nil {
		return nil, err
	}
	return emb.Embed(ctx, texts)
}

func (lazyBuiltin) Dim() int { return uselite.Dim }

func openEmbedder(w *wiring) (embed.Embedder, error) {
	raw, err := resolveSection("embedder", w.Config.Embedder, w.Lookup)
	if err != nil {
		return nil, err
	}
	var sec embedderSection
	if err := strictJSON("embedder", raw, &sec); err != nil {
		return nil, err
	}
	switch sec.Backend {
	case "", "builtin":
		return builtin()
	case "openai", "remote":
		rc := remote.Config{BaseURL: sec.BaseURL, APIKey: sec.APIKey, Model: sec.Model,
			Dimensions: sec.Dimensions, Dim: sec.Dim, BatchSize: sec.BatchSize, MaxRetries: sec.MaxRetries, Headers: sec.Headers}
		if sec.Timeout != "" {
			d, err := time.ParseDuration(sec.Timeout)
			if err != nil {
				return nil, fmt.Errorf("embedder.timeout: %w", err)
			}
			rc.Timeout = d
		}
		e, err := remote.New(rc)
		if err != nil {
			return nil, fmt.Errorf("embedder: %w", err)
		}
		return e, nil
	}
	return nil, fmt.Errorf("embedder.backend: unknown %q (builtin or openai)", sec.Backend)
}

func openVectorStore(w *wiring) (vectorstore.Store, string, error) {
	raw, err := resolveSection("vector_store", w.Config.VectorStore, w.Lookup)
	if err != nil {
		return nil, "", err
	}
	var sec vectorStoreSection
	if err := strictJSON("vector_store", raw, &sec); err != nil {
		return nil, "", err
	}
	kind := sec.Backend
	if kind == "" {
		kind = "builtin"
	}
	cfg := sec.Config
	if kind == "builtin" {
		// The built-in store persists under the data directory unless told otherwise.
		var m map[string]json.RawMessage
		if len(bytes.TrimSpace(cfg)) > 0 {
			if err := json.Unmarshal(cfg, &m); err != nil {
				return nil, "", fmt.Errorf("vector_store.config: %w", err)
			}
		}
		if m == nil {
			m = map[string]json.RawMessage{}
		}
		if _, ok := m["dir"]; !ok {
			dir, _ := json.Marshal(filepath.Join(w.Config.DataDir, "vectors"))
			m["dir"] = dir
		}
		if cfg, err = json.Marshal(m); err != nil {
			return nil, "", err
		}
	}
	st, err := vectorstore.Open(context.Background(), kind, cfg)
	if err != nil {
		return nil, "", fmt.Errorf("vector_store (%s): %w", kind, err)
	}
	return st, kind, nil
}

func vectorStoreGauges(st vectorstore.Store) []telemetry.Gauge {
	s, ok := st.(vectorstore.Statser)
	if !ok {
		return nil
	}
	stat := func(f func(vectorstore.Stats) float64) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			v, err := s.Stats(ctx)
			if err != nil {
				return 0
			}
			return f(v)
		}
	}
	return []telemetry.Gauge{
		{Name: "muninn_vectorstore_points", Help: "Vectors in the store (all namespaces).", Value: stat(func(v vectorstore.Stats) float64 { return float64(v.Points) })},
		{Name: "muninn_vectorstore_bytes", Help: "Estimated bytes used by the stored vectors.", Value: stat(func(v vectorstore.Stats) float64 { return float64(v.Bytes) })},
		{Name: "muninn_vectorstore_namespaces", Help: "Namespaces (cache scopes) in the store.", Value: stat(func(v vectorstore.Stats) float64 { return float64(v.Namespaces) })},
	}
}

func cacheGauges(c *cache.Cache) []telemetry.Gauge {
	return []telemetry.Gauge{
		{Name: "muninn_cache_entries", Help: "Entries in the exact tier.", Value: func() float64 { return float64(c.Stats().Entries) }},
		{Name: "muninn_cache_bytes", Help: "Bytes held by the exact tier.", Value: func() float64 { return float64(c.Stats().Bytes) }},
		{Name: "muninn_cache_stores_dropped_total", Help: "Cache stores dropped because the store queue was full.", Counter: true,
			Value: func() float64 { return float64(c.Stats().StoresDropped) }},
	}
}
