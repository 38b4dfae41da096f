// Package uselite is Muninn's built-in offline sentence encoder, served as the model
// "muninn/use-lite": Universal Sentence Encoder Lite (a 2-layer transformer, 7 M
// parameters, 8,000-piece English SentencePiece vocabulary, 128-token window, 512-d unit
// vectors), run by Go code from weights embedded in the binary (assets/model.bin, 14 MB,
// Apache-2.0, see assets/NOTICE). No cgo, no downloads, no extra server; the matrix
// kernel is Go assembly on amd64 (AVX2+FMA) with a portable Go fallback.
//
//	e, err := uselite.Default() // loads once: 35–70 ms, ~42 MB resident
//	vecs, err := e.Embed(ctx, []string{"How do I reset my password?"})
//	if c := e.Coverage(prompt); !c.Supported { /* do not match semantically */ }
//
// Fidelity: the tokenizer reproduces the reference JavaScript tokenizer exactly (token ids
// are compared in tests) and the forward pass reproduces the TensorFlow.js graph
// (cosine ≥ 0.9999 to reference vectors in testdata/golden.json, in practice 0.999999),
// including the graph's peculiarities: the token embedding counted twice, a dense
// projection as layer 0's residual, unknown pieces (id 0) treated as real tokens, tokens
// past 128 dropped.
//
// Forward pass: embedding lookup + sinusoidal timing signal; per layer pre-norm
// multi-head self-attention and a ReLU feed-forward block with residuals; mean over
// tokens; tanh dense layer; L2 normalisation. Matrix products go through
// cache/embed/internal/gemm (weights packed at load, AVX2/FMA assembly on amd64); all
// scratch memory is pooled, so a call allocates only its result. A batch is run as one
// pass over all its tokens (attention stays within each text), which amortises weight
// traffic.
//
// Coverage: the vocabulary is English. Coverage reports, per text, the token count, the
// truncation and the share of characters the vocabulary does not know, and refuses empty,
// truncated, mostly-unknown and non-Latin-script texts (Korean paraphrases score about as
// close as unrelated Korean sentences; see README.md).
//
// Imports: cache/embed, cache/embed/internal/{asset,gemm}, golang.org/x/text.
package uselite
