package clickhouse

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Exec runs a statement (administration and tests).
func (s *Store) Exec(ctx context.Context, sql string) error {
	if err := s.conn.Exec(ctx, sql); err != nil {
		return classify("clickhouse log store: exec", err)
	}
	return nil
}

// QueryRow runs a query and scans its first row into dest.
func (s *Store) QueryRow(ctx context.Context, sql string, dest ...any) error {
	if err := s.conn.QueryRow(ctx, sql).Scan(dest...); err != nil {
		return classify("clickhouse log store: query", err)
	}
	return nil
}

// CountRows runs a query and returns how many rows it produced.
func (s *Store) CountRows(ctx context.Context, sql string) (int, error) {
	rows, err := s.conn.Query(ctx, sql)
	if err != nil {
		return 0, classify("clickhouse log store: query", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// BindRange replaces $from and $to in a dashboard query with Unix seconds.
func BindRange(q string, from, to time.Time) string {
	return strings.NewReplacer("$from", strconv.FormatInt(from.Unix(), 10), "$to", strconv.FormatInt(to.Unix(), 10)).Replace(q)
}
