package gateway

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// mountedRoute is a Route adapted to fasthttp.
type mountedRoute struct {
	Route
	prefix  bool
	handler fasthttp.RequestHandler
}

func mountRoute(r Route) mountedRoute {
	return mountedRoute{Route: r, prefix: strings.HasSuffix(r.Path, "/"), handler: fasthttpadaptor.NewFastHTTPHandler(r.Handler)}
}

func (m *mountedRoute) matches(method, path string) bool {
	if m.Method != "" && m.Method != method {
		return false
	}
	if m.prefix {
		return strings.HasPrefix(path, m.Path)
	}
	return path == m.Path
}

var (
	prefixOpenAI    = []byte("/openai")
	contentJSON     = "application/json"
	bodyHealthy     = []byte(`{"status":"ok"}`)
	bodyReady       = []byte(`{"status":"ready"}`)
	errDraining     = &api.Error{Status: http.StatusServiceUnavailable, Type: api.ErrOverloaded, Code: "draining", Message: "the gateway is shutting down"}
	errNoRoute      = &api.Error{Status: http.StatusNotFound, Type: api.ErrNotFound, Message: "unknown path"}
	errMethod       = &api.Error{Status: http.StatusMethodNotAllowed, Type: api.ErrInvalidRequest, Message: "method not allowed on this path"}
	errNotSupported = &api.Error{Status: http.StatusNotImplemented, Type: api.ErrUnsupported, Message: "this endpoint is not available in this build"}
)

// handle is the fasthttp entry point.
func (s *Server) handle(ctx *fasthttp.RequestCtx) {
	defer s.recoverHandler(ctx)
	path := ctx.Path()
	if bytes.HasPrefix(path, prefixOpenAI) && len(path) > len(prefixOpenAI) && path[len(prefixOpenAI)] == '/' {
		path = path[len(prefixOpenAI):]
	}
	switch string(path) {
	case "/v1/chat/completions":
		if s.post(ctx) {
			s.serveChat(ctx, EndpointChat)
		}
		return
	case "/v1/embeddings":
		if s.post(ctx) {
			s.serveEmbeddings(ctx)
		}
		return
	case "/v1/completions":
		if s.post(ctx) {
			s.serveCompletions(ctx)
		}
		return
	case "/v1/models":
		if s.authOnly(ctx) {
			s.serveModels(ctx)
		}
		return
	case "/anthropic/v1/messages":
		if s.post(ctx) {
			s.serveMessages(ctx)
		}
		return
	case "/healthz":
		ctx.SetContentType(contentJSON)
		ctx.SetBody(bodyHealthy)
		return
	case "/readyz":
		ctx.SetContentType(contentJSON)
		if s.draining.Load() {
			writeError(ctx, errDraining)
			return
		}
		ctx.SetBody(bodyReady)
		return
	case "/version":
		ctx.SetContentType(contentJSON)
		b, _ := json.Marshal(map[string]string{"version": s.opts.Version})
		ctx.SetBody(b)
		return
	}
	method, p := string(ctx.Method()), string(ctx.Path())
	for i := range s.routes {
		r := &s.routes[i]
		if !r.matches(method, p) {
			continue
		}
		if !r.Public {
			_, admin, e := s.authenticate(ctx, s.table.Load())
			if e != nil {
				writeError(ctx, e)
				return
			}
			if r.Admin && !admin {
				writeError(ctx, &api.Error{Status: http.StatusForbidden, Type: api.ErrPermission, Message: "this endpoint needs an admin gateway key"})
				return
			}
		}
		r.handler(ctx)
		return
	}
	writeError(ctx, errNoRoute)
}

// recoverHandler turns a panic in the gateway (a bug) into a 500 instead of a crash.
func (s *Server) recoverHandler(ctx *fasthttp.RequestCtx) {
	if v := recover(); v != nil {
		s.log.Error("gateway handler panicked", "path", string(ctx.Path()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		ctx.Response.Reset()
		writeError(ctx, errInternal)
	}
}

// post checks the method, auth-independent parts of the request shape and overload, and
// answers when the request cannot go on.
func (s *Server) post(ctx *fasthttp.RequestCtx) bool {
	if !ctx.IsPost() {
		ctx.Response.Header.Set("Allow", "POST")
		writeError(ctx, errMethod)
		return false
	}
	return true
}

func (s *Server) authOnly(ctx *fasthttp.RequestCtx) bool {
	if !ctx.IsGet() {
		ctx.Response.Header.Set("Allow", "GET")
		writeError(ctx, errMethod)
		return false
	}
	if _, _, e := s.authenticate(ctx, s.table.Load()); e != nil {
		writeError(ctx, e)
		return false
	}
	return true
}

// serveModels lists every routable model (provider/model) and alias.
func (s *Server) serveModels(ctx *fasthttp.RequestCtx) {
	tab := s.table.Load()
	list := api.ModelList{Object: "list", Data: []api.Model{}}
	for _, n := range tab.names {
		up := tab.providers[n]
		for _, m := range up.models {
			list.Data = append(list.Data, api.Model{ID: n + "/" + m, Object: "model", OwnedBy: n})
		}
	}
	aliases := make([]string, 0, len(tab.aliases))
	for a := range tab.aliases {
		aliases = append(aliases, a)
	}
	sort.Strings(aliases)
	for _, a := range aliases {
		owner := "muninn"
		if tg, err := tab.resolve(a, s.opts.Catalog); err == nil {
			owner = tg.up.name
		}
		list.Data = append(list.Data, api.Model{ID: a, Object: "model", OwnedBy: owner})
	}
	b, err := json.Marshal(list)
	if err != nil {
		writeError(ctx, errInternal)
		return
	}
	ctx.SetContentType(contentJSON)
	ctx.SetBody(b)
}

// setCallHeaders writes the x-request-id and routing headers, then the plugins' headers.
func setCallHeaders(ctx *fasthttp.RequestCtx, c *Call) {
	h := &ctx.Response.Header
	h.Set("x-request-id", c.ID)
	if c.Provider != "" {
		h.Set("x-muninn-provider", c.Provider)
	}
	if c.Model != "" {
		h.Set("x-muninn-model", c.Model)
	}
	if len(c.Attempts) > 0 {
		h.Set("x-muninn-attempts", strconv.Itoa(len(c.Attempts)))
	}
	for _, kv := range c.respHeaders {
		h.Add(kv[0], kv[1])
	}
}

// newID returns a random 128-bit id in hex.
func newID(buf *[32]byte) string {
	var raw [16]byte
	a, b := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		raw[i] = byte(a >> (8 * i))
		raw[8+i] = byte(b >> (8 * i))
	}
	hex.Encode(buf[:], raw[:])
	return string(buf[:])
}
