package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/muninn-gw/muninn/logstore"
)

// existCheckChunk bounds the ids per existence query (ClickHouse's max_query_size).
const existCheckChunk = 1000

// WriteBatch inserts recs as one native batch. A replay (logstore.IsReplay) first drops
// the records already stored.
func (s *Store) WriteBatch(ctx context.Context, recs []logstore.Record) error {
	if len(recs) == 0 {
		return nil
	}
	if err := s.ensureSchema(ctx); err != nil {
		return err
	}
	if logstore.IsReplay(ctx) {
		fresh, err := s.withoutStored(ctx, recs)
		if err != nil {
			return err
		}
		if len(fresh) == 0 {
			return nil
		}
		recs = fresh
	}
	batch, err := s.conn.PrepareBatch(ctx, insertSQL(s.db))
	if err != nil {
		return classify("clickhouse log store: prepare insert", err)
	}
	defer batch.Abort()
	// Column-wise: one typed slice per column, no per-value boxing.
	for i, col := range columnsOf(recs) {
		if err := batch.Column(i).Append(col); err != nil {
			// A value the column cannot hold: final, the Batcher isolates the record.
			return fmt.Errorf("clickhouse log store: append column %d: %w", i, err)
		}
	}
	if err := batch.Send(); err != nil {
		return classify("clickhouse log store: insert", err)
	}
	s.maybePurge(ctx)
	return nil
}

// withoutStored returns the records of recs not yet in the table.
func (s *Store) withoutStored(ctx context.Context, recs []logstore.Record) ([]logstore.Record, error) {
	type key struct {
		id string
		ts int64
	}
	stored := map[key]bool{}
	for start := 0; start < len(recs); start += existCheckChunk {
		chunk := recs[start:min(start+existCheckChunk, len(recs))]
		ids := make([]string, len(chunk))
		minMs, maxMs := chunk[0].TimeMs, chunk[0].TimeMs
		for i := range chunk {
			ids[i] = chunk[i].RequestID
			minMs, maxMs = min(minMs, chunk[i].TimeMs), max(maxMs, chunk[i].TimeMs)
		}
		rows, err := s.conn.Query(ctx, existingSQL(s.db, ids, minMs, maxMs))
		if err != nil {
			return nil, classify("clickhouse log store: check replayed records", err)
		}
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.id, &k.ts); err != nil {
				rows.Close()
				return nil, classify("clickhouse log store: check replayed records", err)
			}
			stored[k] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, classify("clickhouse log store: check replayed records", err)
		}
	}
	if len(stored) == 0 {
		return recs, nil
	}
	fresh := make([]logstore.Record, 0, len(recs)-len(stored))
	seen := map[key]bool{}
	for i := range recs {
		k := key{recs[i].RequestID, recs[i].TimeMs}
		if stored[k] || seen[k] {
			continue
		}
		seen[k] = true
		fresh = append(fresh, recs[i])
	}
	return fresh, nil
}

// columnsOf returns the batch as one slice per column, in selectColumns order.
func columnsOf(recs []logstore.Record) []any {
	n := len(recs)
	str := func(f func(r *logstore.Record) string) []string {
		out := make([]string, n)
		for i := range recs {
			out[i] = f(&recs[i])
		}
		return out
	}
	i64 := func(f func(r *logstore.Record) int64) []int64 {
		out := make([]int64, n)
		for i := range recs {
			out[i] = f(&recs[i])
		}
		return out
	}
	u8 := func(f func(r *logstore.Record) bool) []uint8 {
		out := make([]uint8, n)
		for i := range recs {
			out[i] = b8(f(&recs[i]))
		}
		return out
	}
	tags := make([][]string, n)
	status := make([]uint16, n)
	sim := make([]float32, n)
	for i := range recs {
		tags[i], status[i], sim[i] = nonNil(recs[i].Tags), uint16(recs[i].Status), recs[i].Similarity
	}
	return []any{
		str(func(r *logstore.Record) string { return r.RequestID }),
		i64(func(r *logstore.Record) int64 { return r.TimeMs }),
		i64(func(r *logstore.Record) int64 { return r.Duration.Microseconds() }),
		i64(func(r *logstore.Record) int64 { return r.TTFB.Microseconds() }),
		str(func(r *logstore.Record) string { return r.Endpoint }),
		str(func(r *logstore.Record) string { return r.Tenant }),
		str(func(r *logstore.Record) string { return r.User }),
		str(func(r *logstore.Record) string { return r.Session }),
		tags,
		str(func(r *logstore.Record) string { return jsonText(r.Metadata) }),
		str(func(r *logstore.Record) string { return r.Provider }),
		str(func(r *logstore.Record) string { return r.RequestedModel }),
		str(func(r *logstore.Record) string { return r.Model }),
		str(func(r *logstore.Record) string { return r.KeyName }),
		status,
		str(func(r *logstore.Record) string { return r.ErrorType }),
		str(func(r *logstore.Record) string { return r.ErrorMessage }),
		str(func(r *logstore.Record) string { return jsonText(r.Attempts) }),
		u8(func(r *logstore.Record) bool { return r.Stream }),
		i64(func(r *logstore.Record) int64 { return r.PromptTokens }),
		i64(func(r *logstore.Record) int64 { return r.CompletionTokens }),
		i64(func(r *logstore.Record) int64 { return r.CachedTokens }),
		i64(func(r *logstore.Record) int64 { return r.CacheWriteTokens }),
		i64(func(r *logstore.Record) int64 { return r.ReasoningTokens }),
		i64(func(r *logstore.Record) int64 { return r.CostNanoUSD }),
		u8(func(r *logstore.Record) bool { return r.CostUnknown }),
		str(func(r *logstore.Record) string { return r.CacheStatus }),
		sim,
		str(func(r *logstore.Record) string { return r.CacheEntryID }),
		i64(func(r *logstore.Record) int64 { return r.SavedCostNanoUSD }),
		i64(func(r *logstore.Record) int64 { return r.SavedLatency.Microseconds() }),
		str(func(r *logstore.Record) string { return r.TraceID }),
		str(func(r *logstore.Record) string { return r.SpanID }),
		str(func(r *logstore.Record) string { return r.RequestBody }),
		str(func(r *logstore.Record) string { return r.ResponseBody }),
		u8(func(r *logstore.Record) bool { return r.RequestTruncated }),
		u8(func(r *logstore.Record) bool { return r.ResponseTruncated }),
	}
}

func b8(v bool) uint8 {
	if v {
		return 1
	}
	return 0
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func jsonText(v any) string {
	switch x := v.(type) {
	case map[string]string:
		if len(x) == 0 {
			return ""
		}
	case []logstore.Attempt:
		if len(x) == 0 {
			return ""
		}
	}
	b, _ := json.Marshal(v) // strings, ints and bools only: cannot fail
	return string(b)
}
