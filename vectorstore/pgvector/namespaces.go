package pgvector

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/muninn-gw/muninn/vectorstore"
)

// ensureTable creates the point table of a dimension once per process, under the DDL
// advisory lock (concurrent CREATE ... IF NOT EXISTS can still collide in the catalog).
func (s *Store) ensureTable(ctx context.Context, dim int) error {
	s.mu.RLock()
	ok := s.tables[dim]
	s.mu.RUnlock()
	if ok {
		return nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, s.sc.lockKey()); err != nil {
			return err
		}
		for _, q := range s.sc.pointTableDDL(dim, s.cfg.HNSWM, s.cfg.HNSWEfConstruction) {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create table %s: %w", s.sc.pointTableName(dim), err)
	}
	s.mu.Lock()
	s.tables[dim] = true
	s.mu.Unlock()
	return nil
}

// namespaceDim returns the dimension of ns, 0 when it does not exist. Known dimensions
// are cached: a namespace's dimension only changes when it is dropped.
func (s *Store) namespaceDim(ctx context.Context, ns string, useCache bool) (int, error) {
	if useCache {
		s.mu.RLock()
		d, ok := s.dims[ns]
		s.mu.RUnlock()
		if ok {
			return d, nil
		}
	}
	var d int
	err := s.pool.QueryRow(ctx, "SELECT dim FROM "+s.sc.namespaces()+" WHERE ns = $1", ns).Scan(&d)
	if errors.Is(err, pgx.ErrNoRows) {
		s.mu.Lock()
		delete(s.dims, ns)
		s.mu.Unlock()
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read namespace %q: %w", ns, err)
	}
	s.mu.Lock()
	s.dims[ns] = d
	s.mu.Unlock()
	return d, nil
}

// claimNamespace creates ns with dim unless it exists, and fails with
// ErrDimensionMismatch when it exists with another dimension. The registry's primary key
// makes the first writer win across replicas.
func (s *Store) claimNamespace(ctx context.Context, ns string, dim int) error {
	have, err := s.namespaceDim(ctx, ns, true)
	if err != nil {
		return err
	}
	if have != 0 && have != dim {
		if have, err = s.namespaceDim(ctx, ns, false); err != nil {
			return err
		}
	}
	if have == 0 {
		if err := s.ensureTable(ctx, dim); err != nil {
			return err
		}
		if _, err := s.pool.Exec(ctx, "INSERT INTO "+s.sc.namespaces()+" (ns, dim) VALUES ($1, $2::integer) ON CONFLICT (ns) DO NOTHING", ns, dim); err != nil {
			return fmt.Errorf("register namespace %q: %w", ns, err)
		}
		if have, err = s.namespaceDim(ctx, ns, false); err != nil {
			return err
		}
	}
	if have != dim {
		return fmt.Errorf("%w: namespace %q has dimension %d, got %d", vectorstore.ErrDimensionMismatch, ns, have, dim)
	}
	return s.ensureTable(ctx, dim)
}

// EnsureNamespace creates ns with dimension dim ahead of the first Upsert.
func (s *Store) EnsureNamespace(ctx context.Context, ns string, dim int) error {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if ns == "" || dim <= 0 || dim > 16000 {
		return fmt.Errorf("pgvector: ensure namespace %q dim %d: %w", ns, dim, vectorstore.ErrInvalidArgument)
	}
	return s.fail(ctx, "ensure namespace", s.claimNamespace(ctx, ns, dim))
}

// DropNamespace deletes a namespace's rows and its registry entry, in one transaction.
func (s *Store) DropNamespace(ctx context.Context, ns string) error {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	dim, err := s.namespaceDim(ctx, ns, false)
	if err != nil || dim == 0 {
		return s.fail(ctx, "drop namespace", err)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM "+s.sc.points(dim)+" WHERE ns = $1", ns); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM "+s.sc.namespaces()+" WHERE ns = $1", ns)
		return err
	})
	if err != nil {
		return s.fail(ctx, "drop namespace", err)
	}
	s.mu.Lock()
	delete(s.dims, ns)
	s.mu.Unlock()
	return nil
}

var (
	_ vectorstore.NamespaceEnsurer = (*Store)(nil)
	_ vectorstore.NamespaceDropper = (*Store)(nil)
)
