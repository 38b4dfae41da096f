package semcache

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/gateway"
)

// Routes returns the admin endpoints, to mount with the gateway's other routes:
//
//	GET    /api/cache/stats                      counters, size, configuration
//	DELETE /api/cache?id=|scope=|model=|tenant=  delete matching entries (all=true: everything)
//
// Both need an admin key when auth keys are configured.
func (p *Plugin) Routes() []gateway.Route {
	return []gateway.Route{
		{Method: http.MethodGet, Path: "/api/cache/stats", Handler: http.HandlerFunc(p.serveStats), Admin: true},
		{Method: http.MethodDelete, Path: "/api/cache", Handler: http.HandlerFunc(p.serveDelete), Admin: true},
	}
}

type statsBody struct {
	cache.Stats
	Embedder  string       `json:"embedder,omitempty"`
	Threshold float64      `json:"threshold"`
	TTLSecs   int64        `json:"ttl_seconds"`
	Semantic  bool         `json:"semantic"`
	Vectors   *vectorStats `json:"vector_store,omitempty"`
}

type vectorStats struct {
	Points     int   `json:"points"`
	Bytes      int64 `json:"bytes"`
	Namespaces int   `json:"namespaces"`
}

func (p *Plugin) serveStats(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeErr(w, http.StatusMethodNotAllowed, "use GET")
		return
	}
	cfg := p.c.Config()
	body := statsBody{Stats: p.c.Stats(), Embedder: p.c.EmbedderModel(),
		Threshold: cfg.Threshold, TTLSecs: int64(cfg.TTL.Seconds()), Semantic: p.c.EmbedderModel() != ""}
	if vs, ok := p.c.VectorStats(r.Context()); ok {
		body.Vectors = &vectorStats{Points: vs.Points, Bytes: vs.Bytes, Namespaces: vs.Namespaces}
	}
	writeJSON(w, http.StatusOK, body)
}

func (p *Plugin) serveDelete(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodDelete {
		writeErr(w, http.StatusMethodNotAllowed, "use DELETE")
		return
	}
	q := r.URL.Query()
	sel := cache.Selector{ID: q.Get("id"), Scope: q.Get("scope"), Model: q.Get("model"), Tenant: q.Get("tenant")}
	if v := q.Get("all"); v != "" {
		all, err := strconv.ParseBool(v)
		if err != nil {
			writeErr(w, http.StatusBadRequest, "all must be true or false")
			return
		}
		sel.All = all
	}
	if sel == (cache.Selector{}) {
		writeErr(w, http.StatusBadRequest, "give id, scope, model or tenant (or all=true) to choose what to delete")
		return
	}
	n, err := p.c.Delete(r.Context(), sel)
	if err != nil {
		p.log.Warn("semcache: delete", "err", err)
		writeJSON(w, http.StatusOK, map[string]any{"deleted": n, "warning": "some vectors could not be deleted; they are ignored and swept"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"deleted": n})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"message": msg, "type": "invalid_request_error"}})
}
