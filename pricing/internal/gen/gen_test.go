package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/muninn-gw/muninn/internal/testenv"
	"github.com/muninn-gw/muninn/pricing/internal/schema"
)

func TestTranslateRegex(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`^gpt-5\.4-\d{4}-\d{2}-\d{2}$`, `{"regex":"^gpt-5\\.4-\\d{4}-\\d{2}-\\d{2}$"}`},
		{`^(?!.*-[tT][tT][sS](?:$|-))`, `{"not":{"regex":"^(?:.*-[tT][tT][sS](?:$|-))"}}`},
		{`^(?![^/]+/)(?:labs-)?(?:mi|code)stral`, `{"and":[{"not":{"regex":"^(?:[^/]+/)"}},{"regex":"^(?:labs-)?(?:mi|code)stral"}]}`},
		{`^(?!a\)b)c`, `{"and":[{"not":{"regex":"^(?:a\\)b)"}},{"regex":"^c"}]}`},
	}
	for _, tt := range tests {
		m, err := translateRegex(tt.in)
		if err != nil {
			t.Errorf("translateRegex(%q): %v", tt.in, err)
			continue
		}
		got, _ := json.Marshal(m)
		if string(got) != tt.want {
			t.Errorf("translateRegex(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{`^(?!abc`, `(?<=x)y`} {
		if _, err := translateRegex(bad); err == nil {
			t.Errorf("translateRegex(%q): want an error", bad)
		}
	}
}

func TestSecondsOfDay(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"00:30:00Z", 1800}, {"16:30:00Z", 59400}, {"01:00:00+08:00", 61200}, {"23:00:00-02:00", 3600}, {"12:00:00.5Z", 43200},
	}
	for _, tt := range tests {
		if got, err := secondsOfDay(tt.in); err != nil || got != tt.want {
			t.Errorf("secondsOfDay(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"24:00:00Z", "12:00", "12:00:00"} {
		if _, err := secondsOfDay(bad); err == nil {
			t.Errorf("secondsOfDay(%q): want an error", bad)
		}
	}
}

func TestConvert(t *testing.T) {
	src := `{"providers":[{"id":"p","name":"P","pricing_urls":["https://p.example/pricing"],
	  "model_match":{"starts_with":"m-"},"fallback_model_providers":["q"],
	  "models":[
	    {"id":"m-1","match":{"or":[{"equals":"m-1"},{"starts_with":"m-1-"}]},"context_window":2e5,
	     "prices":{"input_mtok":0.075,"output_mtok":{"base":0.3,"tiers":[{"start":128000,"price":0.6},{"start":200000,"price":0.9}]},
	               "cache_read_mtok":0.01875,"web_searches_kcount":10}},
	    {"id":"m-2","match":{"equals":"m-2"},
	     "prices":[{"prices":{"input_mtok":1,"output_mtok":2}},
	               {"constraint":{"type":"time_of_date","start_time":"00:30:00Z","end_time":"16:30:00Z"},"prices":{"input_mtok":2,"output_mtok":4}},
	               {"constraint":{"start_date":"2027-01-01"},"prices":{"input_mtok":3,"output_mtok":6}}]},
	    {"id":"whisper","match":{"equals":"whisper"},"prices":{"input_audio_hours":0.36}}
	  ]}]}`
	f, warnings, err := convert([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	got, err := json.Marshal(f.Providers)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"id":"p","name":"P","pricing_urls":["https://p.example/pricing"],"model_match":{"starts_with":"m-"},"fallback":["q"],"models":[` +
		// $0.075 -> 75,000,000 nano-USD per MTok exactly; the output tiers become whole-request
		// tiers carrying every component.
		`{"id":"m-1","match":{"or":[{"equals":"m-1"},{"starts_with":"m-1-"}]},"context":200000,"prices":[{"rates":{"in":75000000,"out":300000000,"cache_read":18750000},` +
		`"tiers":[{"above":128000,"rates":{"in":75000000,"out":600000000,"cache_read":18750000}},{"above":200000,"rates":{"in":75000000,"out":900000000,"cache_read":18750000}}]}]},` +
		`{"id":"m-2","match":{"equals":"m-2"},"prices":[{"rates":{"in":1000000000,"out":2000000000}},` +
		`{"daily":true,"daily_from":1800,"daily_until":59400,"rates":{"in":2000000000,"out":4000000000}},` +
		`{"start_date":"2027-01-01","rates":{"in":3000000000,"out":6000000000}}]}]}]`
	if string(got) != want {
		t.Errorf("convert =\n%s\nwant\n%s", got, want)
	}
}

func TestConvertRejectsBadData(t *testing.T) {
	bad := map[string]string{
		"no providers":        `{"providers":[]}`,
		"negative price":      `{"providers":[{"id":"p","models":[{"id":"m","match":{"equals":"m"},"prices":{"input_mtok":-1}}]}]}`,
		"unknown match rule":  `{"providers":[{"id":"p","models":[{"id":"m","match":{"glob":"m*"},"prices":{"input_mtok":1}}]}]}`,
		"unknown constraint":  `{"providers":[{"id":"p","models":[{"id":"m","match":{"equals":"m"},"prices":[{"prices":{"input_mtok":1}},{"constraint":{"type":"weekday"},"prices":{"input_mtok":2}}]}]}]}`,
		"constrained default": `{"providers":[{"id":"p","models":[{"id":"m","match":{"equals":"m"},"prices":[{"constraint":{"type":"start_date","start_date":"2025-01-01"},"prices":{"input_mtok":2}}]}]}]}`,
	}
	for name, src := range bad {
		if _, _, err := convert([]byte(src)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// TestCommittedCatalogIsReproducible regenerates the catalog from the installed package
// (the same release the generator pins) and compares it byte for byte with the
// committed pricing/data/catalog.json.
func TestCommittedCatalogIsReproducible(t *testing.T) {
	modules := testenv.Require(t, testenv.NodeModules)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node not found: %v", err)
	}
	pkg := filepath.Join(modules, "@pydantic", "genai-prices")
	manifest, err := os.ReadFile(filepath.Join(pkg, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(manifest, []byte(`"version": "`+pinnedVersion+`"`)) {
		t.Fatalf("installed %s is not the pinned %s", pkgName, pinnedVersion)
	}
	license, err := os.ReadFile(filepath.Join(pkg, "LICENSE"))
	if err != nil || !bytes.Contains(license, []byte("MIT License")) {
		t.Fatalf("licence: %v", err)
	}
	raw, err := dumpData(node, filepath.Join(pkg, "dist", "index.js"))
	if err != nil {
		t.Fatal(err)
	}
	f, _, err := convert(raw)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../data/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	var head schema.File
	if err := json.Unmarshal(committed, &head); err != nil {
		t.Fatal(err)
	}
	if head.Source.Version != pinnedVersion || head.Source.Integrity != pinnedIntegrity || head.Source.License != "MIT" {
		t.Fatalf("committed catalog source = %+v, want the pinned release", head.Source)
	}
	f.Source = head.Source
	got, err := encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Fatalf("regenerated catalog differs from pricing/data/catalog.json (%d vs %d bytes): run go generate ./pricing/data", len(got), len(committed))
	}
}
