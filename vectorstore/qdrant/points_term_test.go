package qdrant

import (
	"strings"
	"testing"
)

func TestTermHashesLongValues(t *testing.T) {
	short, long := "acme", strings.Repeat("x", maxTermValue+1)
	if got := term("tenant", short); got != "6:tenant=acme" {
		t.Fatalf("short term %q", got)
	}
	lt := term("resp", long)
	if strings.Contains(lt, long) || !strings.HasPrefix(lt, "4:resp#") || len(lt) > 80 {
		t.Fatalf("long value indexed as %q", lt)
	}
	if lt != term("resp", long) || lt == term("resp", long+"y") {
		t.Fatal("hashed terms must be stable and distinct")
	}
}
