package gateway

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

var (
	configType   = reflect.TypeFor[Config]()
	rawType      = reflect.TypeFor[json.RawMessage]()
	durationType = reflect.TypeFor[Duration]()
)

// checkShape walks a generically decoded config against the Go type t, so that unknown
// members and bad durations are reported with their full path
// ("providers.groq.keys[0].wieght"), which encoding/json does not do.
func checkShape(v any, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return nil
	}
	switch {
	case t == rawType:
		return nil
	case t == durationType:
		var d Duration
		b, _ := json.Marshal(v)
		if err := d.UnmarshalJSON(b); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if d < 0 {
			return fmt.Errorf("%s: must not be negative", path)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: expected an object, got %s", orTop(path), jsonKind(v))
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, ok := fields[k]
			if !ok {
				return fmt.Errorf("%s: unknown field (known: %s)", joinPath(path, k), knownNames(fields))
			}
			if err := checkShape(m[k], ft, joinPath(path, k)); err != nil {
				return err
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: expected an object, got %s", orTop(path), jsonKind(v))
		}
		for k, e := range m {
			if err := checkShape(e, t.Elem(), joinPath(path, k)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		s, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: expected an array, got %s", orTop(path), jsonKind(v))
		}
		for i, e := range s {
			if err := checkShape(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s: expected a string, got %s", path, jsonKind(v))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: expected true or false, got %s", path, jsonKind(v))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		f, ok := number(v)
		if !ok || f != float64(int64(f)) {
			return fmt.Errorf("%s: expected an integer, got %s", path, jsonKind(v))
		}
	case reflect.Float64:
		if _, ok := number(v); !ok {
			return fmt.Errorf("%s: expected a number, got %s", path, jsonKind(v))
		}
	}
	return nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case nil:
		return "null"
	}
	if _, ok := number(v); ok {
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

func orTop(path string) string {
	if path == "" {
		return "config"
	}
	return path
}

func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func knownNames(fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
