package providertest

import (
	"bufio"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// scripted answers with a non-built-in step.
func (s *Server) scripted(ctx *fasthttp.RequestCtx, st *Step) {
	status := st.Status
	if status == 0 {
		status = 200
	}
	if st.Hang || st.CloseAfterChunks > 0 {
		// Raw control over the connection: write the response by hand, then hold or cut it.
		ctx.HijackSetNoResponse(true)
		ctx.Hijack(func(c net.Conn) { s.raw(c, st, status) })
		return
	}
	ctx.SetStatusCode(status)
	if st.Chunks == nil {
		if !hasHeader(st.Header, "Content-Type") {
			ctx.SetContentType("application/json")
		}
		ctx.SetBodyString(st.Body)
		return
	}
	ctx.SetContentType("text/event-stream")
	ctx.Response.Header.Set("Cache-Control", "no-cache")
	chunks, delay := st.Chunks, st.ChunkDelay
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		for _, c := range chunks {
			if delay > 0 && !s.sleep(delay) {
				return
			}
			writeChunk(w, c)
			if w.Flush() != nil {
				s.canceled.Add(1)
				return
			}
		}
	})
}

// raw writes a chunked SSE (or JSON) response on a hijacked connection, then cuts it
// (CloseAfterChunks) or holds it until the client goes away (Hang).
func (s *Server) raw(c net.Conn, st *Step, status int) {
	defer c.Close()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.hijacked[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.hijacked, c)
		s.mu.Unlock()
	}()

	if st.Chunks != nil || !st.Hang {
		w := bufio.NewWriter(c)
		w.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + fasthttp.StatusMessage(status) + "\r\n")
		ct := "text/event-stream"
		if st.Chunks == nil {
			ct = "application/json"
		}
		keys := make([]string, 0, len(st.Header))
		for k := range st.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.EqualFold(k, "Content-Type") {
				ct = st.Header[k]
				continue
			}
			w.WriteString(k + ": " + st.Header[k] + "\r\n")
		}
		w.WriteString("Content-Type: " + ct + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
		if st.Chunks == nil && st.Body != "" {
			writeHTTPChunk(w, []byte(st.Body))
		}
		if w.Flush() != nil {
			return
		}
		var buf []byte
		for i, ch := range st.Chunks {
			if st.CloseAfterChunks > 0 && i >= st.CloseAfterChunks {
				break
			}
			if st.ChunkDelay > 0 && !s.sleep(st.ChunkDelay) {
				return
			}
			buf = appendSSE(buf[:0], ch)
			writeHTTPChunk(w, buf)
			if w.Flush() != nil {
				s.canceled.Add(1)
				return
			}
		}
		if !st.Hang {
			if st.CloseAfterChunks > 0 {
				return // cut: no terminating chunk
			}
			w.WriteString("0\r\n\r\n")
			_ = w.Flush()
			return
		}
	}
	// Hang: read until the client closes the connection (or Close closes it).
	_ = c.SetReadDeadline(time.Time{})
	_, _ = io.Copy(io.Discard, c)
	if !s.isClosed() {
		s.canceled.Add(1)
	}
}

func writeHTTPChunk(w *bufio.Writer, p []byte) {
	w.WriteString(strconv.FormatInt(int64(len(p)), 16))
	w.WriteString("\r\n")
	w.Write(p)
	w.WriteString("\r\n")
}

func writeChunk(w *bufio.Writer, c string) {
	if isSSELine(c) {
		w.WriteString(c)
		if len(c) == 0 || c[len(c)-1] != '\n' {
			w.WriteString("\n\n")
		}
		return
	}
	w.WriteString("data: ")
	w.WriteString(c)
	w.WriteString("\n\n")
}

func appendSSE(dst []byte, c string) []byte {
	if isSSELine(c) {
		dst = append(dst, c...)
		if len(c) == 0 || c[len(c)-1] != '\n' {
			dst = append(dst, "\n\n"...)
		}
		return dst
	}
	dst = append(dst, "data: "...)
	dst = append(dst, c...)
	return append(dst, "\n\n"...)
}

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}
