package pgvector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pgv "github.com/pgvector/pgvector-go"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Kind is the name the backend registers under.
const Kind = "pgvector"

func init() {
	vectorstore.Register(Kind, func(ctx context.Context, raw json.RawMessage) (vectorstore.Store, error) {
		cfg, err := ParseConfig(raw)
		if err != nil {
			return nil, err
		}
		return Open(ctx, cfg)
	})
}

// tieSlack is how many extra rows Search reads so that rows tied in distance with the
// k-th can be ordered by ID: an ORDER BY with a second key would stop Postgres from
// using the HNSW index.
const tieSlack = 8

// Store is a vectorstore.Store on Postgres with pgvector. Safe for concurrent use.
type Store struct {
	cfg    Config
	sc     schema
	pool   *pgxpool.Pool
	now    func() time.Time
	pgvVer string // the server's pgvector version
	iter   string // hnsw.iterative_scan in effect ("off" when unsupported)

	mu     sync.RWMutex
	dims   map[string]int // namespace -> dimension, as read from the registry
	tables map[int]bool   // point tables known to exist
	sqlMu  sync.Mutex
	sqls   map[[2]int]string // (dim, rows) -> upsert statement

	ownsPool  bool
	closed    atomic.Bool
	closeOnce sync.Once
	stop      chan struct{}
	sweeper   sync.WaitGroup
}

func (s *Store) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.cfg.Timeout.Duration > 0 {
		return context.WithTimeout(ctx, s.cfg.Timeout.Duration)
	}
	return context.WithCancel(ctx)
}

func (s *Store) begin(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if s.closed.Load() {
		return nil, nil, fmt.Errorf("pgvector: %w", vectorstore.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("pgvector: %w", err)
	}
	ctx, cancel := s.withTimeout(ctx)
	return ctx, cancel, nil
}

func (s *Store) fail(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, vectorstore.ErrDimensionMismatch) || errors.Is(err, vectorstore.ErrInvalidArgument) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("pgvector: %s: %w", op, err)
	}
	if s.closed.Load() {
		return fmt.Errorf("pgvector: %s: %w", op, vectorstore.ErrClosed)
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("pgvector: %s: %w (%v)", op, cerr, err)
	}
	return fmt.Errorf("pgvector: %s: %w", op, err)
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	return s.fail(ctx, "ping", s.pool.Ping(ctx))
}

// checkText rejects NUL characters, which Postgres text and jsonb cannot hold.
func checkText(ns, id string, payload map[string]string) error {
	bad := strings.ContainsRune(ns, 0) || strings.ContainsRune(id, 0)
	for k, v := range payload {
		bad = bad || strings.ContainsRune(k, 0) || strings.ContainsRune(v, 0)
	}
	if bad {
		return fmt.Errorf("%w: NUL character in namespace, ID or payload (Postgres text cannot hold it)", vectorstore.ErrInvalidArgument)
	}
	return nil
}

func expiresArg(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}

func payloadArg(p map[string]string) (string, error) {
	if len(p) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// upsertSQL returns the statement inserting n rows into the table of dim; $1 is the
// namespace, then (id, embedding, payload, expires_at) per row.
func (s *Store) upsertSQL(dim, n int) string {
	key := [2]int{dim, n}
	s.sqlMu.Lock()
	defer s.sqlMu.Unlock()
	if q, ok := s.sqls[key]; ok {
		return q
	}
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(s.sc.points(dim))
	b.WriteString(" (ns, id, embedding, payload, expires_at) VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		p := 2 + 4*i
		fmt.Fprintf(&b, "($1,$%d,$%d::vector,$%d::jsonb,$%d::bigint)", p, p+1, p+2, p+3)
	}
	b.WriteString(" ON CONFLICT (ns, id) DO UPDATE SET embedding = EXCLUDED.embedding, payload = EXCLUDED.payload, expires_at = EXCLUDED.expires_at")
	q := b.String()
	if len(s.sqls) < 64 {
		s.sqls[key] = q
	}
	return q
}

// Upsert validates the whole batch, creates the namespace on first use and inserts or
// replaces the rows. Several statements (more than BatchSize points) run in one
// transaction, so a failed Upsert stores nothing.
func (s *Store) Upsert(ctx context.Context, ns string, points []vectorstore.Point) error {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if ns == "" {
		return fmt.Errorf("pgvector: upsert: empty namespace: %w", vectorstore.ErrInvalidArgument)
	}
	if len(points) == 0 {
		return nil
	}
	dim := len(points[0].Vector)
	last := make(map[string]int, len(points))
	for i := range points {
		p := &points[i]
		if p.ID == "" {
			return fmt.Errorf("pgvector: upsert into %q: point %d has an empty ID: %w", ns, i, vectorstore.ErrInvalidArgument)
		}
		if err := vectorstore.Validate(p.Vector); err != nil {
			return fmt.Errorf("pgvector: upsert %q into %q: %w", p.ID, ns, err)
		}
		if len(p.Vector) != dim {
			return fmt.Errorf("pgvector: upsert %q into %q: %w: %d in a batch of %d", p.ID, ns, vectorstore.ErrDimensionMismatch, len(p.Vector), dim)
		}
		if err := checkText(ns, p.ID, p.Payload); err != nil {
			return fmt.Errorf("pgvector: upsert %q into %q: %w", p.ID, ns, err)
		}
		last[p.ID] = i
	}
	if err := s.claimNamespace(ctx, ns, dim); err != nil {
		return s.fail(ctx, "upsert", err)
	}
	// Rows of one statement must have distinct keys (ON CONFLICT cannot touch a row
	// twice): keep the last point of each ID.
	rows := make([]*vectorstore.Point, 0, len(last))
	for i := range points {
		if last[points[i].ID] == i {
			rows = append(rows, &points[i])
		}
	}
	exec := func(q pgx.Tx) error {
		for start := 0; start < len(rows); start += s.cfg.BatchSize {
			chunk := rows[start:min(start+s.cfg.BatchSize, len(rows))]
			args := make([]any, 0, 1+4*len(chunk))
			args = append(args, ns)
			for _, p := range chunk {
				pl, err := payloadArg(p.Payload)
				if err != nil {
					return err
				}
				args = append(args, p.ID, pgv.NewVector(p.Vector), pl, expiresArg(p.ExpiresAt))
			}
			sql := s.upsertSQL(dim, len(chunk))
			var err error
			if q != nil {
				_, err = q.Exec(ctx, sql, args...)
			} else {
				_, err = s.pool.Exec(ctx, sql, args...)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	if len(rows) <= s.cfg.BatchSize {
		return s.fail(ctx, "upsert into "+s.sc.pointTableName(dim), exec(nil))
	}
	err = pgx.BeginFunc(ctx, s.pool, exec)
	return s.fail(ctx, "upsert into "+s.sc.pointTableName(dim), err)
}

// Search returns the k nearest live rows of ns passing filter. Scores are 1 - cosine
// distance, i.e. the cosine similarity.
func (s *Store) Search(ctx context.Context, ns string, vector []float32, k int, filter vectorstore.Filter) ([]vectorstore.Match, error) {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer cancel()
	if ns == "" || k < 0 {
		return nil, fmt.Errorf("pgvector: search %q k=%d: %w", ns, k, vectorstore.ErrInvalidArgument)
	}
	if err := vectorstore.Validate(vector); err != nil {
		return nil, fmt.Errorf("pgvector: search %q: %w", ns, err)
	}
	if k == 0 || checkText(ns, "", filter) != nil {
		return nil, nil // nothing stored can hold a NUL character
	}
	dim, err := s.namespaceDim(ctx, ns, true)
	if err == nil && dim != 0 && dim != len(vector) {
		dim, err = s.namespaceDim(ctx, ns, false) // the cached dimension may be stale
	}
	if err != nil {
		return nil, s.fail(ctx, "search", err)
	}
	if dim == 0 {
		return nil, nil
	}
	if dim != len(vector) {
		return nil, fmt.Errorf("pgvector: search %q: %w: namespace has %d, query has %d", ns, vectorstore.ErrDimensionMismatch, dim, len(vector))
	}
	args := []any{pgv.NewVector(vector), ns, s.now().UnixMilli(), k + tieSlack}
	var b strings.Builder
	b.WriteString("SELECT id, payload::text, expires_at, embedding <=> $1::vector FROM ")
	b.WriteString(s.sc.points(dim))
	b.WriteString(" WHERE ns = $2 AND (expires_at IS NULL OR expires_at > $3::bigint)")
	if len(filter) > 0 {
		pl, err := payloadArg(filter)
		if err != nil {
			return nil, fmt.Errorf("pgvector: search %q: filter: %w", ns, err)
		}
		args = append(args, pl)
		b.WriteString(" AND payload @> $5::jsonb")
	}
	b.WriteString(" ORDER BY embedding <=> $1::vector LIMIT $4::integer")
	rows, err := s.pool.Query(ctx, b.String(), args...)
	if err != nil {
		return nil, s.fail(ctx, "search "+s.sc.pointTableName(dim), err)
	}
	out := make([]vectorstore.Match, 0, k+tieSlack)
	for rows.Next() {
		var (
			m       vectorstore.Match
			payload string
			exp     *int64
			dist    float64
		)
		if err := rows.Scan(&m.ID, &payload, &exp, &dist); err != nil {
			rows.Close()
			return nil, s.fail(ctx, "search: scan", err)
		}
		if m.Payload, err = decodePayload(payload); err != nil {
			rows.Close()
			return nil, s.fail(ctx, "search: payload of "+m.ID, err)
		}
		if exp != nil {
			m.ExpiresAt = time.UnixMilli(*exp)
		}
		m.Score = vectorstore.Clamp(float32(1 - dist))
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, "search "+s.sc.pointTableName(dim), err)
	}
	vectorstore.SortMatches(out)
	if len(out) > k {
		out = out[:k]
	}
	return out, nil
}

func decodePayload(s string) (map[string]string, error) {
	if s == "" || s == "{}" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// Delete removes rows by ID; unknown IDs and namespaces are ignored.
func (s *Store) Delete(ctx context.Context, ns string, ids []string) error {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if len(ids) == 0 {
		return nil
	}
	dim, err := s.namespaceDim(ctx, ns, true)
	if err != nil || dim == 0 {
		return s.fail(ctx, "delete", err)
	}
	_, err = s.pool.Exec(ctx, "DELETE FROM "+s.sc.points(dim)+" WHERE ns = $1 AND id = ANY($2::text[])", ns, ids)
	return s.fail(ctx, "delete from "+s.sc.pointTableName(dim), err)
}

// Close stops the sweep and closes the pool if Open created it (waiting for
// connections in use).
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.stop)
		s.sweeper.Wait()
		if s.ownsPool {
			s.pool.Close()
		}
	})
	return nil
}

var (
	_ vectorstore.Store  = (*Store)(nil)
	_ vectorstore.Pinger = (*Store)(nil)
)
