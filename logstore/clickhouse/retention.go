package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// purgeEvery is how often a store on a server without TTL drops expired partitions.
const purgeEvery = time.Hour

// Purge applies the retention on servers without table TTL: it drops every monthly
// partition of the logs and rollup tables whose whole month is older than the
// retention. On servers with TTL (and without a retention) it does nothing.
func (s *Store) Purge(ctx context.Context) error {
	s.mu.Lock()
	f, ready := s.features, s.ready
	s.lastPurge = time.Now()
	s.mu.Unlock()
	if !ready || f.TTL || s.retention <= 0 {
		return nil
	}
	cutoff := time.Now().Add(-s.retention).UTC()
	for _, table := range []string{TableLogs, TableHourly} {
		rows, err := s.conn.Query(ctx, fmt.Sprintf("SELECT DISTINCT partition FROM system.parts WHERE database = %s AND table = %s AND active", quote(s.db), quote(table)))
		if err != nil {
			return classify("clickhouse log store: list partitions", err)
		}
		var parts []string
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return classify("clickhouse log store: list partitions", err)
			}
			parts = append(parts, p)
		}
		rows.Close()
		for _, p := range parts {
			ym, err := strconv.Atoi(p)
			if err != nil || ym < 190001 {
				continue
			}
			monthEnd := time.Date(ym/100, time.Month(ym%100)+1, 1, 0, 0, 0, 0, time.UTC)
			if !monthEnd.Before(cutoff) {
				continue
			}
			if err := s.conn.Exec(ctx, fmt.Sprintf("ALTER TABLE %s.%s DROP PARTITION %d", ident(s.db), table, ym)); err != nil {
				return classify("clickhouse log store: drop expired partition", err)
			}
		}
	}
	return nil
}

// maybePurge runs Purge at most once per purgeEvery, after a write.
func (s *Store) maybePurge(ctx context.Context) {
	s.mu.Lock()
	due := s.retention > 0 && !s.features.TTL && time.Since(s.lastPurge) >= purgeEvery
	s.mu.Unlock()
	if due {
		_ = s.Purge(ctx) // best effort: tried again next hour
	}
}
