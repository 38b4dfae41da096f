package openai

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/muninn-gw/muninn/gateway/provider"
	"github.com/muninn-gw/muninn/gateway/provider/internal/upstream"
)

func init() {
	provider.Register("openai", New)
	for name := range presets {
		if name == "openai" {
			continue
		}
		provider.Register(name, New)
	}
}

// Provider is one OpenAI-compatible upstream.
type Provider struct {
	name    string
	preset  Preset
	base    string // base URL without a trailing slash
	azure   bool   // deployment-style URLs with api-version
	apiVer  string
	deploy  map[string]string
	headers [][2]string // static extra headers, canonical names
	models  []string
	client  *upstream.Client
	chatURL string                    // base + /chat/completions, for every model but Azure's
	auth    atomic.Pointer[authValue] // the last key's Authorization value
}

// authValue is an Authorization header value kept for its key, so that each request
// does not build it again.
type authValue struct{ key, value string }

// bearer returns "Bearer " + key, reusing the last one built.
func (p *Provider) bearer(key string) string {
	if a := p.auth.Load(); a != nil && a.key == key {
		return a.value
	}
	v := "Bearer " + key
	p.auth.Store(&authValue{key: key, value: v})
	return v
}

var (
	_ provider.Provider  = (*Provider)(nil)
	_ provider.Streamer  = (*Provider)(nil)
	_ provider.Embedder  = (*Provider)(nil)
	_ provider.Completer = (*Provider)(nil)
	_ provider.Lister    = (*Provider)(nil)
)

// New builds a Provider. The preset is cfg.Preset; else cfg.Type when it names a preset;
// else cfg.Name when it names one; else the generic preset when cfg.BaseURL is set, and
// the "openai" preset when it is not.
func New(cfg provider.Config) (provider.Provider, error) {
	p, err := newProvider(cfg)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func newProvider(cfg provider.Config) (*Provider, error) {
	pre, err := choosePreset(cfg)
	if err != nil {
		return nil, err
	}
	p := &Provider{name: cfg.Name, preset: pre}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		if pre.NeedsBaseURL {
			return nil, fmt.Errorf("preset %q needs base_url (e.g. https://RESOURCE.openai.azure.com)", pre.Name)
		}
		base = pre.BaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base_url %q: must be an absolute http(s) URL", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base_url %q: must not have a query or fragment", cfg.BaseURL)
	}
	if u.Path == "" && !pre.KeepPath {
		base += "/v1" // "http://host:port" means the usual /v1 API root
	}
	p.base = base
	if pre.Name == "azure" {
		// Azure's v1 API (".../openai/v1") takes OpenAI paths; the classic one takes
		// deployments and api-version.
		p.azure = !strings.HasSuffix(base, "/openai/v1")
		p.base = strings.TrimSuffix(base, "/openai")
		p.apiVer = cfg.APIVersion
		if p.apiVer == "" {
			p.apiVer = pre.APIVersion
		}
		p.deploy = cfg.Deployments
	}
	for k, v := range cfg.Headers {
		if strings.ContainsAny(k, "\r\n:") || strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("header %q: invalid name or value", k)
		}
		p.headers = append(p.headers, [2]string{http.CanonicalHeaderKey(k), v})
	}
	sort.Slice(p.headers, func(i, j int) bool { return p.headers[i][0] < p.headers[j][0] })
	p.chatURL = p.base + "/chat/completions"
	p.models = modelList(cfg, pre)
	p.client = upstream.NewClient(cfg.Name, cfg.Timeouts, cfg.MaxConns)
	return p, nil
}

func choosePreset(cfg provider.Config) (Preset, error) {
	if cfg.Preset != "" {
		pre, ok := presets[cfg.Preset]
		if !ok {
			return Preset{}, fmt.Errorf("unknown preset %q (known: %s)", cfg.Preset, strings.Join(presetNames(), ", "))
		}
		return pre, nil
	}
	if pre, ok := presets[cfg.Type]; ok && cfg.Type != "openai" {
		return pre, nil
	}
	if pre, ok := presets[cfg.Name]; ok {
		return pre, nil
	}
	if cfg.BaseURL != "" {
		return generic, nil
	}
	return presets["openai"], nil
}

func presetNames() []string {
	out := make([]string, 0, len(presets))
	for n := range presets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func modelList(cfg provider.Config, pre Preset) []string {
	seen := map[string]bool{}
	var out []string
	add := func(m string) {
		if m != "" && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for _, m := range cfg.Models {
		add(m)
	}
	dep := make([]string, 0, len(cfg.Deployments))
	for m := range cfg.Deployments {
		dep = append(dep, m)
	}
	sort.Strings(dep)
	for _, m := range dep {
		add(m)
	}
	if len(out) == 0 {
		for _, m := range pre.Models {
			add(m)
		}
	}
	return out
}

// Name is the configured provider name.
func (p *Provider) Name() string { return p.name }

// Preset is the preset this provider was built with.
func (p *Provider) Preset() Preset { return p.preset }

// Models lists the configured models, the Azure deployments' models, or the preset's.
func (p *Provider) Models() []string { return append([]string(nil), p.models...) }

// CloseIdleConnections drops pooled upstream connections (on reload or shutdown).
func (p *Provider) CloseIdleConnections() { p.client.CloseIdleConnections() }

// endpoint returns the URL of an OpenAI path ("/chat/completions") for a model.
func (p *Provider) endpoint(path, model string) string {
	if !p.azure {
		if path == "/chat/completions" {
			return p.chatURL
		}
		return p.base + path
	}
	dep := model
	if d, ok := p.deploy[model]; ok && d != "" {
		dep = d
	}
	return p.base + "/openai/deployments/" + url.PathEscape(dep) + path + "?api-version=" + url.QueryEscape(p.apiVer)
}
