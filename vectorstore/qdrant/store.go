package qdrant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	qc "github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Kind is the name the backend registers under.
const Kind = "qdrant"

func init() {
	vectorstore.Register(Kind, func(ctx context.Context, raw json.RawMessage) (vectorstore.Store, error) {
		cfg, err := ParseConfig(raw)
		if err != nil {
			return nil, err
		}
		return Open(ctx, cfg)
	})
}

// tieSlack is how many extra candidates Search asks for, so that points tied in score
// with the k-th one can be ordered by ID as the contract requires (Qdrant orders ties
// arbitrarily).
const tieSlack = 8

// Store is a vectorstore.Store on Qdrant. Safe for concurrent use.
type Store struct {
	cfg    Config
	client *qc.Client
	now    func() time.Time

	mu    sync.RWMutex
	dims  map[string]int  // namespace -> dimension, as read from the registry
	ready map[string]bool // data collections known to exist with their indexes

	closed    atomic.Bool
	closeOnce sync.Once
	stop      chan struct{}
	sweeper   sync.WaitGroup
}

// Open connects to Qdrant, checks it answers, creates the namespace registry collection
// if needed and starts the background sweep. cfg must have its defaults applied
// (ParseConfig does it; a zero Config is completed here).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	host, portStr, _ := net.SplitHostPort(cfg.Addr)
	port, _ := strconv.Atoi(portStr)
	tc, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	client, err := qc.NewClient(&qc.Config{
		Host:                   host,
		Port:                   port,
		APIKey:                 cfg.APIKey,
		UseTLS:                 tc != nil,
		TLSConfig:              tc,
		PoolSize:               uint(cfg.Connections),
		SkipCompatibilityCheck: true, // Open checks health itself and fails clearly.
	})
	if err != nil {
		return nil, fmt.Errorf("qdrant: connect to %s: %w", cfg.Addr, err)
	}
	s := &Store{
		cfg: cfg, client: client, now: time.Now,
		dims: map[string]int{}, ready: map[string]bool{}, stop: make(chan struct{}),
	}
	if err := s.open(ctx); err != nil {
		_ = client.Close()
		return nil, err
	}
	if cfg.SweepInterval.Duration > 0 {
		s.sweeper.Add(1)
		go s.sweepLoop(cfg.SweepInterval.Duration)
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if _, err := s.client.HealthCheck(ctx); err != nil {
		return fmt.Errorf("qdrant: health check of %s: %w", s.cfg.Addr, err)
	}
	if err := s.createCollection(ctx, s.registryCollection(), 1, false); err != nil {
		return fmt.Errorf("qdrant: %w", err)
	}
	return nil
}

func (s *Store) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.cfg.Timeout.Duration > 0 {
		return context.WithTimeout(ctx, s.cfg.Timeout.Duration)
	}
	return context.WithCancel(ctx)
}

// begin checks the store is open and the context alive, and applies the call timeout.
func (s *Store) begin(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if s.closed.Load() {
		return nil, nil, fmt.Errorf("qdrant: %w", vectorstore.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("qdrant: %w", err)
	}
	ctx, cancel := s.withTimeout(ctx)
	return ctx, cancel, nil
}

// fail wraps an error from Qdrant with the operation, turning gRPC cancellations back
// into context errors and calls cut by Close into ErrClosed.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, vectorstore.ErrDimensionMismatch) || errors.Is(err, vectorstore.ErrInvalidArgument) ||
		errors.Is(err, vectorstore.ErrInvalidVector) {
		return fmt.Errorf("qdrant: %s: %w", op, err)
	}
	if s.closed.Load() {
		return fmt.Errorf("qdrant: %s: %w", op, vectorstore.ErrClosed)
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("qdrant: %s: %w (%v)", op, cerr, err)
	}
	switch grpcCode(err) {
	case codes.Canceled:
		return fmt.Errorf("qdrant: %s: %w (%v)", op, context.Canceled, err)
	case codes.DeadlineExceeded:
		return fmt.Errorf("qdrant: %s: %w (%v)", op, context.DeadlineExceeded, err)
	}
	return fmt.Errorf("qdrant: %s: %w", op, err)
}

// grpcCode finds the gRPC status code in an error chain (codes.OK when there is none).
func grpcCode(err error) codes.Code {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if st, ok := status.FromError(e); ok {
			return st.Code()
		}
	}
	return codes.OK
}

func isNotFound(err error) bool { return err != nil && grpcCode(err) == codes.NotFound }

// Ping checks that Qdrant answers its health check.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	_, err = s.client.HealthCheck(ctx)
	return s.fail(ctx, "ping", err)
}

// Upsert validates the whole batch, creates the namespace on first use, and writes the
// points in batches of BatchSize, waiting for each to be applied. A later point with an
// ID wins over an earlier one. If a request fails midway, earlier batches stay written.
func (s *Store) Upsert(ctx context.Context, ns string, points []vectorstore.Point) error {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if ns == "" {
		return fmt.Errorf("qdrant: upsert: empty namespace: %w", vectorstore.ErrInvalidArgument)
	}
	if len(points) == 0 {
		return nil
	}
	dim := len(points[0].Vector)
	last := make(map[string]int, len(points))
	for i := range points {
		p := &points[i]
		if p.ID == "" {
			return fmt.Errorf("qdrant: upsert into %q: point %d has an empty ID: %w", ns, i, vectorstore.ErrInvalidArgument)
		}
		if err := vectorstore.Validate(p.Vector); err != nil {
			return fmt.Errorf("qdrant: upsert %q into %q: %w", p.ID, ns, err)
		}
		if len(p.Vector) != dim {
			return fmt.Errorf("qdrant: upsert %q into %q: %w: %d in a batch of %d", p.ID, ns, vectorstore.ErrDimensionMismatch, len(p.Vector), dim)
		}
		last[p.ID] = i
	}
	coll, err := s.claimNamespace(ctx, ns, dim)
	if err != nil {
		return s.fail(ctx, "upsert", err)
	}
	batch := make([]*qc.PointStruct, 0, min(len(points), s.cfg.BatchSize))
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := s.client.Upsert(ctx, &qc.UpsertPoints{CollectionName: coll, Wait: qc.PtrOf(true), Points: batch})
		batch = batch[:0]
		return err
	}
	for i := range points {
		if last[points[i].ID] != i {
			continue
		}
		batch = append(batch, toPoint(ns, &points[i]))
		if len(batch) == s.cfg.BatchSize {
			if err := flush(); err != nil {
				return s.fail(ctx, "upsert into "+coll, err)
			}
		}
	}
	return s.fail(ctx, "upsert into "+coll, flush())
}

// Search returns the k best live points of ns passing filter.
func (s *Store) Search(ctx context.Context, ns string, vector []float32, k int, filter vectorstore.Filter) ([]vectorstore.Match, error) {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer cancel()
	if ns == "" || k < 0 {
		return nil, fmt.Errorf("qdrant: search %q k=%d: %w", ns, k, vectorstore.ErrInvalidArgument)
	}
	if err := vectorstore.Validate(vector); err != nil {
		return nil, fmt.Errorf("qdrant: search %q: %w", ns, err)
	}
	if k == 0 {
		return nil, nil
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
		return nil, fmt.Errorf("qdrant: search %q: %w: namespace has %d, query has %d", ns, vectorstore.ErrDimensionMismatch, dim, len(vector))
	}
	res, err := s.client.Query(ctx, &qc.QueryPoints{
		CollectionName: s.dataCollection(dim),
		Query:          qc.NewQueryDense(vector),
		Filter:         nsFilter(ns, filter, true, s.now()),
		Limit:          qc.PtrOf(uint64(k + tieSlack)),
		WithPayload:    qc.NewWithPayloadInclude(fieldID, fieldPayload, fieldExpires),
	})
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, s.fail(ctx, "search "+s.dataCollection(dim), err)
	}
	out := make([]vectorstore.Match, len(res))
	for i, r := range res {
		id, payload, exp := fromPayload(r.GetPayload())
		out[i] = vectorstore.Match{ID: id, Score: vectorstore.Clamp(r.GetScore()), Payload: payload, ExpiresAt: exp}
	}
	vectorstore.SortMatches(out)
	if len(out) > k {
		out = out[:k]
	}
	return out, nil
}

// Delete removes points by ID; unknown IDs and namespaces are ignored.
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
	pids := make([]*qc.PointId, len(ids))
	for i, id := range ids {
		pids[i] = qc.NewIDUUID(pointID(ns, id))
	}
	_, err = s.client.Delete(ctx, &qc.DeletePoints{
		CollectionName: s.dataCollection(dim), Wait: qc.PtrOf(true), Points: qc.NewPointsSelectorIDs(pids),
	})
	if isNotFound(err) {
		return nil
	}
	return s.fail(ctx, "delete from "+s.dataCollection(dim), err)
}

// Get returns one live point by ID, its vector normalised (Qdrant stores cosine vectors
// normalised).
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
		return vectorstore.Point{}, fmt.Errorf("qdrant: get %q from %q: %w", id, ns, vectorstore.ErrNotFound)
	}
	pts, err := s.client.Get(ctx, &qc.GetPoints{
		CollectionName: s.dataCollection(dim),
		Ids:            []*qc.PointId{qc.NewIDUUID(pointID(ns, id))},
		WithPayload:    qc.NewWithPayload(true),
		WithVectors:    qc.NewWithVectors(true),
	})
	if err != nil && !isNotFound(err) {
		return vectorstore.Point{}, s.fail(ctx, "get", err)
	}
	for _, p := range pts {
		gotID, payload, exp := fromPayload(p.GetPayload())
		if gotID != id || p.GetPayload()[fieldNS].GetStringValue() != ns || (!exp.IsZero() && !exp.After(s.now())) {
			continue
		}
		vec := p.GetVectors().GetVector().GetDenseVector().GetData()
		return vectorstore.Point{ID: id, Vector: vec, Payload: payload, ExpiresAt: exp}, nil
	}
	return vectorstore.Point{}, fmt.Errorf("qdrant: get %q from %q: %w", id, ns, vectorstore.ErrNotFound)
}

// Close stops the background sweep and closes the connections. Later calls fail with
// ErrClosed; Close itself may be called again.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.stop)
		s.sweeper.Wait()
		err = s.client.Close()
	})
	return err
}

var (
	_ vectorstore.Store            = (*Store)(nil)
	_ vectorstore.Pinger           = (*Store)(nil)
	_ vectorstore.NamespaceEnsurer = (*Store)(nil)
	_ vectorstore.NamespaceDropper = (*Store)(nil)
	_ vectorstore.Getter           = (*Store)(nil)
)
