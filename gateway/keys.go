package gateway

import (
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/muninn-gw/muninn/gateway/provider"
)

// keyState is one provider key and its cool-down. Keys live in the routing table; a
// reload builds fresh ones (a cooled key is retried after a reload).
type keyState struct {
	key    provider.Key
	weight float64
	models map[string]struct{} // nil: every model
	// coolUntil is the Unix time in nanoseconds before which the key is left out.
	coolUntil atomic.Int64
}

func (k *keyState) allows(model string) bool {
	if k.models == nil {
		return true
	}
	_, ok := k.models[model]
	return ok
}

func (k *keyState) coolDown(d time.Duration, now time.Time) {
	until := now.Add(d).UnixNano()
	for {
		cur := k.coolUntil.Load()
		if cur >= until || k.coolUntil.CompareAndSwap(cur, until) {
			return
		}
	}
}

func (k *keyState) cooling(now int64) bool { return k.coolUntil.Load() > now }

// keyPick is the outcome of choosing a key.
type keyPick int

const (
	keyOK      keyPick = iota
	keyNone            // the provider has no keys: call without one
	keyNoModel         // no key is allowed for the model
	keyCooling         // every allowed key is cooling down or was refused in this call
)

// pickKey chooses among the keys allowed for model, not cooling down and not in skip
// (a bit set of key indexes refused earlier in this call), at random by weight. Keys of
// weight 0 are used only when no weighted key is available.
func pickKey(keys []*keyState, model string, skip uint64, now time.Time) (int, keyPick) {
	if len(keys) == 0 {
		return -1, keyNone
	}
	nowNs := now.UnixNano()
	var total float64
	allowed, usable, zeroIdx := 0, 0, -1
	for i, k := range keys {
		if !k.allows(model) {
			continue
		}
		allowed++
		if (i < 64 && skip&(1<<i) != 0) || k.cooling(nowNs) {
			continue
		}
		usable++
		if k.weight == 0 {
			if zeroIdx < 0 {
				zeroIdx = i
			}
			continue
		}
		total += k.weight
	}
	switch {
	case allowed == 0:
		return -1, keyNoModel
	case usable == 0:
		return -1, keyCooling
	case total == 0:
		return zeroIdx, keyOK
	}
	r := rand.Float64() * total
	last := -1
	for i, k := range keys {
		if k.weight == 0 || !k.allows(model) || (i < 64 && skip&(1<<i) != 0) || k.cooling(nowNs) {
			continue
		}
		last = i
		if r < k.weight {
			return i, keyOK
		}
		r -= k.weight
	}
	return last, keyOK
}
