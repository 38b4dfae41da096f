package logstore_test

import (
	"testing"

	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/internal/spool"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

// BenchmarkSpool measures the disk spool as the Batcher uses it: encoding records and
// appending them in batches of 500 (write), and reading, checking and decoding them back
// (replay). Each reports records/s and MB/s. The baseline is the codec alone (no disk),
// measured in the same run.
func BenchmarkSpool(b *testing.B) {
	recs := logstoretest.Fixture(500)
	var size int64
	for i := range recs {
		size += int64(len(logstore.AppendRecord(nil, &recs[i])))
	}
	b.Run("codec-baseline", func(b *testing.B) {
		var buf []byte
		var r logstore.Record
		b.ReportAllocs()
		for b.Loop() {
			for i := range recs {
				buf = logstore.AppendRecord(buf[:0], &recs[i])
				if err := logstore.DecodeRecord(buf, &r); err != nil {
					b.Fatal(err)
				}
			}
		}
		report(b, len(recs), size)
	})
	for _, policy := range []struct {
		name string
		p    spool.SyncPolicy
	}{{"write-fsync-interval", spool.SyncInterval}, {"write-fsync-always", spool.SyncAlways}} {
		b.Run(policy.name, func(b *testing.B) {
			s, err := spool.Open(b.TempDir(), spool.Options{Sync: policy.p, MaxBytes: 1 << 40})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var enc []byte
			payloads := make([][]byte, len(recs))
			b.ReportAllocs()
			for b.Loop() {
				enc = enc[:0]
				offs := make([]int, len(recs)+1)
				for i := range recs {
					offs[i] = len(enc)
					enc = logstore.AppendRecord(enc, &recs[i])
				}
				offs[len(recs)] = len(enc)
				for i := range recs {
					payloads[i] = enc[offs[i]:offs[i+1]]
				}
				if _, err := s.Append(payloads); err != nil {
					b.Fatal(err)
				}
			}
			report(b, len(recs), size)
		})
	}
	b.Run("replay", func(b *testing.B) {
		s, err := spool.Open(b.TempDir(), spool.Options{MaxBytes: 1 << 40})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		payloads := make([][]byte, len(recs))
		for i := range recs {
			payloads[i] = logstore.AppendRecord(nil, &recs[i])
		}
		for range b.N {
			if _, err := s.Append(payloads); err != nil {
				b.Fatal(err)
			}
		}
		var r logstore.Record
		b.ReportAllocs()
		b.ResetTimer()
		n := 0
		for {
			ps, err := s.Next(500)
			if err != nil {
				b.Fatal(err)
			}
			if len(ps) == 0 {
				break
			}
			for _, p := range ps {
				if err := logstore.DecodeRecord(p, &r); err != nil {
					b.Fatal(err)
				}
			}
			n += len(ps)
			s.Ack()
		}
		if n != b.N*len(recs) {
			b.Fatalf("replayed %d, want %d", n, b.N*len(recs))
		}
		report(b, len(recs), size)
	})
}

func report(b *testing.B, perOp int, bytesPerOp int64) {
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*perOp)/sec, "records/s")
	b.ReportMetric(float64(int64(b.N)*bytesPerOp)/sec/1e6, "MB/s")
}

// BenchmarkTryAdd is the Batcher's share of the request path, with a running flusher.
func BenchmarkTryAdd(b *testing.B) {
	sink := logstoretest.NewMemStore()
	bat, err := logstore.NewBatcher(sink, logstore.BatcherConfig{QueueSize: 1 << 20, BatchRows: 10000, SpoolDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	r := logstoretest.Fixture(1)[0]
	b.ReportAllocs()
	for b.Loop() {
		rec := r
		bat.TryAdd(&rec)
	}
	b.StopTimer()
	bat.Close(b.Context())
}
