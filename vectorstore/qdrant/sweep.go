package qdrant

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	qc "github.com/qdrant/go-client/qdrant"

	"github.com/muninn-gw/muninn/vectorstore"
)

// sweepLoop deletes expired points every interval until Close.
func (s *Store) sweepLoop(every time.Duration) {
	defer s.sweeper.Done()
	vectorstore.SweepEvery(s.stop, every, s.Sweep, func(err error) {
		if !s.closed.Load() {
			slog.Warn("qdrant: background sweep failed", "err", err)
		}
	})
}

// dataCollections lists Muninn's data collections and their dimensions.
func (s *Store) dataCollections(ctx context.Context) (map[string]int, error) {
	names, err := s.client.ListCollections(ctx)
	if err != nil {
		return nil, fmt.Errorf("list collections: %w", err)
	}
	out := map[string]int{}
	for _, n := range names {
		if d := s.dataDim(n); d > 0 {
			out[n] = d
		}
	}
	return out, nil
}

// Sweep deletes every expired point in every namespace and reports how many it deleted.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer cancel()
	colls, err := s.dataCollections(ctx)
	if err != nil {
		return 0, s.fail(ctx, "sweep", err)
	}
	total := 0
	f := expiredFilter(s.now())
	for name := range colls {
		n, err := s.deleteWhere(ctx, name, f)
		if err != nil {
			return total, s.fail(ctx, "sweep "+name, err)
		}
		total += n
	}
	return total, nil
}

// deleteWhere counts then deletes the points passing f. The count is exact unless
// another writer changes matching points in between.
func (s *Store) deleteWhere(ctx context.Context, coll string, f *qc.Filter) (int, error) {
	n, err := s.client.Count(ctx, &qc.CountPoints{CollectionName: coll, Filter: f, Exact: qc.PtrOf(true)})
	if err != nil {
		if isNotFound(err) {
			return 0, nil
		}
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	_, err = s.client.Delete(ctx, &qc.DeletePoints{CollectionName: coll, Wait: qc.PtrOf(true), Points: qc.NewPointsSelectorFilter(f)})
	if err != nil && !isNotFound(err) {
		return 0, err
	}
	return int(n), nil
}

// DeleteWhere deletes the points of ns whose payload passes f (all of them for an empty
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
	n, err := s.deleteWhere(ctx, s.dataCollection(dim), nsFilter(ns, f, false, s.now()))
	return n, s.fail(ctx, "delete where", err)
}

// Stats counts points (exactly) and namespaces; Bytes estimates the vectors' size.
func (s *Store) Stats(ctx context.Context) (vectorstore.Stats, error) {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return vectorstore.Stats{}, err
	}
	defer cancel()
	colls, err := s.dataCollections(ctx)
	if err != nil {
		return vectorstore.Stats{}, s.fail(ctx, "stats", err)
	}
	var st vectorstore.Stats
	for name, dim := range colls {
		n, err := s.client.Count(ctx, &qc.CountPoints{CollectionName: name, Exact: qc.PtrOf(true)})
		if err != nil && !isNotFound(err) {
			return vectorstore.Stats{}, s.fail(ctx, "stats "+name, err)
		}
		st.Points += int(n)
		st.Bytes += int64(n) * int64(dim) * 4
	}
	ns, err := s.client.Count(ctx, &qc.CountPoints{CollectionName: s.registryCollection(), Exact: qc.PtrOf(true)})
	if err != nil {
		return vectorstore.Stats{}, s.fail(ctx, "stats", err)
	}
	st.Namespaces = int(ns)
	return st, nil
}

var (
	_ vectorstore.Sweeper       = (*Store)(nil)
	_ vectorstore.Statser       = (*Store)(nil)
	_ vectorstore.FilterDeleter = (*Store)(nil)
)
