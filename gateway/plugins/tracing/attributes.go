package tracing

import (
	"encoding/json"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/telemetry"
)

// traceAttributes are the trace-wide attributes Langfuse filters on; they are copied onto
// every span, as Langfuse's v4 ingestion asks.
func traceAttributes(c *gateway.Call) []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		attribute.String("langfuse.trace.name", "muninn "+c.Endpoint),
		attribute.String("langfuse.trace.metadata.request_id", c.ID),
	}
	user := c.Header("x-muninn-user")
	if user == "" && c.Request != nil {
		user = c.Request.User
	}
	if user != "" {
		attrs = append(attrs, attribute.String("user.id", user))
	}
	if s := c.Header("x-muninn-session"); s != "" {
		attrs = append(attrs, attribute.String("session.id", s))
	}
	var tags []string
	for _, t := range strings.Split(c.Header("x-muninn-tags"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	if c.Cache.Status != "" {
		tags = append(tags, "cache:"+c.Cache.Status)
	}
	if len(tags) > 0 {
		attrs = append(attrs, attribute.StringSlice("langfuse.trace.tags", tags))
	}
	if c.Tenant != "" {
		attrs = append(attrs, attribute.String("langfuse.trace.metadata.tenant", c.Tenant))
	}
	c.VisitHeaders(func(name, value string) {
		const prefix = "x-muninn-metadata-"
		if len(name) > len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			attrs = append(attrs, attribute.String("langfuse.trace.metadata."+strings.ToLower(name[len(prefix):]), value))
		}
	})
	return attrs
}

// generationAttributes describe the request as one GenAI generation.
func (p *Plugin) generationAttributes(c *gateway.Call, op string) []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		attribute.String("gen_ai.operation.name", op),
		attribute.String("langfuse.observation.type", observationType(op)),
		attribute.String("muninn.request_id", c.ID),
		attribute.String("muninn.endpoint", c.Endpoint),
		attribute.Int("muninn.attempts", len(c.Attempts)),
		attribute.Bool("gen_ai.request.stream", c.Stream),
	}
	if c.Provider != "" {
		attrs = append(attrs, attribute.String("gen_ai.provider.name", telemetry.ProviderName(c.Provider)),
			attribute.String("muninn.provider", c.Provider))
	}
	if c.RequestedModel != "" {
		attrs = append(attrs, attribute.String("gen_ai.request.model", c.RequestedModel))
	}
	if c.Model != "" {
		attrs = append(attrs, attribute.String("langfuse.observation.model.name", c.Model))
	}
	if c.Status != 0 {
		attrs = append(attrs, attribute.Int("http.response.status_code", c.Status))
	}
	if r := c.Request; r != nil {
		attrs = append(attrs, requestAttributes(r)...)
	}
	if resp := c.Response; resp != nil {
		attrs = append(attrs, attribute.String("gen_ai.response.id", resp.ID))
		if resp.Model != "" {
			attrs = append(attrs, attribute.String("gen_ai.response.model", resp.Model))
		}
		reasons := make([]string, 0, len(resp.Choices))
		for _, ch := range resp.Choices {
			if ch.FinishReason != "" {
				reasons = append(reasons, ch.FinishReason)
			}
		}
		if len(reasons) > 0 {
			attrs = append(attrs, attribute.StringSlice("gen_ai.response.finish_reasons", reasons))
		}
	}
	if ts := completionStart(c); ts != "" && c.Stream {
		attrs = append(attrs, attribute.String("langfuse.observation.completion_start_time", ts),
			attribute.Float64("gen_ai.response.time_to_first_chunk", c.FirstByte.Seconds()))
	}
	attrs = append(attrs, usageAttributes(c)...)
	attrs = append(attrs, cacheAttributes(c)...)
	if c.Err != nil {
		attrs = append(attrs,
			attribute.String("error.type", c.Err.Type),
			attribute.String("langfuse.observation.level", "ERROR"),
			attribute.String("langfuse.observation.status_message", c.Err.Message))
	}
	if p.capture {
		if in := p.inputJSON(c); in != "" {
			attrs = append(attrs, attribute.String("langfuse.observation.input", in))
		}
		if out := p.outputJSON(c); out != "" {
			attrs = append(attrs, attribute.String("langfuse.observation.output", out))
		}
	}
	return attrs
}

func observationType(op string) string {
	if op == "embeddings" {
		return "embedding"
	}
	return "generation"
}

func requestAttributes(r *api.ChatRequest) []attribute.KeyValue {
	var attrs []attribute.KeyValue
	params := map[string]any{}
	if r.Temperature != nil {
		attrs = append(attrs, attribute.Float64("gen_ai.request.temperature", *r.Temperature))
		params["temperature"] = *r.Temperature
	}
	if r.TopP != nil {
		attrs = append(attrs, attribute.Float64("gen_ai.request.top_p", *r.TopP))
		params["top_p"] = *r.TopP
	}
	maxTokens := r.MaxCompletionTokens
	if maxTokens == nil {
		maxTokens = r.MaxTokens
	}
	if maxTokens != nil {
		attrs = append(attrs, attribute.Int("gen_ai.request.max_tokens", *maxTokens))
		params["max_tokens"] = *maxTokens
	}
	if r.FrequencyPenalty != nil {
		attrs = append(attrs, attribute.Float64("gen_ai.request.frequency_penalty", *r.FrequencyPenalty))
		params["frequency_penalty"] = *r.FrequencyPenalty
	}
	if r.PresencePenalty != nil {
		attrs = append(attrs, attribute.Float64("gen_ai.request.presence_penalty", *r.PresencePenalty))
		params["presence_penalty"] = *r.PresencePenalty
	}
	if r.Seed != nil {
		attrs = append(attrs, attribute.Int64("gen_ai.request.seed", *r.Seed))
		params["seed"] = *r.Seed
	}
	if r.N != nil {
		attrs = append(attrs, attribute.Int("gen_ai.request.choice.count", *r.N))
		params["n"] = *r.N
	}
	if stops := stopSequences(r.Stop); len(stops) > 0 {
		attrs = append(attrs, attribute.StringSlice("gen_ai.request.stop_sequences", stops))
		params["stop"] = stops
	}
	if len(params) > 0 {
		if b, err := json.Marshal(params); err == nil {
			attrs = append(attrs, attribute.String("langfuse.observation.model.parameters", string(b)))
		}
	}
	return attrs
}

func stopSequences(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// usageAttributes follow the GenAI conventions (input includes cached tokens) and give
// Langfuse its usage and cost details (Langfuse's "input" is the uncached input).
func usageAttributes(c *gateway.Call) []attribute.KeyValue {
	var attrs []attribute.KeyValue
	if u := c.Usage; u != nil {
		cached, created, reasoning := u.CachedTokens(), u.CacheCreationTokens(), u.ReasoningTokens()
		attrs = append(attrs,
			attribute.Int("gen_ai.usage.input_tokens", u.PromptTokens),
			attribute.Int("gen_ai.usage.output_tokens", u.CompletionTokens))
		if cached > 0 {
			attrs = append(attrs, attribute.Int("gen_ai.usage.cache_read.input_tokens", cached))
		}
		if created > 0 {
			attrs = append(attrs, attribute.Int("gen_ai.usage.cache_creation.input_tokens", created))
		}
		if reasoning > 0 {
			attrs = append(attrs, attribute.Int("gen_ai.usage.reasoning.output_tokens", reasoning))
		}
		details := map[string]int{
			"input":  max(u.PromptTokens-cached-created, 0),
			"output": u.CompletionTokens,
			"total":  u.TotalTokens,
		}
		if cached > 0 {
			details["input_cached_tokens"] = cached
		}
		if created > 0 {
			details["input_cache_creation"] = created
		}
		if reasoning > 0 {
			details["output_reasoning_tokens"] = reasoning
		}
		if b, err := json.Marshal(details); err == nil {
			attrs = append(attrs, attribute.String("langfuse.observation.usage_details", string(b)))
		}
	}
	hit := strings.HasPrefix(c.Cache.Status, "hit")
	switch {
	case hit:
		// Nothing was spent upstream; an explicit zero stops Langfuse from pricing the
		// usage itself.
		attrs = append(attrs, attribute.String("langfuse.observation.cost_details", `{"total":0}`))
	case c.Cost.Known:
		attrs = append(attrs, attribute.String("langfuse.observation.cost_details",
			`{"total":`+usd(c.Cost.NanoUSD)+`}`))
	}
	return attrs
}

func cacheAttributes(c *gateway.Call) []attribute.KeyValue {
	if c.Cache.Status == "" {
		return nil
	}
	attrs := []attribute.KeyValue{
		attribute.String("muninn.cache.status", c.Cache.Status),
		attribute.String("langfuse.observation.metadata.cache_status", c.Cache.Status),
		attribute.String("langfuse.trace.metadata.cache_status", c.Cache.Status),
	}
	if c.Cache.Reason != "" {
		attrs = append(attrs, attribute.String("langfuse.observation.metadata.cache_reason", c.Cache.Reason))
	}
	if c.Cache.EntryID != "" {
		attrs = append(attrs, attribute.String("muninn.cache.entry_id", c.Cache.EntryID))
	}
	if strings.HasPrefix(c.Cache.Status, "hit") {
		attrs = append(attrs,
			attribute.String("langfuse.observation.metadata.saved_cost_usd", usd(c.Cost.SavedNanoUSD)),
			attribute.Float64("muninn.cache.saved_latency_seconds", c.Cache.SavedLatency.Seconds()),
			attribute.Float64("muninn.cache.saved_cost_usd", float64(c.Cost.SavedNanoUSD)/1e9))
		if c.Cache.Status == "hit-semantic" {
			sim := strconv.FormatFloat(float64(c.Cache.Similarity), 'f', 4, 32)
			attrs = append(attrs,
				attribute.Float64("muninn.cache.similarity", float64(c.Cache.Similarity)),
				attribute.String("langfuse.observation.metadata.similarity", sim))
		}
	}
	return attrs
}

// usd formats nano-USD as a decimal USD string without going through floats.
func usd(nano int64) string {
	neg := nano < 0
	if neg {
		nano = -nano
	}
	s := strconv.FormatInt(nano/1e9, 10) + "." + leftPad(strconv.FormatInt(nano%1e9, 10), 9)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if neg {
		s = "-" + s
	}
	return s
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

func (p *Plugin) inputJSON(c *gateway.Call) string {
	switch {
	case c.Request != nil:
		return p.capped(c.Request.Messages)
	case c.Embedding != nil:
		return p.capped(c.Embedding.Input)
	}
	return ""
}

func (p *Plugin) outputJSON(c *gateway.Call) string {
	if c.Response == nil || len(c.Response.Choices) == 0 {
		return ""
	}
	if len(c.Response.Choices) == 1 {
		return p.capped(c.Response.Choices[0].Message)
	}
	msgs := make([]api.Message, len(c.Response.Choices))
	for i, ch := range c.Response.Choices {
		msgs[i] = ch.Message
	}
	return p.capped(msgs)
}

// capped marshals v and cuts it to the configured size. A cut value is no longer valid
// JSON, so it is then sent as a JSON string holding the prefix and a marker.
func (p *Plugin) capped(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	if p.maxContent <= 0 || len(b) <= p.maxContent {
		return string(b)
	}
	cut := strings.ToValidUTF8(string(b[:p.maxContent]), "")
	q, _ := json.Marshal(cut + "…[truncated]")
	return string(q)
}
