package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/muninn-gw/muninn/gateway"
)

func defaultListen() string { return gateway.DefaultListen }

// loadConfig reads the config file, or builds one from the environment when there is
// none, and applies the flags. It returns lines describing what it started with.
func loadConfig(f flags, lookup gateway.LookupFunc) (*gateway.Config, []string, error) {
	var cfg *gateway.Config
	var notes []string
	if f.config != "" {
		c, err := gateway.LoadConfig(f.config, lookup)
		if err != nil {
			return nil, nil, err
		}
		cfg = c
		notes = append(notes, "config: "+f.config)
	} else {
		var err error
		cfg, notes, err = envConfig(lookup)
		if err != nil {
			return nil, nil, err
		}
	}
	if f.listen != "" {
		cfg.Listen = f.listen
	}
	if cfg.Listen == "" {
		cfg.Listen = gateway.DefaultListen
	}
	if f.allowOpen {
		cfg.Auth.AllowUnauthenticated = true
	}
	if f.dataDir != "" {
		cfg.DataDir = f.dataDir
	}
	if cfg.DataDir == "" {
		if d, ok := lookup("MUNINN_DATA_DIR"); ok && d != "" {
			cfg.DataDir = d
		} else {
			cfg.DataDir = "muninn-data"
		}
	}
	notes = append(notes, "data: "+cfg.DataDir)
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	return cfg, notes, nil
}

// envConfig is the embedded default config: providers from OPENAI_API_KEY,
// ANTHROPIC_API_KEY and OPENAI_BASE_URL / MUNINN_UPSTREAM (a local vLLM or Ollama).
func envConfig(lookup gateway.LookupFunc) (*gateway.Config, []string, error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	cfg := &gateway.Config{Providers: map[string]*gateway.ProviderConfig{}}
	notes := []string{"config: none (embedded defaults; providers from the environment)"}
	if key := get("OPENAI_API_KEY"); key != "" || get("OPENAI_BASE_URL") != "" {
		p := &gateway.ProviderConfig{Type: "openai", BaseURL: get("OPENAI_BASE_URL")}
		if key != "" {
			p.Keys = []gateway.KeyConfig{{Name: "env", Value: key}}
		}
		cfg.Providers["openai"] = p
		cfg.DefaultProvider = "openai"
		note := "provider openai: OPENAI_API_KEY"
		if p.BaseURL != "" {
			note += ", base URL " + p.BaseURL + " (OPENAI_BASE_URL)"
		}
		notes = append(notes, note)
	}
	if key := get("ANTHROPIC_API_KEY"); key != "" {
		cfg.Providers["anthropic"] = &gateway.ProviderConfig{Type: "anthropic", Keys: []gateway.KeyConfig{{Name: "env", Value: key}}}
		if cfg.DefaultProvider == "" {
			cfg.DefaultProvider = "anthropic"
		}
		notes = append(notes, "provider anthropic: ANTHROPIC_API_KEY")
	}
	if up := get("MUNINN_UPSTREAM"); up != "" {
		cfg.Providers["upstream"] = &gateway.ProviderConfig{Type: "openai", BaseURL: up}
		cfg.DefaultProvider = "upstream"
		notes = append(notes, "provider upstream: "+up+" (MUNINN_UPSTREAM), default for bare model names")
	}
	if len(cfg.Providers) == 0 {
		notes = append(notes, "WARNING: no provider configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or MUNINN_UPSTREAM, or pass -config")
	}
	if cfg.DefaultProvider != "" {
		notes = append(notes, "bare model names go to "+cfg.DefaultProvider)
	}
	return cfg, notes, nil
}

func describeProviders(cfg *gateway.Config) string {
	names := make([]string, 0, len(cfg.Providers))
	for n := range cfg.Providers {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "providers: none"
	}
	return fmt.Sprintf("providers: %s", strings.Join(names, ", "))
}
