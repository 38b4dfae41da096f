package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", "dashboards", "output directory")
	check := flag.Bool("check", false, "only check that the files are up to date")
	flag.Parse()
	stale := false
	for _, b := range Boards() {
		out, err := Render(b)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		path := filepath.Join(*dir, b.File)
		if *check {
			cur, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(cur, out) {
				fmt.Fprintf(os.Stderr, "%s is stale: run go run ./dashboards/gen\n", path)
				stale = true
			}
			continue
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if stale {
		os.Exit(1)
	}
}

// Render returns a board's JSON as committed.
func Render(b Board) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b.JSON()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
