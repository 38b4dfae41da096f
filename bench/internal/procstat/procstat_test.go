package procstat

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name, line string
		want       time.Duration
		wantErr    bool
	}{
		{"plain", "1234 (muninn) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 100 1000 200", 3 * time.Second, false},
		{"name with spaces and parens", "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 1 1 1", 30 * time.Millisecond, false},
		{"truncated", "7 (x) R 1 2", 0, true},
		{"no name", "garbage", 0, true},
		{"bad number", "7 (x) R 1 1 1 0 -1 0 0 0 0 0 zz 2 0", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStat([]byte(tc.line))
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("parseStat = %v, %v; want %v, err %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	m, err := parseStatus([]byte("Name:\tmuninn\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\nThreads: 8\n"))
	if err != nil || m.Peak != 20<<20 || m.RSS != 10<<20 {
		t.Fatalf("parseStatus = %+v, %v", m, err)
	}
	for _, bad := range []string{"Name: x\n", "VmRSS:\nVmHWM: 1 kB\n", "VmRSS: x kB\nVmHWM: 1 kB\n"} {
		if _, err := parseStatus([]byte(bad)); err == nil {
			t.Errorf("parseStatus(%q) succeeded", bad)
		}
	}
}

func TestOwnProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	pid := os.Getpid()
	m, err := Mem(pid)
	if err != nil || m.RSS <= 0 || m.Peak < m.RSS {
		t.Fatalf("Mem = %+v, %v", m, err)
	}
	if err := ResetPeak(pid); err != nil {
		t.Fatal(err)
	}
	if _, err := CPU(pid); err != nil {
		t.Fatal(err)
	}
	if _, err := CPU(-1); err == nil {
		t.Fatal("CPU of pid -1 succeeded")
	}
}
