// Package archtest holds the test that keeps the import rules of the architecture true:
// leaves stay leaves, the cache sees only the vector store and the embedder, the gateway
// never imports its plugins, and only cmd/muninn wires everything together.
package archtest
