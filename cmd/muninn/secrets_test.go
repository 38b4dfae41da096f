package main

import (
	"strings"
	"testing"
)

func TestResolveSection(t *testing.T) {
	env := map[string]string{"LF_PK": "pk-lf-1", "LF_SK": "sk-lf-2"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	raw := []byte(`{"traces":{"endpoint":"http://x","langfuse":{"public_key":"env.LF_PK","secret_key":"env.LF_SK"},"batch_size":12,"headers":{"a":"b"}},"list":["env.LF_PK",1]}`)
	out, err := resolveSection("telemetry", raw, lookup)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{`"public_key":"pk-lf-1"`, `"secret_key":"sk-lf-2"`, `"batch_size":12`, `["pk-lf-1",1]`} {
		if !strings.Contains(s, want) {
			t.Errorf("resolved section %s lacks %s", s, want)
		}
	}
	_, err = resolveSection("logs", []byte(`{"clickhouse":{"password":"env.MISSING"}}`), lookup)
	if err == nil || !strings.Contains(err.Error(), "logs.clickhouse.password") || !strings.Contains(err.Error(), "MISSING") {
		t.Fatalf("error should name the field and variable: %v", err)
	}
	if out, err := resolveSection("x", nil, lookup); err != nil || len(out) != 0 {
		t.Fatalf("empty section: %q %v", out, err)
	}
}
