package gateway

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/gateway/provider"
)

// knownPresets are OpenAI-compatible upstreams whose provider name alone selects the
// "openai" type with that preset.
var knownPresets = []string{
	"openai", "azure", "groq", "mistral", "deepseek", "together", "fireworks",
	"openrouter", "xai", "gemini", "ollama", "vllm", "lmstudio", "cerebras", "perplexity",
}

// nativeTypes are provider types with their own wire protocol.
var nativeTypes = []string{"anthropic"}

// Validate checks values that decoding cannot: required fields, ranges and references.
// It does not build providers (see the routing table for that).
func (c *Config) Validate() error {
	if c.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			return fmt.Errorf("listen: %q is not host:port", c.Listen)
		}
	}
	names := make([]string, 0, len(c.Providers))
	for name := range c.Providers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := c.Providers[name]
		if p == nil {
			return fmt.Errorf("providers.%s: must be an object", name)
		}
		if err := p.validate(name); err != nil {
			return err
		}
	}
	for alias, target := range c.Aliases {
		if alias == "" || strings.TrimSpace(target) == "" {
			return fmt.Errorf("aliases.%s: alias and target must not be empty", alias)
		}
	}
	for model, chain := range c.Fallbacks {
		for i, m := range chain {
			if strings.TrimSpace(m) == "" {
				return fmt.Errorf("fallbacks.%s[%d]: must not be empty", model, i)
			}
		}
	}
	if c.DefaultProvider != "" {
		if _, ok := c.Providers[c.DefaultProvider]; !ok {
			return fmt.Errorf("default_provider: no provider named %q", c.DefaultProvider)
		}
	}
	if err := c.Timeouts.validate("timeouts"); err != nil {
		return err
	}
	if err := c.Retries.validate("retries"); err != nil {
		return err
	}
	seenName, seenValue := map[string]bool{}, map[string]bool{}
	for i, k := range c.Auth.Keys {
		field := fmt.Sprintf("auth.keys[%d]", i)
		switch {
		case k.Name == "":
			return fmt.Errorf("%s.name: required", field)
		case k.Value == "":
			return fmt.Errorf("%s.value: required", field)
		case len(k.Value) < 8:
			return fmt.Errorf("%s.value: too short (at least 8 characters)", field)
		case seenName[k.Name]:
			return fmt.Errorf("%s.name: duplicate name %q", field, k.Name)
		case seenValue[k.Value]:
			return fmt.Errorf("%s.value: same value as another key", field)
		}
		seenName[k.Name], seenValue[k.Value] = true, true
	}
	l := c.Limits
	switch {
	case l.MaxBodyBytes < 0:
		return fmt.Errorf("limits.max_body_bytes: must not be negative")
	case l.MaxInFlight < 0:
		return fmt.Errorf("limits.max_in_flight: must not be negative")
	case l.MaxTokens < 0:
		return fmt.Errorf("limits.max_tokens: must not be negative")
	case l.MaxN < 0:
		return fmt.Errorf("limits.max_n: must not be negative")
	}
	return nil
}

func (p *ProviderConfig) validate(name string) error {
	field := "providers." + name
	if name == "" || strings.ContainsAny(name, "/ \t") {
		return fmt.Errorf("%s: a provider name must be non-empty, without '/' or spaces", field)
	}
	if p.baseURL() != "" {
		u, err := url.Parse(p.baseURL())
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s.base_url: %q is not an http(s) URL", field, p.baseURL())
		}
	}
	if p.Type == "" && !slices.Contains(provider.Types(), name) && !slices.Contains(knownPresets, name) &&
		!slices.Contains(nativeTypes, name) && p.baseURL() == "" {
		return fmt.Errorf("%s.type: required (the name is not a known type; known types: %v)", field, provider.Types())
	}
	seen := map[string]bool{}
	for i, k := range p.Keys {
		kf := fmt.Sprintf("%s.keys[%d]", field, i)
		if k.Value == "" {
			return fmt.Errorf("%s.value: required", kf)
		}
		if k.Weight != nil && (*k.Weight < 0 || math.IsNaN(*k.Weight) || math.IsInf(*k.Weight, 0)) {
			return fmt.Errorf("%s.weight: must be a finite number >= 0", kf)
		}
		n := p.keyName(name, i)
		if seen[n] {
			return fmt.Errorf("%s.name: duplicate key name %q", kf, n)
		}
		seen[n] = true
	}
	if err := p.Timeouts.validate(field + ".timeouts"); err != nil {
		return err
	}
	if err := p.Retries.validate(field + ".retries"); err != nil {
		return err
	}
	switch {
	case p.MaxConns < 0:
		return fmt.Errorf("%s.max_conns: must not be negative", field)
	case p.MaxInFlight < 0:
		return fmt.Errorf("%s.max_in_flight: must not be negative", field)
	case p.MaxQueue < 0:
		return fmt.Errorf("%s.max_queue: must not be negative", field)
	case p.MaxQueue > 0 && p.MaxInFlight == 0:
		return fmt.Errorf("%s.max_queue: needs max_in_flight", field)
	}
	if nc := p.NetworkConfig; nc != nil {
		if nc.MaxRetries != nil && (*nc.MaxRetries < 0 || *nc.MaxRetries > 10) {
			return fmt.Errorf("%s.network_config.max_retries: must be between 0 and 10", field)
		}
		if nc.DefaultRequestTimeoutInSeconds < 0 || nc.RetryBackoffInitialMs < 0 || nc.RetryBackoffMaxMs < 0 {
			return fmt.Errorf("%s.network_config: timeouts and backoffs must not be negative", field)
		}
	}
	return nil
}

func (t TimeoutsConfig) validate(field string) error {
	for _, d := range []struct {
		name string
		v    Duration
	}{{"connect", t.Connect}, {"first_byte", t.FirstByte}, {"stream_idle", t.StreamIdle}, {"total", t.Total}} {
		if d.v < 0 {
			return fmt.Errorf("%s.%s: must not be negative", field, d.name)
		}
	}
	return nil
}

func (r RetryConfig) validate(field string) error {
	if r.Max != nil && (*r.Max < 0 || *r.Max > 10) {
		return fmt.Errorf("%s.max: must be between 0 and 10", field)
	}
	if r.InitialBackoff < 0 || r.MaxBackoff < 0 || r.AuthCooldown < 0 || r.RateLimitCooldown < 0 {
		return fmt.Errorf("%s: durations must not be negative", field)
	}
	if r.MaxBackoff > 0 && r.InitialBackoff > r.MaxBackoff {
		return fmt.Errorf("%s.initial_backoff: larger than max_backoff", field)
	}
	return nil
}

func (p *ProviderConfig) baseURL() string {
	if p.BaseURL != "" {
		return p.BaseURL
	}
	if p.NetworkConfig != nil {
		return p.NetworkConfig.BaseURL
	}
	return ""
}

func (p *ProviderConfig) keyName(provName string, i int) string {
	if n := p.Keys[i].Name; n != "" {
		return n
	}
	return fmt.Sprintf("%s-%d", provName, i+1)
}

// providerConfig returns the provider.Config of provider name, with defaults applied.
func (p *ProviderConfig) providerConfig(name string, defaults TimeoutsConfig) provider.Config {
	typ, preset := p.Type, p.Preset
	if typ == "" {
		switch {
		case slices.Contains(provider.Types(), name), slices.Contains(nativeTypes, name):
			// A native type that is not registered fails in provider.New with a clear
			// "forgotten import?" rather than silently becoming an OpenAI upstream.
			typ = name
		default:
			typ = "openai"
		}
	}
	if preset == "" && typ == "openai" && slices.Contains(knownPresets, name) {
		preset = name
	}
	headers := map[string]string{}
	if p.NetworkConfig != nil {
		for k, v := range p.NetworkConfig.ExtraHeaders {
			headers[k] = v
		}
	}
	for k, v := range p.Headers {
		headers[k] = v
	}
	if len(headers) == 0 {
		headers = nil
	}
	total := pick(p.Timeouts.Total, defaults.Total, DefaultTotalTimeout)
	if p.NetworkConfig != nil && p.NetworkConfig.DefaultRequestTimeoutInSeconds > 0 && p.Timeouts.Total == 0 {
		total = time.Duration(p.NetworkConfig.DefaultRequestTimeoutInSeconds) * time.Second
	}
	return provider.Config{
		Name:        name,
		Type:        typ,
		Preset:      preset,
		BaseURL:     p.baseURL(),
		Headers:     headers,
		APIVersion:  p.APIVersion,
		Deployments: p.Deployments,
		Models:      p.Models,
		MaxConns:    p.MaxConns,
		Timeouts: provider.Timeouts{
			Connect:    pick(p.Timeouts.Connect, defaults.Connect, DefaultConnectTimeout),
			FirstByte:  pick(p.Timeouts.FirstByte, defaults.FirstByte, DefaultFirstByte),
			StreamIdle: pick(p.Timeouts.StreamIdle, defaults.StreamIdle, DefaultStreamIdle),
			Total:      total,
		},
	}
}

// retryPolicy merges the provider's retry settings over the defaults.
func (p *ProviderConfig) retryPolicy(defaults RetryConfig) retryPolicy {
	max := DefaultMaxRetries
	switch {
	case p.Retries.Max != nil:
		max = *p.Retries.Max
	case p.NetworkConfig != nil && p.NetworkConfig.MaxRetries != nil:
		max = *p.NetworkConfig.MaxRetries
	case defaults.Max != nil:
		max = *defaults.Max
	}
	rp := retryPolicy{
		max:           max,
		initial:       pick(p.Retries.InitialBackoff, defaults.InitialBackoff, DefaultInitialBackoff),
		maxBackoff:    pick(p.Retries.MaxBackoff, defaults.MaxBackoff, DefaultMaxBackoff),
		authCooldown:  pick(p.Retries.AuthCooldown, defaults.AuthCooldown, DefaultAuthCooldown),
		limitCooldown: pick(p.Retries.RateLimitCooldown, defaults.RateLimitCooldown, DefaultRateLimitCool),
	}
	if nc := p.NetworkConfig; nc != nil {
		if nc.RetryBackoffInitialMs > 0 && p.Retries.InitialBackoff == 0 {
			rp.initial = time.Duration(nc.RetryBackoffInitialMs) * time.Millisecond
		}
		if nc.RetryBackoffMaxMs > 0 && p.Retries.MaxBackoff == 0 {
			rp.maxBackoff = time.Duration(nc.RetryBackoffMaxMs) * time.Millisecond
		}
	}
	if rp.initial > rp.maxBackoff {
		rp.initial = rp.maxBackoff
	}
	return rp
}

func pick(v, def Duration, builtin time.Duration) time.Duration {
	if v > 0 {
		return v.D()
	}
	if def > 0 {
		return def.D()
	}
	return builtin
}

func orInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
