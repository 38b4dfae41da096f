// Package embedtest is the conformance suite every embed.Embedder passes, so the built-in
// encoder and a remote endpoint are interchangeable behind the cache:
//
//	func TestConformance(t *testing.T) { embedtest.Run(t, myEmbedder) }
//
// It checks the contract written on embed.Embedder: one unit vector of Dim() floats per
// text, in input order (a batch gives the same vectors as texts one at a time), repeatable,
// an empty batch gives no vectors and no error, a canceled context gives an error, and
// concurrent calls are safe (run it under -race).
//
// Imports: cache/embed and the standard library (testing).
package embedtest
