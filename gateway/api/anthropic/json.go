package anthropic

import (
	"github.com/muninn-gw/muninn/gateway/api"
)

// appendString writes s as a JSON string.
func appendString(b []byte, s string) []byte { return api.AppendString(b, s) }
