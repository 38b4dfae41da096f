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
