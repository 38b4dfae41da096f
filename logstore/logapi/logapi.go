package logapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/muninn-gw/muninn/logstore"
)

// Paths the handlers expect to be mounted at.
const (
	PathLogs  = "/api/logs"
	PathLog   = "/api/logs/" // prefix: /api/logs/{id}
	PathStats = "/api/stats"
)

// Timeout bounds one query.
const Timeout = 30 * time.Second

// API serves queries from a reader.
type API struct {
	r logstore.Reader
}

// New returns the API over r.
func New(r logstore.Reader) *API { return &API{r: r} }

// Logs handles GET /api/logs.
func (a *API) Logs() http.Handler { return a.handle(a.list) }

// Log handles GET /api/logs/{id}.
func (a *API) Log() http.Handler { return a.handle(a.get) }

// Stats handles GET /api/stats.
func (a *API) Stats() http.Handler { return a.handle(a.stats) }

// Handler serves all three paths from one handler (for mounting under a single prefix).
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(PathLogs, a.Logs())
	mux.Handle(PathLog, a.Log())
	mux.Handle(PathStats, a.Stats())
	return mux
}

type queryFunc func(ctx context.Context, r *http.Request) (any, error)

func (a *API) handle(fn queryFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "method not allowed")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), Timeout)
		defer cancel()
		v, err := fn(ctx, r)
		if err != nil {
			status, typ := classify(err)
			writeError(w, status, typ, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v) // the client went away: nothing to do
	})
}

func classify(err error) (int, string) {
	var bad badParam
	switch {
	case errors.As(err, &bad), errors.Is(err, logstore.ErrInvalidQuery):
		return http.StatusBadRequest, "invalid_request_error"
	case errors.Is(err, logstore.ErrNotFound):
		return http.StatusNotFound, "not_found_error"
	}
	if ok, _ := logstore.IsRetryable(err); ok {
		return http.StatusServiceUnavailable, "log_store_unavailable"
	}
	return http.StatusInternalServerError, "server_error"
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": nil}})
	w.Write(append(b, '\n'))
}

type badParam struct{ name, why string }

func (e badParam) Error() string { return fmt.Sprintf("bad query parameter %s: %s", e.name, e.why) }

func (a *API) list(ctx context.Context, r *http.Request) (any, error) {
	v := r.URL.Query()
	f, err := filter(v)
	if err != nil {
		return nil, err
	}
	q := logstore.ListQuery{Filter: f, Cursor: v.Get("cursor")}
	if q.Limit, err = intParam(v, "limit"); err != nil {
		return nil, err
	}
	return a.r.List(ctx, q)
}

func (a *API) get(ctx context.Context, r *http.Request) (any, error) {
	id, ok := strings.CutPrefix(r.URL.Path, PathLog)
	if !ok || id == "" || strings.Contains(id, "/") {
		return nil, badParam{"id", "want /api/logs/{request id}"}
	}
	rec, err := a.r.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// StatsResponse is the body of GET /api/stats.
type StatsResponse struct {
	Bucket  string              `json:"bucket"`
	GroupBy string              `json:"group_by,omitempty"`
	Rows    []logstore.StatsRow `json:"rows"`
}

func (a *API) stats(ctx context.Context, r *http.Request) (any, error) {
	v := r.URL.Query()
	f, err := filter(v)
	if err != nil {
		return nil, err
	}
	q := logstore.StatsQuery{Filter: f, GroupBy: v.Get("group_by")}
	if s := v.Get("bucket"); s != "" {
		if q.Bucket, err = time.ParseDuration(s); err != nil || q.Bucket <= 0 {
			return nil, badParam{"bucket", "want a duration such as 5m or 1h"}
		}
	}
	rows, err := a.r.Stats(ctx, q)
	if err != nil {
		return nil, err
	}
	if q.Bucket == 0 {
		q.Bucket = time.Hour
	}
	return StatsResponse{Bucket: q.Bucket.String(), GroupBy: q.GroupBy, Rows: rows}, nil
}

func filter(v url.Values) (logstore.Filter, error) {
	f := logstore.Filter{
		Tenant: v.Get("tenant"), Provider: v.Get("provider"), Model: v.Get("model"),
		ErrorType: v.Get("error_type"), CacheStatus: v.Get("cache_status"), Text: v.Get("q"),
	}
	var err error
	if f.From, err = timeParam(v, "from"); err != nil {
		return f, err
	}
	if f.To, err = timeParam(v, "to"); err != nil {
		return f, err
	}
	if f.Status, err = intParam(v, "status"); err != nil {
		return f, err
	}
	if s := v.Get("min_cost_nano"); s != "" {
		if f.MinCostNano, err = strconv.ParseInt(s, 10, 64); err != nil || f.MinCostNano < 0 {
			return f, badParam{"min_cost_nano", "want a non-negative integer (nano-USD)"}
		}
	}
	return f, nil
}

func intParam(v url.Values, name string) (int, error) {
	s := v.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, badParam{name, "want a non-negative integer"}
	}
	return n, nil
}

func timeParam(v url.Values, name string) (time.Time, error) {
	s := v.Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, badParam{name, "want RFC 3339 or Unix milliseconds"}
	}
	return t, nil
}
