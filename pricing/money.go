package pricing

import (
	"math"
	"math/bits"

	"github.com/muninn-gw/muninn/pricing/internal/decimal"
)

// NanoUSD is an amount of money in billionths of a US dollar. int64 holds about
// $9.2 billion, and sums over millions of requests never drift as float sums do.
type NanoUSD int64

// USD is one dollar in NanoUSD.
const USD NanoUSD = 1_000_000_000

// String formats n as dollars without trailing zeros: "0.000123", "12", "0".
func (n NanoUSD) String() string {
	var buf [24]byte
	return string(n.AppendUSD(buf[:0]))
}

// AppendUSD appends the String form to dst without allocating beyond dst's growth.
func (n NanoUSD) AppendUSD(dst []byte) []byte { return decimal.Append(dst, int64(n), 9) }

// ParseUSD parses a decimal dollar amount ("0.075", "2.5e-06") exactly into NanoUSD,
// rounding half away from zero below one nano-USD.
func ParseUSD(s string) (NanoUSD, error) {
	v, _, err := decimal.Scale(s, 9)
	return NanoUSD(v), err
}

// Usage is the token accounting of one response, as pricing needs it. It mirrors the
// gateway's usage without importing it (pricing is a leaf).
type Usage struct {
	// InputTokens is every prompt token, including CacheReadTokens and CacheWriteTokens.
	InputTokens int64
	// CacheReadTokens are prompt tokens read from the provider's prompt cache.
	CacheReadTokens int64
	// CacheWriteTokens are prompt tokens written to the provider's prompt cache, including
	// CacheWrite1hTokens.
	CacheWriteTokens int64
	// CacheWrite1hTokens are the cache writes with a one-hour lifetime (Anthropic); the
	// rest of CacheWriteTokens are billed at the default (5-minute) write rate.
	CacheWrite1hTokens int64
	// OutputTokens is every completion token, including ReasoningTokens.
	OutputTokens int64
	// ReasoningTokens are completion tokens spent thinking.
	ReasoningTokens int64
}

// Rates are prices in NanoUSD per million tokens. Every field is a real rate: catalogs
// fill components a source does not price separately from their parent (cache read and
// cache write from input, the 1h write from the write, reasoning from output).
type Rates struct {
	Input        NanoUSD
	Output       NanoUSD
	CacheRead    NanoUSD
	CacheWrite   NanoUSD // the default (5-minute) cache write
	CacheWrite1h NanoUSD
	Reasoning    NanoUSD
}

// Tier replaces the rates of the whole request when its input tokens exceed Above.
type Tier struct {
	Above int64
	Rates Rates
}

// Price is the price of one model at one moment.
type Price struct {
	Rates
	// Tiers are sorted by Above, ascending. The highest tier whose Above is below the
	// request's input tokens applies to the whole request.
	Tiers []Tier
}

// RatesFor returns the rates that apply to a request with inputTokens prompt tokens.
func (p *Price) RatesFor(inputTokens int64) *Rates {
	r := &p.Rates
	for i := range p.Tiers {
		if inputTokens > p.Tiers[i].Above {
			r = &p.Tiers[i].Rates
		}
	}
	return r
}

// Cost prices usage at price, in NanoUSD:
//
//	cost = round( Σ tokens_k × rate_k / 1e6 )
//
// over the components k (uncached input, cache read, cache write, 1h cache write,
// non-reasoning output, reasoning), with rate_k in NanoUSD per million tokens. The sum is
// exact (128-bit) and rounded once, half away from zero, so a request is within half a
// nano-USD of its true price. Negative counts are treated as 0; parts larger than their
// whole are capped to it. Results beyond int64 saturate at math.MaxInt64.
func Cost(u Usage, p Price) NanoUSD {
	in := max(u.InputTokens, 0)
	read := min(max(u.CacheReadTokens, 0), in)
	write := min(max(u.CacheWriteTokens, 0), in-read)
	write1h := min(max(u.CacheWrite1hTokens, 0), write)
	out := max(u.OutputTokens, 0)
	reasoning := min(max(u.ReasoningTokens, 0), out)
	r := p.RatesFor(in)

	var acc acc128
	acc.add(in-read-write, r.Input)
	acc.add(read, r.CacheRead)
	acc.add(write-write1h, r.CacheWrite)
	acc.add(write1h, r.CacheWrite1h)
	acc.add(out-reasoning, r.Output)
	acc.add(reasoning, r.Reasoning)
	return acc.perMillion()
}

// acc128 is an unsigned 128-bit accumulator of tokens × rate products.
type acc128 struct{ hi, lo uint64 }

func (a *acc128) add(tokens int64, rate NanoUSD) {
	if tokens <= 0 || rate <= 0 {
		return
	}
	hi, lo := bits.Mul64(uint64(tokens), uint64(rate))
	var carry uint64
	a.lo, carry = bits.Add64(a.lo, lo, 0)
	a.hi, _ = bits.Add64(a.hi, hi, carry)
}

// perMillion returns round(a / 1e6), half away from zero, saturating at MaxInt64.
func (a *acc128) perMillion() NanoUSD {
	const m = 1_000_000
	if a.hi >= m {
		return math.MaxInt64
	}
	q, rem := bits.Div64(a.hi, a.lo, m)
	if rem >= m/2 {
		q++
	}
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return NanoUSD(q)
}
