package uselite_test

import (
	"context"
	"fmt"

	"github.com/muninn-gw/muninn/cache/embed"
	"github.com/muninn-gw/muninn/cache/embed/uselite"
)

func Example() {
	e, err := uselite.Default()
	if err != nil {
		panic(err)
	}
	v, err := e.Embed(context.Background(), []string{
		"How do I reset my password?",
		"I forgot my password, how can I change it?",
		"What is the weather like in Paris today?",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Model(), e.Dim(), len(v))
	fmt.Println("paraphrase closer than unrelated:", embed.Cosine(v[0], v[1]) > embed.Cosine(v[0], v[2])+0.3)

	for _, text := range []string{"How do I reset my password?", "비밀번호를 어떻게 재설정하나요?"} {
		c := e.Coverage(text)
		fmt.Printf("supported=%v reason=%q tokens=%d\n", c.Supported, c.Reason, c.Tokens)
	}
	// Output:
	// muninn/use-lite 512 3
	// paraphrase closer than unrelated: true
	// supported=true reason="" tokens=8
	// supported=false reason="unknown script (Hangul)" tokens=7
}
