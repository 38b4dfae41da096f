//go:build linux

package uselite

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// rssBytes reads the resident set size from /proc/self/status.
func rssBytes(t testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("VmRSS not found")
	return 0
}

// BenchmarkModelRSS reports the resident memory a freshly loaded model adds (weights,
// scratch for a short prompt, the embedded file's pages), after a GC has returned the
// loader's temporary buffers to the OS.
//
//	go test -run '^$' -bench ModelRSS -benchtime 1x ./cache/embed/uselite
func BenchmarkModelRSS(b *testing.B) {
	for b.Loop() {
		runtime.GC()
		debug.FreeOSMemory()
		before := rssBytes(b)
		e, err := New()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Embed(context.Background(), []string{shortPrompt}); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		debug.FreeOSMemory()
		after := rssBytes(b)
		runtime.KeepAlive(e)
		b.ReportMetric(float64(after-before)/(1<<20), "rss-MB")
	}
}
