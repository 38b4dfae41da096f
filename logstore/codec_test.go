package logstore_test

import (
	"reflect"
	"testing"

	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

func TestCodecRoundTripAndTruncation(t *testing.T) {
	for i, want := range logstoretest.Fixture(200) {
		b := logstore.AppendRecord(nil, &want)
		var got logstore.Record
		if err := logstore.DecodeRecord(b, &got); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !reflect.DeepEqual(logstoretest.Normalized(got), logstoretest.Normalized(want)) {
			t.Fatalf("record %d:\n got %+v\nwant %+v", i, got, want)
		}
		if i%20 == 0 {
			for n := 0; n < len(b); n++ {
				if err := logstore.DecodeRecord(b[:n], &got); err == nil {
					t.Fatalf("record %d cut at %d decoded without error", i, n)
				}
			}
		}
	}
}
