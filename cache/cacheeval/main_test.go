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

// TestEvalCommand runs `muninn eval-cache` with the arguments in MUNINN_EVAL_ARGS and
// writes its output to MUNINN_EVAL_OUT. The full evaluation embeds about 1,200 prompts,
// so it runs only on request (go test -run TestEvalCommand with both variables set).
func TestEvalCommand(t *testing.T) {
	path := os.Getenv("MUNINN_EVAL_OUT")
	if path == "" {
		t.Skip("set MUNINN_EVAL_OUT (and optionally MUNINN_EVAL_ARGS) to run the evaluation")
	}
	var out, errb bytes.Buffer
	code := run(strings.Fields(os.Getenv("MUNINN_EVAL_ARGS")), &out, &errb)
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}
