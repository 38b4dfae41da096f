package telemetry

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestDecodeTraces(t *testing.T) {
	cases := []struct {
		name    string
		raw     string
		wantErr string
	}{
		{"empty disables", ``, ""},
		{"null disables", `null`, ""},
		{"minimal", `{"endpoint":"http://127.0.0.1:4318/v1/traces"}`, ""},
		{"unknown field named", `{"endpoint":"http://x/v1/traces","sample_rate":1}`, "sample_rate"},
		{"bad url", `{"endpoint":"127.0.0.1:4318"}`, "not an http(s) URL"},
		{"ratio range", `{"endpoint":"http://x/v1/traces","sample_ratio":1.5}`, "sample_ratio"},
		{"bad duration", `{"endpoint":"http://x/v1/traces","batch_interval":"soon"}`, "duration"},
		{"queue smaller than batch", `{"endpoint":"http://x/v1/traces","batch_size":100,"queue_size":10}`, "queue_size"},
		{"langfuse needs both keys", `{"endpoint":"http://x/v1/traces","langfuse":{"public_key":"pk"}}`, "secret_key"},
		{"langfuse needs endpoint", `{"langfuse":{"public_key":"pk","secret_key":"sk"}}`, "endpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeTraces([]byte(tc.raw))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one naming %q", err, tc.wantErr)
			}
		})
	}
}

func TestDecodeTracesDefaults(t *testing.T) {
	c, err := DecodeTraces([]byte(`{"endpoint":"https://lf.example/api/public/otel/v1/traces"}`))
	if err != nil {
		t.Fatal(err)
	}
	if *c.SampleRatio != 1 || c.BatchSize != DefaultBatchSize || c.QueueSize != DefaultQueueSize ||
		time.Duration(c.BatchInterval) != DefaultBatchInterval || !*c.Gzip || !*c.CaptureContent ||
		c.MaxContentBytes != DefaultMaxContentBytes || c.ServiceName != "muninn" {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

func TestLangfuseHeaders(t *testing.T) {
	c, err := DecodeTraces([]byte(`{"endpoint":"http://x/api/public/otel/v1/traces",
		"headers":{"x-extra":"1"},"langfuse":{"public_key":"pk-lf-1","secret_key":"sk-lf-2"}}`))
	if err != nil {
		t.Fatal(err)
	}
	h := c.ExportHeaders()
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("pk-lf-1:sk-lf-2"))
	if h["Authorization"] != want {
		t.Errorf("Authorization = %q, want %q", h["Authorization"], want)
	}
	if h["x-langfuse-ingestion-version"] != "4" || h["x-extra"] != "1" {
		t.Errorf("headers = %v", h)
	}
}

func TestDecodeMetrics(t *testing.T) {
	c, err := DecodeMetrics(nil)
	if err != nil || c.Path != "/metrics" || c.Disabled {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	if _, err := DecodeMetrics([]byte(`{"path":"metrics"}`)); err == nil {
		t.Fatal("relative path accepted")
	}
	if _, err := DecodeMetrics([]byte(`{"labels":["user"]}`)); err == nil || !strings.Contains(err.Error(), "labels") {
		t.Fatalf("unknown field not named: %v", err)
	}
}
