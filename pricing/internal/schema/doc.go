// Package schema is the on-disk shape of Muninn's embedded price catalog
// (pricing/data/catalog.json). The generator (pricing/internal/gen) writes it and the
// pricing package reads it; keeping the types here means the two cannot drift.
//
// It imports nothing from this module.
//
// Contracts: every rate is an integer number of nano-USD per million tokens (a price of
// $0.075 per million tokens is 75000000). A nil rate means "not priced separately": the
// reader falls back to its parent component (cache read and cache write to input, the 1h
// cache write to the cache write, reasoning to output).
package schema
