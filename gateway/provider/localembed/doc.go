// Package localembed serves in-process embedders (the built-in offline encoder,
// muninn/use-lite) as a provider, so POST /v1/embeddings can route to them like to any
// upstream and users can embed offline through the same API.
//
// cmd/muninn wires it:
//
//	emb, _ := uselite.Default()
//	p := localembed.New(localembed.Config{Name: "muninn", Models: map[string]localembed.Embedder{"use-lite": emb}})
//	// route "muninn/use-lite" to p
//
// Contracts: Embed answers in OpenAI shape with one vector per input at its index; text
// input only (token arrays are refused); `dimensions` is accepted only when equal to the
// model's dimension; errors are *api.Error with stable types. Chat is unsupported.
// Concurrent forward passes are bounded (they are CPU-bound), waiting callers honour
// their context.
//
// Imports: gateway/api and gateway/provider only; the embedder is seen through the local
// Embedder interface, so this package does not depend on cache/embed.
package localembed
