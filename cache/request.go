package cache

import (
	"slices"
	"strings"
)

// Request is the cache's view of a chat request. The gateway adapter fills it from the
// wire types; the cache never sees those.
type Request struct {
	// Tenant is the gateway key name ("" when auth is off). Entries are never shared
	// across tenants unless Config.ShareAcrossTenants is set.
	Tenant string
	// Model is the model as the client requested it (provider/model or an alias).
	Model string
	// Temperature is nil when the client left it to the provider's default.
	Temperature *float64
	// N is the number of choices asked for (0 means one).
	N int
	// Params are every other request member that can change the answer (top_p,
	// max_tokens, stop, seed, tools, tool_choice, response_format, unknown members sent
	// upstream, ...), each as a raw JSON value. Order does not matter; names must be
	// unique.
	Params []Param
	// Messages is the conversation, in order.
	Messages []Message
}

// Param is one request member and its raw JSON value.
type Param struct {
	Name string
	JSON []byte
}

// Message is one chat message.
type Message struct {
	Role string
	Name string
	// Text is the message's text (string content, or its text parts joined).
	Text string
	// Other is the canonicalisable JSON of everything else the message carries (image
	// parts, tool calls, tool_call_id, unknown members), nil when it carries only text.
	Other []byte
	// Tool is true for tool results and for assistant messages with tool calls.
	Tool bool
	// NonText is true when the content has parts that are not text (images, audio).
	NonText bool
}

// Roles that carry instructions rather than conversation.
func isSystemRole(role string) bool { return role == "system" || role == "developer" }

// Keys are the cache keys of one request.
type Keys struct {
	// Exact is the hash of the canonical request; it is also the id of the entry the
	// request would fill.
	Exact string
	// Scope is the hash of everything that must match exactly for a semantic hit:
	// tenant, model, sampling parameters and tools, system prompt, earlier turns, and the
	// embedding model. It names the vector store namespace.
	Scope string
	// Params, System and History are the component hashes (for diagnostics and tests).
	Params, System, History string
	// Prompt is the last user message's text, the only text that is embedded.
	Prompt string
	// LastIsUser is false when the conversation does not end with a user message.
	LastIsUser bool
}

// ComputeKeys hashes r. Byte-identical requests always get identical keys: params are
// sorted by name and their JSON canonicalised, floats hashed in shortest form.
func ComputeKeys(r *Request, embedModel string, shareTenants bool) Keys {
	var k Keys
	h := getHasher()
	defer h.release()

	// Params hash: model-independent sampling parameters and tools.
	h.reset()
	hashParams(h, r)
	k.Params = h.hex16()

	// System prompt: every system/developer message, in order.
	h.reset()
	last := len(r.Messages) - 1
	for i := range r.Messages {
		if isSystemRole(r.Messages[i].Role) {
			hashMessage(h, &r.Messages[i])
		}
	}
	k.System = h.hex16()

	// Earlier turns: every non-system message before the last one.
	h.reset()
	for i := 0; i < last; i++ {
		if !isSystemRole(r.Messages[i].Role) {
			hashMessage(h, &r.Messages[i])
		}
	}
	k.History = h.hex16()

	if last >= 0 && r.Messages[last].Role == "user" {
		k.LastIsUser = true
		k.Prompt = r.Messages[last].Text
	}

	tenant := r.Tenant
	if shareTenants {
		tenant = ""
	}
	h.reset()
	h.str("scope/v1")
	h.str(tenant)
	h.str(r.Model)
	h.str(k.Params)
	h.str(k.System)
	h.str(k.History)
	h.str(embedModel)
	k.Scope = h.hex16()

	// The exact key covers the whole request, independent of the embedder.
	h.reset()
	h.str("exact/v1")
	h.str(tenant)
	h.str(r.Model)
	h.str(k.Params)
	h.int(int64(len(r.Messages)))
	for i := range r.Messages {
		hashMessage(h, &r.Messages[i])
	}
	k.Exact = h.hex16()
	return k
}

func hashParams(h *hasher, r *Request) {
	if r.Temperature != nil {
		h.tag('t')
		h.float(*r.Temperature)
	} else {
		h.tag('-')
	}
	n := r.N
	if n == 0 {
		n = 1
	}
	h.int(int64(n))
	ps := r.Params
	if !slices.IsSortedFunc(ps, cmpParam) {
		ps = slices.Clone(ps)
		slices.SortFunc(ps, cmpParam)
	}
	h.int(int64(len(ps)))
	for i := range ps {
		h.str(ps[i].Name)
		h.json(ps[i].JSON)
	}
}

func cmpParam(a, b Param) int { return strings.Compare(a.Name, b.Name) }

func hashMessage(h *hasher, m *Message) {
	h.str(m.Role)
	h.str(m.Name)
	h.str(m.Text)
	h.json(m.Other)
}

// FloatPtr is a convenience for building Requests in code and tests.
func FloatPtr(f float64) *float64 { return &f }
