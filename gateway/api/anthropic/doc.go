// Package anthropic holds the wire types of Anthropic's Messages API and their
// translation to and from the OpenAI-compatible types of gateway/api, in both
// directions:
//
//   - provider side (OpenAI in, Anthropic upstream): ChatToMessages builds the upstream
//     request; ResponseToChat and ChunkConverter turn the answer back into api types.
//   - front side (Anthropic in, any provider upstream): DecodeRequest and MessagesToChat
//     turn a client's Messages request into an api.ChatRequest; ChatToResponse and
//     EventWriter turn the routed answer back into Anthropic JSON or SSE events;
//     ErrorJSON shapes errors the Anthropic way.
//
// Usage in the gateway's POST /anthropic/v1/messages handler:
//
//	areq, err := anthropic.DecodeRequest(body)        // *api.Error (400) on bad input
//	creq, err := anthropic.MessagesToChat(areq)       // route creq like any chat request
//	// non-streamed:
//	resp := anthropic.ChatToResponse(chatResp, areq.Model)
//	out, _ := json.Marshal(resp)
//	// streamed (Content-Type: text/event-stream):
//	w := anthropic.NewEventWriter(areq.Model)
//	for { chunk, err := stream.Next(); if err == io.EOF { break } ...; buf = w.Chunk(buf[:0], chunk); write(buf) }
//	buf = w.Finish(buf[:0])                           // or w.Error(buf[:0], apiErr) on failure
//	// errors: status e.Status, body anthropic.ErrorJSON(e)
//
// Mappings:
//
//	stop_reason  end_turn <-> stop, max_tokens <-> length, tool_use <-> tool_calls,
//	             stop_sequence -> stop, refusal <-> content_filter
//	usage        prompt_tokens = input + cache_read + cache_creation,
//	             prompt_tokens_details.cached_tokens = cache_read,
//	             prompt_tokens_details.cache_creation_tokens = cache_creation (and back)
//	images       base64 source <-> data: URL image_url part; url source <-> https image_url
//	system       system prompt <-> system/developer messages
//	tools        input_schema <-> function.parameters; tool_use <-> tool_calls;
//	             tool_result <-> tool messages; tool_choice any <-> "required"
//
// Contracts: translations never modify their input; every failure is an *api.Error with
// a stable type; converters are stateful, one per stream, not safe for concurrent use.
//
// Imports: gateway/api only.
package anthropic
