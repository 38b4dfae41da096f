package cache

import (
	"sync"
	"sync/atomic"
	"time"
)

// Entry is one cached response. Entries are immutable once stored; replacing one stores a
// new Entry under the same ID.
type Entry struct {
	// ID is the exact key of the request that filled the entry.
	ID string `json:"id"`
	// Scope is the semantic scope (vector store namespace) the prompt was indexed in.
	Scope  string `json:"scope"`
	Tenant string `json:"tenant,omitempty"`
	Model  string `json:"model"`
	// Prompt is the last user message; kept to run the near-miss check on candidates.
	Prompt string `json:"prompt,omitempty"`
	// Semantic is true when the prompt's vector was written to the vector store.
	Semantic bool `json:"semantic,omitempty"`
	// Response is the stored response body (JSON), as the adapter encoded it.
	Response []byte `json:"response"`
	// Provider and UpstreamModel produced the response; Latency is what it took.
	Provider      string        `json:"provider,omitempty"`
	UpstreamModel string        `json:"upstream_model,omitempty"`
	Latency       time.Duration `json:"latency"`
	// PromptTokens and CompletionTokens are the response's usage, for savings stats.
	PromptTokens     int       `json:"prompt_tokens,omitempty"`
	CompletionTokens int       `json:"completion_tokens,omitempty"`
	Created          time.Time `json:"created"`
	Expires          time.Time `json:"expires"`

	lastHit  atomic.Int64 // unix nanoseconds, for eviction
	featOnce sync.Once
	feat     *Features
}

func (e *Entry) features() *Features {
	e.featOnce.Do(func() { e.feat = ExtractFeatures(e.Prompt) })
	return e.feat
}

func (e *Entry) expired(now time.Time) bool { return !e.Expires.IsZero() && !now.Before(e.Expires) }

// size approximates the memory an entry holds.
func (e *Entry) size() int64 {
	return int64(len(e.ID)+len(e.Scope)+len(e.Tenant)+len(e.Model)+len(e.Prompt)+
		len(e.Response)+len(e.Provider)+len(e.UpstreamModel)) + 200
}
