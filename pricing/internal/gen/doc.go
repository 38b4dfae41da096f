// Package main, the gen command, regenerates Muninn's embedded price catalog (pricing/data/catalog.json) from
// a pinned release of the npm package @pydantic/genai-prices (MIT licensed).
//
// It fetches the package tarball with `npm pack`, checks its sha512 integrity against the
// hash pinned here (and, unless -check-registry=false, against `npm view ... dist.integrity`),
// checks the licence is MIT, copies the licence next to the data for attribution, asks Node
// to evaluate the data literal bundled in dist/index.js (the package ships its data only as
// JavaScript) and writes the token prices as integer nano-USD per million tokens.
//
// Run it from pricing/data with `go generate` (see data.go), or:
//
//	go run ./pricing/internal/gen -out pricing/data/catalog.json -license-out pricing/data/LICENSE.genai-prices
//
// The same tarball always gives the same bytes: the output is deterministic.
package main
