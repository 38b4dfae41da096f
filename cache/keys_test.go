package cache

import (
	"testing"
)

func TestCanonicalJSON(t *testing.T) {
	tests := []struct{ a, b string }{
		{`{"b":1,"a":2}`, `{ "a" : 2, "b" : 1 }`},
		{`{"x":1.0}`, `{"x":1}`},
		{`{"x":1e2}`, `{"x":100}`},
		{`{"x":0.70}`, `{"x":0.7}`},
		{`[{"z":[1,2],"a":{"d":null,"c":true}}]`, "[{\"a\":{\"c\":true,\"d\":null},\n\"z\":[1, 2]}]"},
		{`"caf\u00e9"`, `"café"`},
	}
	for _, tt := range tests {
		a, err := CanonicalJSON([]byte(tt.a))
		if err != nil {
			t.Fatalf("%s: %v", tt.a, err)
		}
		b, err := CanonicalJSON([]byte(tt.b))
		if err != nil {
			t.Fatalf("%s: %v", tt.b, err)
		}
		if string(a) != string(b) {
			t.Errorf("canonical forms differ:\n %s -> %s\n %s -> %s", tt.a, a, tt.b, b)
		}
	}
	if _, err := CanonicalJSON([]byte(`{"a":`)); err == nil {
		t.Error("truncated JSON: want an error")
	}
	if _, err := CanonicalJSON([]byte(`{} {}`)); err == nil {
		t.Error("trailing data: want an error")
	}
}

func baseReq() *Request {
	return &Request{
		Tenant: "team-a", Model: "openai/gpt-4o", Temperature: FloatPtr(0.2),
		Params: []Param{
			{Name: "max_tokens", JSON: []byte(`256`)},
			{Name: "tools", JSON: []byte(`[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"b":{},"a":{}}}}}]`)},
			{Name: "response_format", JSON: []byte(`{"type":"json_object"}`)},
		},
		Messages: []Message{
			{Role: "system", Text: "You are terse."},
			{Role: "user", Text: "hi"},
			{Role: "assistant", Text: "hello"},
			{Role: "user", Text: "What is the capital of France?"},
		},
	}
}

func TestKeysStableForEquivalentRequests(t *testing.T) {
	a := baseReq()
	b := baseReq()
	// Same parameters in another order, JSON re-spaced and re-ordered, float re-spelled.
	b.Params = []Param{
		{Name: "response_format", JSON: []byte(`{ "type" : "json_object" }`)},
		{Name: "tools", JSON: []byte(`[{"function":{"parameters":{"properties":{"a":{},"b":{}},"type":"object"},"name":"f"},"type":"function"}]`)},
		{Name: "max_tokens", JSON: []byte(`256.0`)},
	}
	t2 := 0.20
	b.Temperature = &t2
	ka, kb := ComputeKeys(a, "m", false), ComputeKeys(b, "m", false)
	if ka != kb {
		t.Fatalf("equivalent requests hash differently:\n%+v\n%+v", ka, kb)
	}
	for range 100 { // no map-order dependence
		if ComputeKeys(baseReq(), "m", false) != ka {
			t.Fatal("keys are not deterministic")
		}
	}
}

func TestKeysScoping(t *testing.T) {
	base := ComputeKeys(baseReq(), "m", false)
	tests := []struct {
		name                    string
		mutate                  func(r *Request)
		embedModel              string
		sameExact, sameScope    bool
		sameSystem, sameHistory bool
		sameParams              bool
	}{
		{"identical", func(r *Request) {}, "m", true, true, true, true, true},
		{"other tenant", func(r *Request) { r.Tenant = "team-b" }, "m", false, false, true, true, true},
		{"other model", func(r *Request) { r.Model = "openai/gpt-4o-mini" }, "m", false, false, true, true, true},
		{"other temperature", func(r *Request) { r.Temperature = FloatPtr(0.3) }, "m", false, false, true, true, false},
		{"temperature unset", func(r *Request) { r.Temperature = nil }, "m", false, false, true, true, false},
		{"n=2", func(r *Request) { r.N = 2 }, "m", false, false, true, true, false},
		{"n=1 equals unset", func(r *Request) { r.N = 1 }, "m", true, true, true, true, true},
		{"other tools", func(r *Request) { r.Params[1].JSON = []byte(`[]`) }, "m", false, false, true, true, false},
		{"extra param", func(r *Request) { r.Params = append(r.Params, Param{Name: "seed", JSON: []byte("7")}) }, "m", false, false, true, true, false},
		{"other system prompt", func(r *Request) { r.Messages[0].Text = "You are verbose." }, "m", false, false, false, true, true},
		{"developer role is a system prompt", func(r *Request) { r.Messages[0].Role = "developer" }, "m", false, false, false, true, true},
		{"other earlier turn", func(r *Request) { r.Messages[2].Text = "hey" }, "m", false, false, true, false, true},
		{"other last prompt", func(r *Request) { r.Messages[3].Text = "What is the capital of Spain?" }, "m", false, true, true, true, true},
		{"other embedder", func(r *Request) {}, "other", true, false, true, true, true},
		{"image in last message", func(r *Request) { r.Messages[3].Other = []byte(`[{"type":"image_url"}]`) }, "m", false, true, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := baseReq()
			tt.mutate(r)
			k := ComputeKeys(r, tt.embedModel, false)
			check := func(what string, same bool, a, b string) {
				if (a == b) != same {
					t.Errorf("%s: same=%v, want %v", what, a == b, same)
				}
			}
			check("exact", tt.sameExact, k.Exact, base.Exact)
			check("scope", tt.sameScope, k.Scope, base.Scope)
			check("system", tt.sameSystem, k.System, base.System)
			check("history", tt.sameHistory, k.History, base.History)
			check("params", tt.sameParams, k.Params, base.Params)
		})
	}
}

func TestKeysShareAcrossTenants(t *testing.T) {
	a, b := baseReq(), baseReq()
	b.Tenant = "team-b"
	if ComputeKeys(a, "m", true) != ComputeKeys(b, "m", true) {
		t.Fatal("with sharing on, tenants must share keys")
	}
}

func TestKeysFieldBoundaries(t *testing.T) {
	a := &Request{Model: "m", Messages: []Message{{Role: "user", Text: "ab"}, {Role: "user", Text: "c"}}}
	b := &Request{Model: "m", Messages: []Message{{Role: "user", Text: "a"}, {Role: "user", Text: "bc"}}}
	if ComputeKeys(a, "e", false).Exact == ComputeKeys(b, "e", false).Exact {
		t.Fatal("field boundaries are ambiguous")
	}
}

func BenchmarkComputeKeys(b *testing.B) {
	r := &Request{Tenant: "t", Model: "openai/gpt-4o-mini", Temperature: FloatPtr(0),
		Params: []Param{{Name: "max_tokens", JSON: []byte("200")}},
		Messages: []Message{{Role: "system", Text: "You are a helpful assistant."},
			{Role: "user", Text: "How do I reverse a list in Python without modifying the original?"}}}
	b.ReportAllocs()
	for b.Loop() {
		ComputeKeys(r, "muninn/use-lite", false)
	}
}
