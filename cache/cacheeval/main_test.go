package cacheeval

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestEvalCommandFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-from", "0.9", "-to", "0.5"}, &out, &errb); code != 2 {
		t.Fatalf("bad range: exit %d", code)
	}
	if code := run([]string{"-nope"}, &out, &errb); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
}

// TestEvalCommand runs `muninn eval-cache` (the full evaluation: about 1,200 prompts
// through the real cache, built-in embedder and built-in store) and checks that it
// reproduces the figures published in cache/README.md: every row of the held-out set's
// tables there must be a row of the output, so the published numbers cannot drift from
// what the code does. With MUNINN_EVAL_OUT set, the output is also written there
// (MUNINN_EVAL_ARGS adds arguments; the README check then only runs without them).
func TestEvalCommand(t *testing.T) {
	args := strings.Fields(os.Getenv("MUNINN_EVAL_ARGS"))
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	if path := os.Getenv("MUNINN_EVAL_OUT"); path != "" {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if len(args) > 0 {
		return
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, line := range strings.Split(out.String(), "\n") {
		got[strings.TrimSpace(line)] = true
	}
	// The published held-out tables: the per-threshold table of version 6 and the
	// per-slice table at the default threshold.
	checked := 0
	inReport := false
	for _, line := range strings.Split(string(readme), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			inReport = strings.Contains(line, "Held-out set (version 6") || strings.Contains(line, "Held-out set at the default threshold")
			continue
		}
		if !inReport || !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "|---") || strings.Contains(line, "threshold |") || strings.Contains(line, "slice |") {
			continue
		}
		checked++
		if !got[line] {
			t.Errorf("cache/README.md publishes a row the evaluation no longer produces:\n%s", line)
		}
	}
	if checked < 20 {
		t.Fatalf("found only %d published held-out rows in cache/README.md", checked)
	}
}
