// Package sse reads server-sent event streams from upstream providers, robustly.
//
// Reader.Next returns one event at a time: its "event:" name (Anthropic) and its data
// (the "data:" lines joined by "\n", OpenAI's JSON payloads and "[DONE]"). It accepts
// "data:" with or without the space, LF or CRLF line ends, comments and keep-alives
// (": ping", which are skipped), "id:"/"retry:" fields (ignored), and events at the end of
// the stream without a final blank line.
//
// Contracts:
//   - Memory is bounded: a line longer than the Reader's limit fails with ErrLineTooLong
//     instead of growing without bound; an event's data is bounded by the same limit times
//     the line count the caller is willing to read.
//   - A stream that ends in the middle of a line fails with ErrTruncated (it wraps
//     io.ErrUnexpectedEOF); a stream that ends between events returns io.EOF. Whether a
//     missing "[DONE]" is an error is the caller's decision.
//   - Event.Name and Event.Data alias the Reader's buffers: valid until the next Next.
//   - It never panics on any input (FuzzSSE).
//
// Imports: the standard library only.
package sse
