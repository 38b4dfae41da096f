package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/muninn-gw/muninn/gateway/provider/providertest"
	"github.com/valyala/fasthttp"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "listen address")
	mode := flag.String("mode", "providertest", "providertest or minimal")
	flag.Parse()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	switch *mode {
	case "providertest":
		s, err := providertest.StartAt(*listen)
		if err != nil {
			fail(err)
		}
		s.SetRecording(false)
		fmt.Println("listening on " + s.URL())
		<-stop
		s.Close()
	case "minimal":
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			fail(err)
		}
		srv := &fasthttp.Server{Handler: minimal, Name: "fakeupstream", NoDefaultDate: true, NoDefaultContentType: true}
		go func() {
			if err := srv.Serve(ln); err != nil {
				fail(err)
			}
		}()
		fmt.Println("listening on http://" + ln.Addr().String())
		<-stop
		_ = srv.Shutdown()
	default:
		fail(fmt.Errorf("unknown -mode %q (want providertest or minimal)", *mode))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fakeupstream:", err)
	os.Exit(1)
}

const completion = `{"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",` +
	`"choices":[{"index":0,"message":{"role":"assistant","content":"echo: hello"},"finish_reason":"stop"}],` +
	`"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}`

// streamBody is the whole minimal stream, built once.
var streamBody = func() []byte {
	head := `data: {"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[`
	var b bytes.Buffer
	b.WriteString(head + `{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}` + "\n\n")
	for i := range 18 {
		fmt.Fprintf(&b, "%s{\"index\":0,\"delta\":{\"content\":\" word%d\"},\"finish_reason\":null}]}\n\n", head, i)
	}
	b.WriteString(head + `{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n")
	b.WriteString("data: [DONE]\n\n")
	return b.Bytes()
}()

var (
	chatSuffix = []byte("/chat/completions")
	streamTrue = []byte(`"stream":true`)
)

func minimal(ctx *fasthttp.RequestCtx) {
	if !ctx.IsPost() || !bytes.HasSuffix(ctx.Path(), chatSuffix) {
		ctx.SetStatusCode(fasthttp.StatusNotFound)
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"error":{"message":"fakeupstream: no route","type":"not_found_error"}}`)
		return
	}
	if !bytes.Contains(ctx.PostBody(), streamTrue) {
		ctx.SetContentType("application/json")
		ctx.SetBodyString(completion)
		return
	}
	ctx.SetContentType("text/event-stream")
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		// One event per flush, as a real upstream sends them.
		rest := streamBody
		for len(rest) > 0 {
			i := bytes.Index(rest, []byte("\n\n"))
			_, _ = w.Write(rest[:i+2])
			if w.Flush() != nil {
				return
			}
			rest = rest[i+2:]
		}
	})
}
