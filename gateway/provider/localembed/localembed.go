package localembed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sort"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/provider"
)

// Embedder is what this provider needs from an in-process model (cache/embed.Embedder
// satisfies it).
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Dimensioner is implemented by embedders that know their vector length; it lets the
// provider validate a request's `dimensions`.
type Dimensioner interface{ Dim() int }

// TokenCounter is implemented by embedders that can count the tokens they process, for
// the response's usage.
type TokenCounter interface{ CountTokens(text string) int }

// MaxInputs is the most texts one request may carry (OpenAI's limit).
const MaxInputs = 2048

// Config configures the provider.
type Config struct {
	// Name is the provider name models are routed under ("muninn" for "muninn/use-lite").
	Name string
	// Models maps model names (without the provider prefix) to embedders.
	Models map[string]Embedder
	// MaxConcurrent bounds simultaneous embedding calls. Default: GOMAXPROCS.
	MaxConcurrent int
}

// Provider serves embedders. Safe for concurrent use.
type Provider struct {
	name   string
	models map[string]Embedder
	sem    chan struct{}
}

// New returns a provider for cfg.
func New(cfg Config) *Provider {
	n := cfg.MaxConcurrent
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &Provider{name: cfg.Name, models: make(map[string]Embedder, len(cfg.Models)), sem: make(chan struct{}, n)}
	for k, v := range cfg.Models {
		p.models[k] = v
	}
	return p
}

// Name returns the configured provider name.
func (p *Provider) Name() string { return p.name }

// Models lists the served model names, sorted.
func (p *Provider) Models() []string {
	out := make([]string, 0, len(p.models))
	for k := range p.models {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Chat is not supported: these models only embed.
func (p *Provider) Chat(context.Context, *provider.Attempt, *api.ChatRequest) (*api.ChatResponse, error) {
	return nil, api.Errorf(http.StatusBadRequest, api.ErrUnsupported, "provider %s serves embedding models only", p.name)
}

// Embed answers an embeddings request with the model named by at.Model.
func (p *Provider) Embed(ctx context.Context, at *provider.Attempt, req *api.EmbeddingRequest) (*api.EmbeddingResponse, error) {
	e, ok := p.models[at.Model]
	if !ok {
		return nil, &api.Error{Status: http.StatusNotFound, Type: api.ErrModelNotFound, Code: "model_not_found",
			Message: "model " + p.name + "/" + at.Model + " does not exist"}
	}
	if req.Input.Raw != nil {
		return nil, &api.Error{Status: http.StatusBadRequest, Type: api.ErrInvalidRequest, Param: "input",
			Message: "model " + p.name + "/" + at.Model + " accepts text input only, not token arrays"}
	}
	texts := req.Input.Texts
	if len(texts) == 0 {
		return nil, &api.Error{Status: http.StatusBadRequest, Type: api.ErrInvalidRequest, Param: "input",
			Message: "input must not be empty"}
	}
	if len(texts) > MaxInputs {
		return nil, api.Errorf(http.StatusBadRequest, api.ErrInvalidRequest, "input has %d items; at most %d are allowed", len(texts), MaxInputs)
	}
	if req.Dimensions != nil {
		d, known := e.(Dimensioner)
		if !known || *req.Dimensions != d.Dim() {
			msg := "model " + p.name + "/" + at.Model + " does not support changing dimensions"
			if known {
				msg = fmt.Sprintf("model %s/%s produces %d dimensions; dimensions=%d is not supported", p.name, at.Model, d.Dim(), *req.Dimensions)
			}
			return nil, &api.Error{Status: http.StatusBadRequest, Type: api.ErrInvalidRequest, Param: "dimensions", Message: msg}
		}
	}

	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, canceled(ctx.Err())
	}
	vecs, err := e.Embed(ctx, texts)
	<-p.sem
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, canceled(err)
		}
		return nil, &api.Error{Status: http.StatusInternalServerError, Type: api.ErrInternal, Message: "embedding failed"}
	}
	if len(vecs) != len(texts) {
		return nil, &api.Error{Status: http.StatusInternalServerError, Type: api.ErrInternal, Message: "embedding failed"}
	}

	resp := &api.EmbeddingResponse{Object: "list", Model: p.name + "/" + at.Model, Data: make([]api.Embedding, len(vecs))}
	for i, v := range vecs {
		resp.Data[i] = api.Embedding{Object: "embedding", Index: i, Embedding: v}
	}
	usage := &api.EmbeddingUsage{}
	if tc, ok := e.(TokenCounter); ok {
		for _, t := range texts {
			usage.PromptTokens += tc.CountTokens(t)
		}
	}
	usage.TotalTokens = usage.PromptTokens
	resp.Usage = usage
	return resp, nil
}

func canceled(err error) *api.Error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &api.Error{Status: http.StatusGatewayTimeout, Type: api.ErrUpstreamTimeout, Message: "embedding timed out"}
	}
	return &api.Error{Status: 499, Type: api.ErrContextCanceled, Message: "request canceled"}
}

var (
	_ provider.Provider = (*Provider)(nil)
	_ provider.Embedder = (*Provider)(nil)
	_ provider.Lister   = (*Provider)(nil)
)
