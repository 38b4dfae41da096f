package api

import (
	"encoding/json"
	"reflect"
	"testing"
)

var extraSeeds = []string{
	`{"model":"m","x":1}`,
	`{ "model" : "m" , "vendor" : {"a":[1,{"b":"}"}]}, "s":"q\"uote", "n":-1.5e3, "t":true, "z":null }`,
	`{"\u006dodel":"m","\u0078":2}`,
	`{}`, `null`, `{"a":{"b":{"c":[[],{}]}}}`, `{"dup":1,"dup":2}`, `{"k":"\\"}`,
}

func TestSplitExtraMatchesFullDecode(t *testing.T) {
	known := keySet("model")
	for _, s := range extraSeeds {
		fast, err1 := splitExtra([]byte(s), known)
		slow, err2 := splitExtraSlow([]byte(s), known)
		if err1 != nil || err2 != nil || !sameExtra(fast, slow) {
			t.Errorf("%s: fast %v (%v), full decode %v (%v)", s, fast, err1, slow, err2)
		}
	}
}

func sameExtra(a, b Extra) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		var x, y any
		if json.Unmarshal(v, &x) != nil || json.Unmarshal(b[k], &y) != nil || !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

func FuzzSplitExtra(f *testing.F) {
	for _, s := range extraSeeds {
		f.Add([]byte(s))
	}
	known := keySet("model", "messages")
	f.Fuzz(func(t *testing.T, data []byte) {
		var probe map[string]json.RawMessage
		if json.Unmarshal(data, &probe) != nil {
			return // callers only pass objects they decoded successfully
		}
		fast, err1 := splitExtra(data, known)
		slow, err2 := splitExtraSlow(data, known)
		if err1 != nil || err2 != nil || !sameExtra(fast, slow) {
			t.Fatalf("%q: fast %v (%v), full decode %v (%v)", data, fast, err1, slow, err2)
		}
	})
}
