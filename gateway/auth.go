package gateway

import (
	"bytes"
	"net/http"

	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/valyala/fasthttp"
)

var (
	bearer         = []byte("bearer ")
	errMissingKey  = &api.Error{Status: http.StatusUnauthorized, Type: api.ErrAuthentication, Code: "missing_api_key", Message: "a gateway key is required: send Authorization: Bearer <key> or x-api-key: <key>"}
	errInvalidKey  = &api.Error{Status: http.StatusUnauthorized, Type: api.ErrAuthentication, Code: "invalid_api_key", Message: "the gateway key is not valid"}
	headerAPIKey   = []byte("x-api-key")
	headerAuthzKey = []byte("Authorization")
)

// authenticate checks the gateway key when auth keys are configured. It returns the
// key's name (the tenant) and whether it is an admin key. With no keys configured every
// request passes, as tenant "" with admin rights.
func (s *Server) authenticate(ctx *fasthttp.RequestCtx, tab *table) (tenant string, admin bool, e *api.Error) {
	if len(tab.auth) == 0 {
		return "", true, nil
	}
	var key []byte
	if v := ctx.Request.Header.PeekBytes(headerAuthzKey); len(v) > len(bearer) && bytes.EqualFold(v[:len(bearer)], bearer) {
		key = bytes.TrimSpace(v[len(bearer):])
	} else if v := ctx.Request.Header.PeekBytes(headerAPIKey); len(v) > 0 {
		key = bytes.TrimSpace(v)
	}
	if len(key) == 0 {
		return "", false, errMissingKey
	}
	k, ok := tab.auth[string(key)]
	if !ok {
		return "", false, errInvalidKey
	}
	return k.Name, k.Admin, nil
}
