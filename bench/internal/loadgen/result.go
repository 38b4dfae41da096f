package loadgen

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/bench/internal/hist"
)

// Result is what one run measured.
type Result struct {
	Target   string
	Requests uint64 // completed requests, including errors
	Errors   uint64
	// ErrorKinds counts errors by kind ("status 503", "timeout", ...).
	ErrorKinds map[string]uint64
	Elapsed    time.Duration // from the first scheduled send to the last completion
	Latency    *hist.Histogram
	TTFB       *hist.Histogram // streams only
	// Lateness is how late workers actually sent after the scheduled time (open loop):
	// the load generator's own timer and scheduling noise, included in Latency.
	Lateness *hist.Histogram
	// Service is the latency measured from the actual send (open loop; equal to
	// Latency in a closed loop): without the sender's lateness, but blind to queueing.
	Service *hist.Histogram
}

// Rate is the achieved rate of successful requests per second.
func (r *Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

// Add accumulates o, a later run against the same target, into r: counts, histograms
// and elapsed time add up, so Rate is over the runs' total time.
func (r *Result) Add(o *Result) {
	r.Requests += o.Requests
	r.Errors += o.Errors
	if r.ErrorKinds == nil {
		r.ErrorKinds = map[string]uint64{}
	}
	for k, v := range o.ErrorKinds {
		r.ErrorKinds[k] += v
	}
	r.Elapsed += o.Elapsed
	for _, h := range []struct{ dst, src **hist.Histogram }{
		{&r.Latency, &o.Latency}, {&r.TTFB, &o.TTFB}, {&r.Lateness, &o.Lateness}, {&r.Service, &o.Service},
	} {
		if *h.src == nil {
			continue
		}
		if *h.dst == nil {
			*h.dst = hist.New()
		}
		(*h.dst).Merge(*h.src)
	}
}

// ErrorSummary lists the error kinds, most frequent first ("" when none).
func (r *Result) ErrorSummary() string {
	if len(r.ErrorKinds) == 0 {
		return ""
	}
	kinds := make([]string, 0, len(r.ErrorKinds))
	for k := range r.ErrorKinds {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		a, b := r.ErrorKinds[kinds[i]], r.ErrorKinds[kinds[j]]
		return a > b || a == b && kinds[i] < kinds[j]
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s: %d", k, r.ErrorKinds[k])
	}
	return strings.Join(parts, ", ")
}

func merge(t *Target, start time.Time, ws []*worker) *Result {
	r := &Result{Target: t.Name, ErrorKinds: map[string]uint64{}, Latency: hist.New(), Lateness: hist.New(), Service: hist.New()}
	if t.Stream {
		r.TTFB = hist.New()
	}
	last := start
	for _, w := range ws {
		r.Requests += w.n
		r.Errors += w.errs
		for k, v := range w.kinds {
			r.ErrorKinds[k] += v
		}
		r.Latency.Merge(w.lat)
		r.Lateness.Merge(w.lateness)
		r.Service.Merge(w.service)
		if r.TTFB != nil {
			r.TTFB.Merge(w.ttfb)
		}
		if w.last.After(last) {
			last = w.last
		}
	}
	r.Elapsed = last.Sub(start)
	return r
}
