package cache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestJournalCompaction(t *testing.T) {
	dir := t.TempDir()
	var n int
	j, _, err := openJournal(dir, func(byte, *Entry, string) { n++ })
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	live := &Entry{ID: "keep", Response: []byte(`{}`), Expires: now.Add(time.Hour)}
	dead := &Entry{ID: "old", Response: []byte(`{}`), Expires: now.Add(-time.Hour)}
	for range 1500 {
		if err := j.appendPut(live); err != nil {
			t.Fatal(err)
		}
	}
	if !j.needsCompaction(1) {
		t.Fatal("1500 records for 1 live entry should need compaction")
	}
	before := j.size
	if err := j.compact([]*Entry{live, dead}, now); err != nil {
		t.Fatal(err)
	}
	if j.size >= before/100 || j.records != 1 {
		t.Fatalf("after compaction: %d bytes (was %d), %d records", j.size, before, j.records)
	}
	j.appendDelete("nothing") // appends keep working after the swap
	j.close()
	var ids []string
	if _, _, err := openJournal(dir, func(op byte, e *Entry, id string) {
		if op == 'P' {
			ids = append(ids, id)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0] != "keep" {
		t.Fatalf("replayed %v", ids)
	}
}

// TestCrashWithoutClose reopens the data directory while the first cache is still open,
// as after a kill -9: every store that was written is there.
func TestCrashWithoutClose(t *testing.T) {
	dir := t.TempDir()
	c1, err := New(Config{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close(context.Background())
	res := c1.Lookup(context.Background(), userReq("a", "What is Go?"), LookupOptions{})
	c1.Store(res, StoreInput{Response: []byte(`{"a":1}`)})
	c1.Flush(context.Background())

	c2, err := New(Config{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close(context.Background())
	if got := c2.Lookup(context.Background(), userReq("a", "What is Go?"), LookupOptions{}); got.Status != StatusHitExact {
		t.Fatalf("after a crash: %s", got.Status)
	}
	if _, err := os.Stat(filepath.Join(dir, journalName)); err != nil {
		t.Fatal(err)
	}
}
