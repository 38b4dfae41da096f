package uselite

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/cache/embed/internal/gemm"
)

// shortPrompt is a typical chat prompt of about 20 tokens.
const shortPrompt = "Can you explain how the semantic cache decides whether two prompts mean the same thing?"

// BenchmarkEmbedShort measures one short prompt per call and reports the median and 99th
// percentile of wall time and of the calling thread's CPU time (the latter is what one
// core spends, whatever else the machine runs); "go" is the same model with the portable
// Go matrix kernel, the baseline of the run. Run on one core:
//
//	go test -run '^$' -bench EmbedShort -benchtime 300x -cpu 1 ./cache/embed/uselite
func BenchmarkEmbedShort(b *testing.B) {
	e := testEmbedder(b)
	for _, kernel := range []string{"go", "best"} {
		b.Run(kernel, func(b *testing.B) {
			defer gemm.ForceGeneric(kernel == "go")()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ctx := context.Background()
			texts := []string{shortPrompt}
			wall := make([]time.Duration, 0, b.N)
			cpu := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			for b.Loop() {
				t0, c0 := time.Now(), threadCPUTime()
				if _, err := e.Embed(ctx, texts); err != nil {
					b.Fatal(err)
				}
				cpu = append(cpu, threadCPUTime()-c0)
				wall = append(wall, time.Since(t0))
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			slices.Sort(wall)
			slices.Sort(cpu)
			b.ReportMetric(ms(wall[len(wall)/2]), "p50-ms")
			b.ReportMetric(ms(wall[len(wall)*99/100]), "p99-ms")
			b.ReportMetric(ms(cpu[len(cpu)/2]), "p50-cpu-ms")
			b.ReportMetric(ms(cpu[len(cpu)*99/100]), "p99-cpu-ms")
			b.ReportMetric(float64(len(e.Tokenize(shortPrompt))), "tokens")
		})
	}
}

// BenchmarkEmbedBatch measures throughput when texts arrive in batches.
func BenchmarkEmbedBatch(b *testing.B) {
	e := testEmbedder(b)
	ctx := context.Background()
	for _, n := range []int{1, 4, 16, 64} {
		texts := make([]string, n)
		for i := range texts {
			texts[i] = fmt.Sprintf("%s (variant %d)", shortPrompt, i)
		}
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			cpu0 := cpuTime()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Embed(ctx, texts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "texts/s")
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "texts/cpu-s")
			}
		})
	}
}

// BenchmarkEmbedLong measures a text filling the 128-token window.
func BenchmarkEmbedLong(b *testing.B) {
	e := testEmbedder(b)
	texts := []string{strings.Repeat("the semantic cache answers paraphrased prompts ", 30)}
	cpu0 := cpuTime()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Embed(context.Background(), texts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkTokenize measures the tokenizer alone.
func BenchmarkTokenize(b *testing.B) {
	e := testEmbedder(b)
	var st tokState
	b.ReportAllocs()
	for b.Loop() {
		e.m.tok.encode(&st, shortPrompt)
	}
}

// BenchmarkLoad measures loading the embedded weights (decode half floats, pack matrices,
// build the tokenizer).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}
