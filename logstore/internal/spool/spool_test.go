package spool

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

func payloads(from, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(fmt.Sprintf("record-%06d-%s", from+i, bytes.Repeat([]byte{'x'}, (from+i)%50)))
	}
	return out
}

// drain replays everything, acknowledging each batch.
func drain(t *testing.T, s *Spool, max int) [][]byte {
	t.Helper()
	var out [][]byte
	for {
		ps, err := s.Next(max)
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if len(ps) == 0 {
			return out
		}
		for _, p := range ps {
			out = append(out, bytes.Clone(p))
		}
		s.Ack()
	}
}

func assertSame(t *testing.T, got, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d payloads, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("payload %d: %q, want %q", i, got[i], want[i])
		}
	}
}

func TestAppendReplayInOrderAcrossSegmentsAndRestart(t *testing.T) {
	for _, tc := range []struct {
		name    string
		segment int64
		policy  SyncPolicy
		batch   int
	}{
		{"one segment", 1 << 20, SyncInterval, 7},
		{"many small segments", 256, SyncAlways, 3},
		{"no fsync", 1024, SyncNever, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(dir, Options{SegmentBytes: tc.segment, Sync: tc.policy})
			if err != nil {
				t.Fatal(err)
			}
			want := payloads(0, 100)
			for i := 0; i < len(want); i += 10 {
				if n, err := s.Append(want[i : i+10]); n != 10 || err != nil {
					t.Fatalf("Append: %d, %v", n, err)
				}
			}
			assertSame(t, drain(t, s, tc.batch), want)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s2, err := Open(dir, Options{SegmentBytes: tc.segment})
			if err != nil {
				t.Fatal(err)
			}
			if !s2.Empty() {
				t.Fatalf("spool not empty after a full replay: %+v", s2.Stats())
			}
			more := payloads(100, 50)
			if _, err := s2.Append(more); err != nil {
				t.Fatal(err)
			}
			s2.Close()
			s3, err := Open(dir, Options{SegmentBytes: tc.segment})
			if err != nil {
				t.Fatal(err)
			}
			assertSame(t, drain(t, s3, tc.batch), more)
			if st := s3.Stats(); st.Bytes != 0 || st.CorruptRegions != 0 {
				t.Fatalf("after replay: %+v", st)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 0 {
				t.Fatalf("replayed segments left on disk: %d files", len(entries))
			}
		})
	}
}

func TestNextWithoutAckRepeats(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := payloads(0, 10)
	s.Append(want)
	a, _ := s.Next(4)
	first := [][]byte{bytes.Clone(a[0]), bytes.Clone(a[3])}
	b, _ := s.Next(4) // a failed replay: same records again
	if !bytes.Equal(b[0], first[0]) || !bytes.Equal(b[3], first[1]) {
		t.Fatalf("Next without Ack moved on: %q", b[0])
	}
	s.Ack()
	assertSame(t, drain(t, s, 4), want[4:])
}

func TestSizeBound(t *testing.T) {
	s, err := Open(t.TempDir(), Options{MaxBytes: 1000, SegmentBytes: 400})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Append(payloads(0, 100))
	if err != ErrFull || n == 0 || n >= 100 {
		t.Fatalf("Append past the bound: n=%d err=%v; want some written and ErrFull", n, err)
	}
	if st := s.Stats(); st.Bytes > 1000 {
		t.Fatalf("spool holds %d bytes, bound is 1000", st.Bytes)
	}
	assertSame(t, drain(t, s, 10), payloads(0, n))
	if n2, err := s.Append(payloads(0, 1)); n2 != 1 || err != nil {
		t.Fatalf("Append after replay freed space: %d, %v", n2, err)
	}
}

func TestCorruptionIsDetectedAndGoodRecordsSurvive(t *testing.T) {
	for _, tc := range []struct {
		name string
		// damage edits the segment file's bytes; it returns the indexes of the payloads
		// that must survive.
		damage      func(data []byte, offsets []int) ([]byte, []int)
		wantRegions int64
	}{
		{"flipped byte in a payload", func(d []byte, off []int) ([]byte, []int) {
			d[off[5]+frameHeader+3] ^= 0xff
			return d, without(20, 5)
		}, 1},
		{"bad length", func(d []byte, off []int) ([]byte, []int) {
			d[off[9]+4] = 0xff
			return d, without(20, 9)
		}, 1},
		{"torn tail", func(d []byte, off []int) ([]byte, []int) {
			return d[:off[19]+frameHeader+2], without(20, 19)
		}, 1},
		{"two bad regions", func(d []byte, off []int) ([]byte, []int) {
			d[off[2]] ^= 0x01
			d[off[12]+10] ^= 0x01
			return d, without(20, 2, 12)
		}, 2},
		{"zeroed middle", func(d []byte, off []int) ([]byte, []int) {
			for i := off[3]; i < off[7]; i++ {
				d[i] = 0
			}
			return d, without(20, 3, 4, 5, 6)
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var reported []Corruption
			s, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			all := payloads(0, 20)
			s.Append(all)
			s.Close()
			files, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
			sort.Strings(files)
			data, _ := os.ReadFile(files[0])
			var offsets []int
			pos := len(header)
			for _, p := range all {
				offsets = append(offsets, pos)
				pos += frameHeader + len(p)
			}
			data, keep := tc.damage(data, offsets)
			os.WriteFile(files[0], data, 0o640)

			s2, err := Open(dir, Options{OnCorrupt: func(c Corruption) { reported = append(reported, c) }})
			if err != nil {
				t.Fatal(err)
			}
			var want [][]byte
			for _, i := range keep {
				want = append(want, all[i])
			}
			assertSame(t, drain(t, s2, 3), want)
			if int64(len(reported)) != tc.wantRegions || s2.Stats().CorruptRegions != tc.wantRegions {
				t.Fatalf("reported %v (stats %+v), want %d regions", reported, s2.Stats(), tc.wantRegions)
			}
			for _, c := range reported {
				if c.Bytes <= 0 || c.Segment != files[0] {
					t.Fatalf("bad report %v", c)
				}
			}
		})
	}
}

func without(n int, skip ...int) []int {
	var out []int
	for i := 0; i < n; i++ {
		drop := false
		for _, s := range skip {
			drop = drop || s == i
		}
		if !drop {
			out = append(out, i)
		}
	}
	return out
}
