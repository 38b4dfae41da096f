package pgvector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	pgv "github.com/pgvector/pgvector-go"

	"github.com/muninn-gw/muninn/vectorstore"
)

// sweepLoop deletes expired points every interval until Close.
func (s *Store) sweepLoop(every time.Duration) {
	defer s.sweeper.Done()
	vectorstore.SweepEvery(s.stop, every, s.Sweep, func(err error) {
		if !s.closed.Load() {
			slog.Warn("pgvector: background sweep failed", "err", err)
		}
	})
}

// pointTables lists the dimensions that have a point table.
func (s *Store) pointTables(ctx context.Context) ([]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND starts_with(tablename, $2)`,
		s.sc.name, s.sc.prefix+"_d")
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var dims []int
	for _, n := range names {
		if d := s.sc.dimOf(n); d > 0 {
			dims = append(dims, d)
		}
	}
	return dims, nil
}

// Sweep deletes every expired row and reports how many it deleted.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer cancel()
	dims, err := s.pointTables(ctx)
	if err != nil {
		return 0, s.fail(ctx, "sweep", err)
	}
	now := s.now().UnixMilli()
	total := 0
	for _, d := range dims {
		tag, err := s.pool.Exec(ctx, "DELETE FROM "+s.sc.points(d)+" WHERE expires_at <= $1::bigint", now)
		if err != nil {
			return total, s.fail(ctx, "sweep "+s.sc.pointTableName(d), err)
		}
		total += int(tag.RowsAffected())
	}
	return total, nil
}

// Stats counts rows (exactly) and namespaces; Bytes is the tables' total size on disk,
// indexes included.
func (s *Store) Stats(ctx context.Context) (vectorstore.Stats, error) {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return vectorstore.Stats{}, err
	}
	defer cancel()
	dims, err := s.pointTables(ctx)
	if err != nil {
		return vectorstore.Stats{}, s.fail(ctx, "stats", err)
	}
	var st vectorstore.Stats
	for _, d := range dims {
		var n, size int64
		err := s.pool.QueryRow(ctx, "SELECT count(*), pg_total_relation_size($1::regclass) FROM "+s.sc.points(d), s.sc.points(d)).Scan(&n, &size)
		if err != nil {
			return vectorstore.Stats{}, s.fail(ctx, "stats "+s.sc.pointTableName(d), err)
		}
		st.Points += int(n)
		st.Bytes += size
	}
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM "+s.sc.namespaces()).Scan(&st.Namespaces); err != nil {
		return vectorstore.Stats{}, s.fail(ctx, "stats", err)
	}
	return st, nil
}

// DeleteWhere deletes the rows of ns whose payload contains f (all rows for an empty
// filter), expired ones included.
func (s *Store) DeleteWhere(ctx context.Context, ns string, f vectorstore.Filter) (int, error) {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer cancel()
	dim, err := s.namespaceDim(ctx, ns, true)
	if err != nil || dim == 0 {
		return 0, s.fail(ctx, "delete where", err)
	}
	pl, err := payloadArg(f)
	if err != nil {
		return 0, fmt.Errorf("pgvector: delete where: filter: %w", err)
	}
	tag, err := s.pool.Exec(ctx, "DELETE FROM "+s.sc.points(dim)+" WHERE ns = $1 AND payload @> $2::jsonb", ns, pl)
	if err != nil {
		return 0, s.fail(ctx, "delete where", err)
	}
	return int(tag.RowsAffected()), nil
}

// Get returns one live row by ID.
func (s *Store) Get(ctx context.Context, ns, id string) (vectorstore.Point, error) {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return vectorstore.Point{}, err
	}
	defer cancel()
	dim, err := s.namespaceDim(ctx, ns, true)
	if err != nil {
		return vectorstore.Point{}, s.fail(ctx, "get", err)
	}
	if dim == 0 {
		return vectorstore.Point{}, fmt.Errorf("pgvector: get %q from %q: %w", id, ns, vectorstore.ErrNotFound)
	}
	var (
		vec     pgv.Vector
		payload string
		exp     *int64
	)
	err = s.pool.QueryRow(ctx, "SELECT embedding, payload::text, expires_at FROM "+s.sc.points(dim)+
		" WHERE ns = $1 AND id = $2 AND (expires_at IS NULL OR expires_at > $3::bigint)", ns, id, s.now().UnixMilli()).
		Scan(&vec, &payload, &exp)
	if errors.Is(err, pgx.ErrNoRows) {
		return vectorstore.Point{}, fmt.Errorf("pgvector: get %q from %q: %w", id, ns, vectorstore.ErrNotFound)
	}
	if err != nil {
		return vectorstore.Point{}, s.fail(ctx, "get", err)
	}
	p := vectorstore.Point{ID: id, Vector: vec.Slice()}
	if p.Payload, err = decodePayload(payload); err != nil {
		return vectorstore.Point{}, s.fail(ctx, "get: payload", err)
	}
	if exp != nil {
		p.ExpiresAt = time.UnixMilli(*exp)
	}
	return p, nil
}

var (
	_ vectorstore.Sweeper       = (*Store)(nil)
	_ vectorstore.Statser       = (*Store)(nil)
	_ vectorstore.FilterDeleter = (*Store)(nil)
	_ vectorstore.Getter        = (*Store)(nil)
)
