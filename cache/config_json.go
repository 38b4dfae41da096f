package cache

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// DecodeConfig decodes the cache section of a configuration file (JSON, or YAML converted
// to JSON). Durations are Go duration strings ("24h", "90s") or numbers of seconds.
// Unknown fields are errors that name the field; nil or empty input gives the defaults.
func DecodeConfig(raw json.RawMessage) (Config, error) {
	var f struct {
		DataDir             string             `json:"data_dir"`
		TTL                 jsonDuration       `json:"ttl"`
		MaxTTL              jsonDuration       `json:"max_ttl"`
		MaxEntries          int                `json:"max_entries"`
		MaxBytes            int64              `json:"max_bytes"`
		DisableSemantic     bool               `json:"disable_semantic"`
		Threshold           float64            `json:"threshold"`
		ModelThresholds     map[string]float64 `json:"model_thresholds"`
		TopK                int                `json:"top_k"`
		ShareAcrossTenants  bool               `json:"share_across_tenants"`
		Namespace           string             `json:"namespace"`
		SharedStore         *bool              `json:"shared_store"`
		Guards              Guards             `json:"guards"`
		StoreQueue          int                `json:"store_queue"`
		StoreWorkers        int                `json:"store_workers"`
		FlightWait          jsonDuration       `json:"flight_wait"`
		SweepPeriod         jsonDuration       `json:"sweep_period"`
		MaxConcurrentEmbeds int                `json:"max_concurrent_embeds"`
	}
	if t := bytes.TrimSpace(raw); len(t) > 0 && !bytes.Equal(t, []byte("null")) {
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return Config{}, fmt.Errorf("cache config: %w", err)
		}
	}
	cfg := Config{
		DataDir: f.DataDir, TTL: time.Duration(f.TTL), MaxTTL: time.Duration(f.MaxTTL),
		MaxEntries: f.MaxEntries, MaxBytes: f.MaxBytes, DisableSemantic: f.DisableSemantic,
		Threshold: f.Threshold, ModelThresholds: f.ModelThresholds, TopK: f.TopK,
		ShareAcrossTenants: f.ShareAcrossTenants, Namespace: f.Namespace, SharedStore: f.SharedStore, Guards: f.Guards,
		StoreQueue: f.StoreQueue, StoreWorkers: f.StoreWorkers, FlightWait: time.Duration(f.FlightWait),
		SweepPeriod: time.Duration(f.SweepPeriod), MaxConcurrentEmbeds: f.MaxConcurrentEmbeds,
	}
	if _, err := cfg.withDefaults(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

type jsonDuration time.Duration

func (d *jsonDuration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: want a Go duration like \"24h\" or seconds", s)
		}
		*d = jsonDuration(v)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("duration %s: want a Go duration like \"24h\" or seconds", b)
	}
	*d = jsonDuration(f * float64(time.Second))
	return nil
}
