package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/muninn-gw/muninn/logstore"
)

// List returns one page of matching records, newest first.
func (s *Store) List(ctx context.Context, q logstore.ListQuery) (logstore.Page, error) {
	cur, err := q.Normalize()
	if err != nil {
		return logstore.Page{}, err
	}
	if err := s.ensureSchema(ctx); err != nil {
		return logstore.Page{}, err
	}
	// The table is sorted by tenant and model first, so a newest-first page without a
	// lower time bound would read every partition. Try growing windows back from the
	// anchor (the cursor, the upper bound or now): when a window yields a full page, no
	// older record can belong to it; the last attempt has no bound.
	if q.From.IsZero() {
		anchor := time.Now()
		if !q.To.IsZero() && q.To.Before(anchor) {
			anchor = q.To
		}
		if cur != nil && time.UnixMilli(cur.TimeMs).Before(anchor) {
			anchor = time.UnixMilli(cur.TimeMs)
		}
		for _, back := range listWindows {
			w := q
			w.From = anchor.Add(-back)
			recs, err := s.query(ctx, ListSQL(s.db, &w, cur))
			if err != nil {
				return logstore.Page{}, err
			}
			if len(recs) > q.Limit {
				return logstore.FinishPage(recs, q.Limit), nil
			}
		}
	}
	recs, err := s.query(ctx, ListSQL(s.db, &q, cur))
	if err != nil {
		return logstore.Page{}, err
	}
	return logstore.FinishPage(recs, q.Limit), nil
}

// listWindows are the lower bounds List tries, back from its anchor, before reading
// everything.
var listWindows = []time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 31 * 24 * time.Hour}

// Get returns the newest record with the request id.
func (s *Store) Get(ctx context.Context, id string) (logstore.Record, error) {
	if err := s.ensureSchema(ctx); err != nil {
		return logstore.Record{}, err
	}
	recs, err := s.query(ctx, GetSQL(s.db, id))
	if err != nil {
		return logstore.Record{}, err
	}
	if len(recs) == 0 {
		return logstore.Record{}, logstore.ErrNotFound
	}
	return recs[0], nil
}

func (s *Store) query(ctx context.Context, sql string) ([]logstore.Record, error) {
	rows, err := s.conn.Query(ctx, sql)
	if err != nil {
		return nil, classify("clickhouse log store: query", err)
	}
	defer rows.Close()
	var out []logstore.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, classify("clickhouse log store: read rows", err)
	}
	return out, nil
}

func scanRecord(rows driver.Rows) (logstore.Record, error) {
	var r logstore.Record
	var dur, ttfb, saved int64
	var meta, attempts string
	var status uint16
	var stream, unknown, reqTrunc, respTrunc uint8
	if err := rows.Scan(&r.RequestID, &r.TimeMs, &dur, &ttfb, &r.Endpoint, &r.Tenant, &r.User, &r.Session, &r.Tags, &meta,
		&r.Provider, &r.RequestedModel, &r.Model, &r.KeyName, &status, &r.ErrorType, &r.ErrorMessage, &attempts, &stream,
		&r.PromptTokens, &r.CompletionTokens, &r.CachedTokens, &r.CacheWriteTokens, &r.ReasoningTokens,
		&r.CostNanoUSD, &unknown, &r.CacheStatus, &r.Similarity, &r.CacheEntryID, &r.SavedCostNanoUSD, &saved,
		&r.TraceID, &r.SpanID, &r.RequestBody, &r.ResponseBody, &reqTrunc, &respTrunc); err != nil {
		return r, fmt.Errorf("clickhouse log store: scan record: %w", err)
	}
	r.Duration, r.TTFB = time.Duration(dur)*time.Microsecond, time.Duration(ttfb)*time.Microsecond
	r.SavedLatency = time.Duration(saved) * time.Microsecond
	r.Status = int(status)
	r.Stream, r.CostUnknown, r.RequestTruncated, r.ResponseTruncated = stream == 1, unknown == 1, reqTrunc == 1, respTrunc == 1
	if len(r.Tags) == 0 {
		r.Tags = nil
	}
	if meta != "" {
		if err := json.Unmarshal([]byte(meta), &r.Metadata); err != nil {
			return r, fmt.Errorf("clickhouse log store: decode metadata of %s: %w", r.RequestID, err)
		}
	}
	if attempts != "" {
		if err := json.Unmarshal([]byte(attempts), &r.Attempts); err != nil {
			return r, fmt.Errorf("clickhouse log store: decode attempts of %s: %w", r.RequestID, err)
		}
	}
	return r, nil
}

// Stats aggregates matching records per bucket and group, with exact latency quantiles.
func (s *Store) Stats(ctx context.Context, q logstore.StatsQuery) ([]logstore.StatsRow, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if err := s.ensureSchema(ctx); err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, StatsSQL(s.db, &q))
	if err != nil {
		return nil, classify("clickhouse log store: stats", err)
	}
	defer rows.Close()
	out := []logstore.StatsRow{}
	for rows.Next() {
		var r logstore.StatsRow
		var b, saved int64
		var lat []int64
		if err := rows.Scan(&b, &r.Group, &r.Requests, &r.Errors, &r.PromptTokens, &r.CompletionTokens, &r.CachedTokens,
			&r.CacheWriteTokens, &r.ReasoningTokens, &r.CostNanoUSD, &r.CostUnknown, &r.CacheExactHits,
			&r.CacheSemanticHits, &r.CacheMisses, &r.SavedCostNanoUSD, &saved, &lat); err != nil {
			return nil, fmt.Errorf("clickhouse log store: scan stats: %w", err)
		}
		r.BucketStart = time.UnixMilli(b).UTC()
		r.SavedLatency = time.Duration(saved) * time.Microsecond
		if len(lat) == len(logstore.Quantiles) {
			r.LatencyP50 = time.Duration(lat[0]) * time.Microsecond
			r.LatencyP90 = time.Duration(lat[1]) * time.Microsecond
			r.LatencyP99 = time.Duration(lat[2]) * time.Microsecond
		}
		r.FinishRates()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, classify("clickhouse log store: stats rows", err)
	}
	return out, nil
}
