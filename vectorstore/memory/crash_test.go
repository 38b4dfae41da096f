package memory_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/memory"
)

const (
	crashDirEnv  = "MUNINN_VECTORSTORE_CRASH_DIR"
	crashModeEnv = "MUNINN_VECTORSTORE_CRASH_FSYNC"
	crashDim     = 32
	crashBatch   = 10
)

// crashDeleted: the writer deletes these points right after writing them.
func crashDeleted(i int) bool { return i%17 == 0 }

// TestCrashRecovery runs a writer in a child process (this test binary again), kills it
// with SIGKILL in the middle of writing, and checks the directory: every point
// acknowledged before the kill is there intact (or deleted, as the writer did), points
// in flight are either absent or intact, and nothing else is there.
func TestCrashRecovery(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashWriter(dir, os.Getenv(crashModeEnv))
		return
	}
	tests := []struct {
		fsync string
		kills []int // acknowledged points after which to kill, one run each
	}{
		{memory.FsyncAlways, []int{700}},
		{memory.FsyncInterval, []int{1000}},
		{memory.FsyncNever, []int{500}},
	}
	for _, tc := range tests {
		for _, killAt := range tc.kills {
			t.Run(fmt.Sprintf("%s/%d", tc.fsync, killAt), func(t *testing.T) {
				dir := t.TempDir()
				acked := runAndKill(t, dir, tc.fsync, killAt)
				s := open(t, memory.Config{Dir: dir, ExactThreshold: 100000})
				defer s.Close()
				verifyCrashDir(t, s, acked)
			})
		}
	}
}

// runAndKill starts the writer, waits for killAt acknowledged points, kills it and
// returns the last acknowledgement it read.
func runAndKill(t *testing.T, dir, fsync string, killAt int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashRecovery$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashModeEnv+"="+fsync)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := -1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "acked "); ok {
			acked, _ = strconv.Atoi(n)
			if acked >= killAt {
				break
			}
		}
	}
	// Killed while it keeps writing: the kill lands mid-batch, mid-flush or
	// mid-snapshot.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if acked < killAt {
		t.Fatalf("writer stopped after %d acknowledged points", acked)
	}
	return acked
}

func verifyCrashDir(t *testing.T, s *memory.Store, acked int) {
	t.Helper()
	ctx := context.Background()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	present := 0
	for i := 0; i < acked+100000 && present < st.Points; i++ {
		p, err := s.Get(ctx, "crash", pid(i))
		if err != nil {
			if i < acked && !crashDeleted(i) {
				t.Fatalf("acknowledged point %s lost (acked %d): %v", pid(i), acked, err)
			}
			if i >= acked && !crashDeleted(i) {
				// Points after the acknowledged ones are kept in order: the first
				// missing one ends them.
				break
			}
			continue
		}
		present++
		if i < acked && crashDeleted(i) {
			t.Fatalf("point %s deleted before the acknowledgement is back", pid(i))
		}
		if c := vectorstore.Cosine(p.Vector, vec(i, crashDim)); c < 0.9999 || p.Payload["n"] != strconv.Itoa(i) {
			t.Fatalf("point %s corrupt: cosine %v, payload %v", pid(i), c, p.Payload)
		}
	}
	if present != st.Points {
		t.Fatalf("store has %d points, %d of them expected ones", st.Points, present)
	}
	// Searching works on the recovered store.
	m, err := s.Search(ctx, "crash", vec(1, crashDim), 1, nil)
	if err != nil || len(m) != 1 || m[0].ID != pid(1) {
		t.Fatalf("search after recovery: %v %v", m, err)
	}
	t.Logf("acknowledged %d, recovered %d", acked, st.Points)
}

// crashWriter writes until it is killed, printing "acked N" once points [0, N) are
// durable: after each Upsert with FsyncAlways, after an explicit Flush otherwise.
func crashWriter(dir, fsync string) {
	s, err := memory.New(memory.Config{
		Dir:            dir,
		Fsync:          fsync,
		FlushInterval:  vectorstore.D(3 * time.Millisecond),
		CompactBytes:   64 << 10, // snapshots while writing
		M:              8,
		EfConstruction: 32,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash writer:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	for b := 0; time.Now().Before(deadline); b++ {
		var pts []vectorstore.Point
		var del []string
		for i := b * crashBatch; i < (b+1)*crashBatch; i++ {
			pts = append(pts, vectorstore.Point{ID: pid(i), Vector: vec(i, crashDim), Payload: map[string]string{"n": strconv.Itoa(i)}})
			if crashDeleted(i) {
				del = append(del, pid(i))
			}
		}
		if err := s.Upsert(ctx, "crash", pts); err != nil {
			fmt.Fprintln(os.Stderr, "crash writer:", err)
			os.Exit(2)
		}
		if err := s.Delete(ctx, "crash", del); err != nil {
			fmt.Fprintln(os.Stderr, "crash writer:", err)
			os.Exit(2)
		}
		if fsync != memory.FsyncAlways && b%5 == 4 {
			if err := s.Flush(); err != nil {
				fmt.Fprintln(os.Stderr, "crash writer:", err)
				os.Exit(2)
			}
		} else if fsync != memory.FsyncAlways {
			continue
		}
		fmt.Printf("acked %d\n", (b+1)*crashBatch)
	}
	os.Exit(3)
}
