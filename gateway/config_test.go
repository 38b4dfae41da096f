package gateway

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) LookupFunc {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

func TestParseConfigYAMLAndJSON(t *testing.T) {
	yamlCfg := `
listen: 127.0.0.1:9000
providers:
  openai:
    keys:
      - {name: main, value: env.OPENAI_KEY, weight: 3, models: [gpt-4o]}
      - value: sk-literal
    timeouts: {connect: 2s, first_byte: 1.5, total: 1m}
    retries: {max: 1, initial_backoff: 50ms}
  groq:
    network_config:
      base_url: https://api.groq.com/openai/v1
      max_retries: 3
    max_in_flight: 8
    max_queue: 4
    queue_timeout: 250ms
aliases: {fast: groq/llama-3.3-70b}
fallbacks: {openai/gpt-4o: [groq/llama-3.3-70b]}
auth:
  keys: [{name: team, value: env.TEAM_KEY, admin: true}]
limits: {max_body_bytes: 1048576}
drain_timeout: 10s
cache: {mode: semantic, threshold: 0.9}
`
	cfg, err := ParseConfig([]byte(yamlCfg), "yaml", env(map[string]string{"OPENAI_KEY": "sk-from-env", "TEAM_KEY": "team-secret-1"}))
	if err != nil {
		t.Fatal(err)
	}
	o := cfg.Providers["openai"]
	if o.Keys[0].Value != "sk-from-env" || *o.Keys[0].Weight != 3 || o.Keys[1].Value != "sk-literal" {
		t.Errorf("keys: %+v", o.Keys)
	}
	if o.Timeouts.FirstByte.D() != 1500*time.Millisecond || o.Timeouts.Total.D() != time.Minute {
		t.Errorf("timeouts: %+v", o.Timeouts)
	}
	if cfg.Auth.Keys[0].Value != "team-secret-1" || cfg.DrainTimeout.D() != 10*time.Second {
		t.Errorf("auth %+v drain %v", cfg.Auth, cfg.DrainTimeout)
	}
	if string(cfg.Cache) != `{"mode":"semantic","threshold":0.9}` {
		t.Errorf("cache section kept as %s", cfg.Cache)
	}
	pc := cfg.Providers["groq"].providerConfig("groq", cfg.Timeouts)
	if pc.Type != "openai" || pc.Preset != "groq" || pc.BaseURL != "https://api.groq.com/openai/v1" {
		t.Errorf("groq provider config: %+v", pc)
	}
	if rp := cfg.Providers["groq"].retryPolicy(cfg.Retries); rp.max != 3 {
		t.Errorf("network_config.max_retries not applied: %+v", rp)
	}
	oc := o.providerConfig("openai", cfg.Timeouts)
	if oc.Timeouts.Connect != 2*time.Second || oc.Timeouts.StreamIdle != DefaultStreamIdle {
		t.Errorf("openai timeouts %+v", oc.Timeouts)
	}

	jsonCfg := `{"providers":{"local":{"type":"openai","base_url":"http://127.0.0.1:11434/v1"}},"default_provider":"local"}`
	if _, err := ParseConfig([]byte(jsonCfg), "json", nil); err != nil {
		t.Errorf("json: %v", err)
	}
	if _, err := ParseConfig(nil, "json", nil); err != nil {
		t.Errorf("empty config: %v", err)
	}
}

func TestParseConfigErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name, cfg, want string
	}{
		{"unknown top", `{"listn":"x"}`, "listn: unknown field"},
		{"unknown nested", `{"providers":{"openai":{"keys":[{"value":"k","wieght":2}]}}}`, "providers.openai.keys[0].wieght: unknown field"},
		{"bad type", `{"providers":{"openai":{"max_conns":"many"}}}`, "providers.openai.max_conns: expected an integer"},
		{"bad duration", `{"timeouts":{"total":"forever"}}`, "timeouts.total: must be a duration"},
		{"negative duration", `{"timeouts":{"total":"-1s"}}`, "timeouts.total: must not be negative"},
		{"missing env", `{"providers":{"openai":{"keys":[{"value":"env.NOPE_KEY"}]}}}`, "providers.openai.keys[0].value: environment variable NOPE_KEY is not set"},
		{"missing key value", `{"providers":{"openai":{"keys":[{"name":"a"}]}}}`, "providers.openai.keys[0].value: required"},
		{"negative weight", `{"providers":{"openai":{"keys":[{"value":"k","weight":-1}]}}}`, "weight"},
		{"unknown type", `{"providers":{"mine":{}}}`, "providers.mine.type: required"},
		{"bad base url", `{"providers":{"x":{"type":"openai","base_url":"ftp://h"}}}`, "providers.x.base_url"},
		{"bad listen", `{"listen":"8080"}`, "listen:"},
		{"retries range", `{"retries":{"max":99}}`, "retries.max"},
		{"auth key short", `{"auth":{"keys":[{"name":"a","value":"short"}]}}`, "auth.keys[0].value: too short"},
		{"auth dup", `{"auth":{"keys":[{"name":"a","value":"12345678"},{"name":"a","value":"abcdefgh"}]}}`, "duplicate"},
		{"queue without limit", `{"providers":{"openai":{"max_queue":3}}}`, "max_queue: needs max_in_flight"},
		{"default provider", `{"default_provider":"zzz"}`, "default_provider"},
		{"malformed", `{"listen":`, "json"},
		{"not object", `[1]`, "must be an object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.cfg), "json", env(nil))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
	_, err := ParseConfig([]byte("providers:\n  openai:\n    keyz: []\n"), "yaml", nil)
	if err == nil || !strings.Contains(err.Error(), "providers.openai.keyz") {
		t.Errorf("yaml unknown field: %v", err)
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	_, err := ParseConfig([]byte(`{"providers":{"x":{"type":"openai","base_url":"http://h","keys":[{"value":"sk-very-secret","weight":-2}]}}}`), "json", nil)
	if err == nil || strings.Contains(err.Error(), "sk-very-secret") {
		t.Errorf("error %v", err)
	}
}
