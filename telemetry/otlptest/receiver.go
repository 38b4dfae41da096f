package otlptest

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// Span is a received span, flattened.
type Span struct {
	Name         string
	Kind         string
	TraceID      string
	SpanID       string
	ParentSpanID string
	Start, End   time.Time
	StatusCode   string
	Attrs        map[string]any // string, int64, float64, bool or []any
	Resource     map[string]any
}

// Request is one export request as received.
type Request struct {
	Path    string
	Header  http.Header
	Gzipped bool
	Spans   int
}

// Receiver is a running fake OTLP endpoint.
type Receiver struct {
	srv *httptest.Server

	mu       sync.Mutex
	spans    []Span
	requests []Request
	fail     int // answer this many requests with 503
	notify   chan struct{}
}

// Start starts a receiver on a loopback port. Close it when done.
func Start() *Receiver {
	r := &Receiver{notify: make(chan struct{}, 1)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

// URL returns the base URL; exporters post to URL()+path.
func (r *Receiver) URL() string { return r.srv.URL }

// Close stops the receiver.
func (r *Receiver) Close() { r.srv.Close() }

// FailNext makes the next n export requests fail with 503.
func (r *Receiver) FailNext(n int) {
	r.mu.Lock()
	r.fail = n
	r.mu.Unlock()
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	var body io.Reader = req.Body
	gz := req.Header.Get("Content-Encoding") == "gzip"
	if gz {
		zr, err := gzip.NewReader(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		defer zr.Close()
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	if r.fail > 0 {
		r.fail--
		r.requests = append(r.requests, Request{Path: req.URL.Path, Header: req.Header.Clone(), Gzipped: gz})
		r.mu.Unlock()
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	r.mu.Unlock()
	er := ptraceotlp.NewExportRequest()
	if err := er.UnmarshalProto(raw); err != nil {
		http.Error(w, "bad protobuf: "+err.Error(), http.StatusBadRequest)
		return
	}
	spans := flatten(er.Traces())
	r.mu.Lock()
	r.spans = append(r.spans, spans...)
	r.requests = append(r.requests, Request{Path: req.URL.Path, Header: req.Header.Clone(), Gzipped: gz, Spans: len(spans)})
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	resp, _ := ptraceotlp.NewExportResponse().MarshalProto()
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(resp)
}

// Spans returns a copy of every span received so far.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// Requests returns a copy of every export request received so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// WaitSpans waits until at least n spans arrived or the timeout passed, and returns them.
func (r *Receiver) WaitSpans(n int, timeout time.Duration) []Span {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if s := r.Spans(); len(s) >= n {
			return s
		}
		select {
		case <-r.notify:
		case <-deadline.C:
			return r.Spans()
		}
	}
}

func flatten(td ptrace.Traces) []Span {
	var out []Span
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		res := attrMap(rs.Resource().Attributes())
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j).Spans()
			for k := 0; k < ss.Len(); k++ {
				s := ss.At(k)
				sp := Span{
					Name:       s.Name(),
					Kind:       s.Kind().String(),
					TraceID:    s.TraceID().String(),
					SpanID:     s.SpanID().String(),
					Start:      s.StartTimestamp().AsTime(),
					End:        s.EndTimestamp().AsTime(),
					StatusCode: s.Status().Code().String(),
					Attrs:      attrMap(s.Attributes()),
					Resource:   res,
				}
				if !s.ParentSpanID().IsEmpty() {
					sp.ParentSpanID = s.ParentSpanID().String()
				}
				out = append(out, sp)
			}
		}
	}
	return out
}

func attrMap(m pcommon.Map) map[string]any {
	out := make(map[string]any, m.Len())
	m.Range(func(k string, v pcommon.Value) bool {
		out[k] = value(v)
		return true
	})
	return out
}

func value(v pcommon.Value) any {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeInt:
		return v.Int()
	case pcommon.ValueTypeDouble:
		return v.Double()
	case pcommon.ValueTypeBool:
		return v.Bool()
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		out := make([]any, s.Len())
		for i := 0; i < s.Len(); i++ {
			out[i] = value(s.At(i))
		}
		return out
	default:
		return v.AsString()
	}
}
