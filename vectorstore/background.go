package vectorstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration in a backend's JSON config, written as a Go duration
// string ("90s", "5m") or "off" / "0" for zero. IsSet tells an explicit zero ("off") from
// an absent field, so backends can apply their defaults only to the latter.
type Duration struct {
	time.Duration
	set bool
}

// D returns a set Duration (for configuration built in Go; D(0) is "off").
func D(d time.Duration) Duration { return Duration{Duration: d, set: true} }

// IsSet reports whether the duration was given (in JSON or with D).
func (d Duration) IsSet() bool { return d.set }

// UnmarshalJSON accepts a duration string or "off".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"30s\": %w", err)
	}
	d.set = true
	if s == "off" || s == "0" {
		d.Duration = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: %w", s, err)
	}
	if v < 0 {
		return fmt.Errorf("negative duration %q", s)
	}
	d.Duration = v
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.Duration.String()) }

// SweepEvery runs sweep every interval until stop is closed; a sweep in progress is
// cancelled when stop closes. Failures go to onErr. Backends use it for their background
// removal of expired points (searches never return expired points either way; sweeping
// only reclaims space).
func SweepEvery(stop <-chan struct{}, every time.Duration, sweep func(context.Context) (int, error), onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				select {
				case <-stop:
					cancel()
				case <-ctx.Done():
				}
			}()
			if _, err := sweep(ctx); err != nil {
				onErr(err)
			}
			cancel()
		}
	}
}
