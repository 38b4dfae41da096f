package gatewaytest_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/api"
	"github.com/muninn-gw/muninn/gateway/gatewaytest"
)

// waitCanceled waits for the fake to report a cancelled call, failing after a generous
// bound (a hang, not a timing assertion).
func waitCanceled(t *testing.T, f *gatewaytest.Fake) {
	t.Helper()
	select {
	case <-f.Canceled():
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream call was not cancelled")
	}
}

func TestClientDisconnectCancelsStream(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	word := "x"
	fake.Script(gatewaytest.Step{Endless: true, Chunks: []api.ChatChunk{
		{ID: "1", Object: "chat.completion.chunk", Model: "m1", Choices: []api.ChunkChoice{{Delta: api.Delta{Role: "assistant", Content: &word}}}},
	}})
	end := &endRecorder{done: make(chan gateway.Call, 1)}
	gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{Plugins: []gateway.Plugin{end}}, fake)

	conn, err := net.Dial("tcp", strings.TrimPrefix(gw.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	body := chatBody("fake/m1", "x", `"stream":true`)
	req := "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil || !strings.Contains(line, "200") {
		t.Fatalf("status line %q: %v", line, err)
	}
	for { // read until the first event arrived, then leave
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(l, "data: ") {
			break
		}
	}
	conn.Close()
	waitCanceled(t, fake)
	call := <-end.done
	if call.Err == nil || call.Err.Type != api.ErrContextCanceled || call.StreamComplete {
		t.Errorf("post-hook saw err=%v complete=%v", call.Err, call.StreamComplete)
	}
}

// endRecorder hands the call its post-hook saw to the test.
type endRecorder struct{ done chan gateway.Call }

func (e *endRecorder) Name() string { return "end" }
func (e *endRecorder) PostHook(ctx context.Context, c *gateway.Call) error {
	e.done <- *c
	return nil
}

func TestClientDisconnectCancelsWaitingCall(t *testing.T) {
	for _, stream := range []bool{false, true} {
		fake := gatewaytest.NewFake("fake", "m1")
		fake.Script(gatewaytest.Step{Block: true})
		end := &endRecorder{done: make(chan gateway.Call, 1)}
		gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{Plugins: []gateway.Plugin{end}}, fake)
		conn, err := net.Dial("tcp", strings.TrimPrefix(gw.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		extra := []string{}
		if stream {
			extra = append(extra, `"stream":true`)
		}
		body := chatBody("fake/m1", "x", extra...)
		req := "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\n\r\n" + body
		if _, err := conn.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
		for len(fake.Calls()) == 0 {
			time.Sleep(time.Millisecond)
		}
		conn.Close()
		waitCanceled(t, fake)
		if call := <-end.done; call.Err == nil || call.Err.Type != api.ErrContextCanceled {
			t.Errorf("stream=%v: post-hook saw %v", stream, call.Err)
		}
	}
}

func TestWatchedConnectionStaysUsable(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	fake.Script(gatewaytest.Step{Delay: 400 * time.Millisecond}) // longer than the watch delay
	gw := gatewaytest.Start(t, fakeConfig("fake"), gateway.Options{}, fake)
	c := gatewaytest.Client()
	reused := false
	for i := range 2 {
		req, _ := http.NewRequest("POST", gw.URL+"/v1/chat/completions", strings.NewReader(chatBody("fake/m1", "x")))
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) { reused = reused || (i == 1 && info.Reused) },
		}))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, b)
		}
	}
	if !reused {
		t.Error("the keep-alive connection was not reused after a watched call")
	}
}

func TestUpstreamTimeouts(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := fakeConfig("fake")
	zero := 0
	cfg.Retries.Max = &zero
	cfg.Timeouts = gateway.TimeoutsConfig{Total: gateway.Duration(50 * time.Millisecond), FirstByte: gateway.Duration(50 * time.Millisecond)}
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
	for _, stream := range []bool{false, true} {
		fake.Script(gatewaytest.Step{Block: true})
		extra := []string{}
		if stream {
			extra = append(extra, `"stream":true`)
		}
		r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x", extra...))
		if e := r.apiError(t); r.status != 504 || e.Type != api.ErrUpstreamTimeout {
			t.Errorf("stream=%v: %d %+v", stream, r.status, e)
		}
		waitCanceled(t, fake)
	}
}

func TestOverload(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := fakeConfig("fake")
	cfg.Providers["fake"].MaxInFlight = 1
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
	gate := make(chan struct{})
	fake.Script(gatewaytest.Step{Gate: gate})
	first := make(chan reply, 1)
	go func() { first <- post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x")) }()
	for len(fake.Calls()) == 0 {
		time.Sleep(time.Millisecond)
	}
	r := post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x"))
	e := r.apiError(t)
	if r.status != 429 || e.Type != api.ErrRateLimit || !strings.Contains(e.Message, "in flight") || r.header.Get("Retry-After") == "" {
		t.Errorf("provider limit: %d %+v", r.status, e)
	}
	close(gate)
	decodeChat(t, <-first)

	// Global cap.
	fake2 := gatewaytest.NewFake("fake", "m1")
	cfg2 := fakeConfig("fake")
	cfg2.Limits.MaxInFlight = 1
	gw2 := gatewaytest.Start(t, cfg2, gateway.Options{}, fake2)
	gate2 := make(chan struct{})
	fake2.Script(gatewaytest.Step{Gate: gate2})
	go func() { first <- post(t, gw2.URL+"/v1/chat/completions", chatBody("fake/m1", "x")) }()
	for len(fake2.Calls()) == 0 {
		time.Sleep(time.Millisecond)
	}
	r = post(t, gw2.URL+"/v1/chat/completions", chatBody("fake/m1", "x"))
	if e := r.apiError(t); r.status != 503 || e.Type != api.ErrOverloaded {
		t.Errorf("global cap: %d %+v", r.status, e)
	}
	if rej := gw2.Server.Rejected(); rej.Overload != 1 {
		t.Errorf("rejections %+v", rej)
	}
	close(gate2)
	decodeChat(t, <-first)
}

func TestReload(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	cfg := fakeConfig("fake")
	gw := gatewaytest.Start(t, cfg, gateway.Options{}, fake)
	if r := post(t, gw.URL+"/v1/chat/completions", chatBody("fast", "x")); r.status != 404 {
		t.Fatalf("alias before reload: %d", r.status)
	}
	// A request in flight across the reload finishes on the old table.
	gate := make(chan struct{})
	fake.Script(gatewaytest.Step{Gate: gate})
	inflight := make(chan reply, 1)
	go func() { inflight <- post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x")) }()
	for len(fake.Calls()) == 0 {
		time.Sleep(time.Millisecond)
	}
	next := fakeConfig("fake")
	next.Aliases = map[string]string{"fast": "fake/m1"}
	if err := gw.Server.Reload(next); err != nil {
		t.Fatal(err)
	}
	close(gate)
	decodeChat(t, <-inflight)
	decodeChat(t, post(t, gw.URL+"/v1/chat/completions", chatBody("fast", "x")))

	bad := fakeConfig("fake")
	bad.Aliases = map[string]string{"slow": "nowhere/m9"}
	if err := gw.Server.Reload(bad); err == nil || !strings.Contains(err.Error(), "aliases.slow") {
		t.Errorf("bad reload accepted or unclear: %v", err)
	}
	decodeChat(t, post(t, gw.URL+"/v1/chat/completions", chatBody("fast", "x")))
}

func TestShutdownDrains(t *testing.T) {
	fake := gatewaytest.NewFake("fake", "m1")
	gw, err := gatewaytest.StartServer(fakeConfig("fake"), gateway.Options{}, fake)
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	fake.Script(gatewaytest.Step{Gate: gate})
	inflight := make(chan reply, 1)
	go func() { inflight <- post(t, gw.URL+"/v1/chat/completions", chatBody("fake/m1", "x")) }()
	for len(fake.Calls()) == 0 {
		time.Sleep(time.Millisecond)
	}
	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stopped <- gw.Server.Shutdown(ctx)
	}()
	for gw.Server.Ready() {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	decodeChat(t, <-inflight)
	if err := <-stopped; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if _, err := http.Get(gw.URL + "/healthz"); err == nil {
		t.Error("still accepting after shutdown")
	}
}
