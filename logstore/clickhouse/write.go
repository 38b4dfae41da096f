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
	for i := range recs {
		r := &recs[i]
		if err := batch.Append(r.RequestID, r.TimeMs, r.Duration.Microseconds(), r.TTFB.Microseconds(),
			r.Endpoint, r.Tenant, r.User, r.Session, nonNil(r.Tags), jsonText(r.Metadata),
			r.Provider, r.RequestedModel, r.Model, r.KeyName, uint16(r.Status), r.ErrorType, r.ErrorMessage,
			jsonText(r.Attempts), b8(r.Stream),
			r.PromptTokens, r.CompletionTokens, r.CachedTokens, r.CacheWriteTokens, r.ReasoningTokens,
			r.CostNanoUSD, b8(r.CostUnknown), r.CacheStatus, r.Similarity, r.CacheEntryID, r.SavedCostNanoUSD,
			r.SavedLatency.Microseconds(), r.TraceID, r.SpanID, r.RequestBody, r.ResponseBody,
			b8(r.RequestTruncated), b8(r.ResponseTruncated)); err != nil {
			// A value the column cannot hold: final for this record.
			return fmt.Errorf("clickhouse log store: append record %s: %w", r.RequestID, err)
		}
	}
	if err := batch.Send(); err != nil {
		return classify("clickhouse log store: insert", err)
	}
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
