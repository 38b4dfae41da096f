package semcache

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/gateway"
)

// Request and response headers.
const (
	HeaderCache      = "x-muninn-cache"            // request: off | no-store | refresh; response: the outcome
	HeaderTTL        = "x-muninn-cache-ttl"        // request: seconds or a Go duration ("90s", "2h")
	HeaderThreshold  = "x-muninn-cache-threshold"  // request: a similarity in (0, 1]; may only tighten
	HeaderReason     = "x-muninn-cache-reason"     // response: why a bypass happened or a guard fired
	HeaderSimilarity = "x-muninn-cache-similarity" // response: cosine similarity of a semantic hit
	HeaderID         = "x-muninn-cache-id"         // response: entry served (hit) or to be filled (miss)
	HeaderAge        = "age"                       // response: seconds since the entry was stored
)

// Response values of x-muninn-cache.
const (
	StatusHitExact    = "hit-exact"
	StatusHitSemantic = "hit-semantic"
	StatusMiss        = "miss"
	StatusBypass      = "bypass"
)

// controls are a request's cache directives.
type controls struct {
	off       bool
	noStore   bool
	refresh   bool
	reason    string // for a bypass: "off", "refresh", "no-cache"
	ttl       time.Duration
	threshold float64
}

// parseControls reads x-muninn-cache*, and Cache-Control's no-store and no-cache.
func parseControls(c *gateway.Call) (controls, error) {
	var ct controls
	switch v := strings.ToLower(strings.TrimSpace(c.Header(HeaderCache))); v {
	case "", "on":
	case "off":
		ct.off, ct.reason = true, "off"
	case "no-store":
		ct.noStore = true
	case "refresh":
		ct.refresh, ct.reason = true, "refresh"
	default:
		return ct, fmt.Errorf("%s must be off, no-store or refresh, got %q", HeaderCache, v)
	}
	if cc := c.Header("cache-control"); cc != "" {
		for _, d := range strings.Split(cc, ",") {
			switch strings.ToLower(strings.TrimSpace(d)) {
			case "no-store":
				ct.noStore = true
			case "no-cache":
				if !ct.off && !ct.refresh {
					ct.refresh, ct.reason = true, "no-cache"
				}
			}
		}
	}
	if v := strings.TrimSpace(c.Header(HeaderTTL)); v != "" {
		d, err := parseTTL(v)
		if err != nil {
			return ct, err
		}
		ct.ttl = d
	}
	if v := strings.TrimSpace(c.Header(HeaderThreshold)); v != "" {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil || t <= 0 || t > 1 {
			return ct, fmt.Errorf("%s must be a number in (0, 1], got %q", HeaderThreshold, v)
		}
		ct.threshold = t
	}
	return ct, nil
}

func parseTTL(v string) (time.Duration, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 || n > 10*365*24*3600 {
			return 0, fmt.Errorf("%s must be a positive number of seconds, got %q", HeaderTTL, v)
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s must be seconds or a duration like \"90s\", got %q", HeaderTTL, v)
	}
	return d, nil
}
