package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

var errDuration = errors.New(`must be a duration such as "1.5s" or "250ms", or a number of seconds`)

// LookupFunc reads an environment variable; cmd/muninn passes os.LookupEnv.
type LookupFunc func(name string) (string, bool)

// LoadConfig reads and validates a JSON or YAML config file. Values written "env.NAME"
// are read through lookup.
func LoadConfig(path string, lookup LookupFunc) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	format := "json"
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		format = "yaml"
	}
	cfg, err := ParseConfig(data, format, lookup)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig decodes and validates a config given as "json" or "yaml". Unknown members,
// wrong types and impossible values are errors naming the field.
func ParseConfig(data []byte, format string, lookup LookupFunc) (*Config, error) {
	var generic any
	switch format {
	case "yaml", "yml":
		var y any
		if err := yaml.Unmarshal(data, &y); err != nil {
			return nil, fmt.Errorf("yaml: %w", err)
		}
		g, err := yamlToJSONValue(y, "")
		if err != nil {
			return nil, err
		}
		if g == nil {
			g = map[string]any{}
		}
		generic = g
		if data, err = json.Marshal(g); err != nil {
			return nil, fmt.Errorf("yaml: %w", err)
		}
	case "json", "":
		if len(bytes.TrimSpace(data)) == 0 {
			data = []byte("{}")
		}
		if err := json.Unmarshal(data, &generic); err != nil {
			return nil, fmt.Errorf("json: %w", err)
		}
	default:
		return nil, fmt.Errorf("unknown config format %q (json or yaml)", format)
	}
	if _, ok := generic.(map[string]any); !ok {
		return nil, errors.New("the config must be an object")
	}
	if err := checkShape(generic, configType, ""); err != nil {
		return nil, err
	}
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, describeDecodeError(err)
	}
	if err := cfg.resolveSecrets(lookup); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func describeDecodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		return fmt.Errorf("%s: expected %s, got %s", field, te.Type, te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("json syntax error at offset %d: %w", se.Offset, err)
	}
	return fmt.Errorf("decode: %w", err)
}

// yamlToJSONValue turns what yaml.v3 decodes into values encoding/json can marshal
// (string map keys).
func yamlToJSONValue(v any, path string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			c, err := yamlToJSONValue(e, joinPath(path, k))
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			ks := fmt.Sprint(k)
			c, err := yamlToJSONValue(e, joinPath(path, ks))
			if err != nil {
				return nil, err
			}
			out[ks] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			c, err := yamlToJSONValue(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case string, bool, int, int64, uint64, float64, nil:
		return t, nil
	default:
		return nil, fmt.Errorf("%s: unsupported YAML value of type %T", path, v)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// resolveSecrets replaces "env.NAME" values by the environment's.
func (c *Config) resolveSecrets(lookup LookupFunc) error {
	resolve := func(field string, v *string) error {
		name, ok := strings.CutPrefix(*v, "env.")
		if !ok {
			return nil
		}
		if lookup == nil {
			return fmt.Errorf("%s: environment variable %s is not available", field, name)
		}
		val, ok := lookup(name)
		if !ok || val == "" {
			return fmt.Errorf("%s: environment variable %s is not set", field, name)
		}
		*v = val
		return nil
	}
	for name, p := range c.Providers {
		if p == nil {
			continue
		}
		base := "providers." + name
		if err := resolve(base+".base_url", &p.BaseURL); err != nil {
			return err
		}
		if p.NetworkConfig != nil {
			if err := resolve(base+".network_config.base_url", &p.NetworkConfig.BaseURL); err != nil {
				return err
			}
			for h, v := range p.NetworkConfig.ExtraHeaders {
				if err := resolve(base+".network_config.extra_headers."+h, &v); err != nil {
					return err
				}
				p.NetworkConfig.ExtraHeaders[h] = v
			}
		}
		for i := range p.Keys {
			if err := resolve(fmt.Sprintf("%s.keys[%d].value", base, i), &p.Keys[i].Value); err != nil {
				return err
			}
		}
		for h, v := range p.Headers {
			if err := resolve(base+".headers."+h, &v); err != nil {
				return err
			}
			p.Headers[h] = v
		}
	}
	for i := range c.Auth.Keys {
		if err := resolve(fmt.Sprintf("auth.keys[%d].value", i), &c.Auth.Keys[i].Value); err != nil {
			return err
		}
	}
	return nil
}
