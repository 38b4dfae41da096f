package vectorstore

import "context"

// Optional capabilities. Callers discover them by type assertion, like driver.Pinger:
//
//	if p, ok := s.(vectorstore.Pinger); ok { err = p.Ping(ctx) }

// Pinger checks that the backend is reachable and usable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// NamespaceEnsurer creates a namespace with a dimension ahead of the first Upsert (a
// remote backend creates its collection or table there). Ensuring an existing namespace
// with the same dimension is a no-op; with another dimension it fails with
// ErrDimensionMismatch.
type NamespaceEnsurer interface {
	EnsureNamespace(ctx context.Context, ns string, dim int) error
}

// Sweeper removes expired points now and reports how many it removed. Backends that
// sweep in the background still offer it for tests and admin calls.
type Sweeper interface {
	Sweep(ctx context.Context) (removed int, err error)
}

// Stats describes a store's content.
type Stats struct {
	Points     int   // live points, all namespaces (expired ones not yet swept included)
	Bytes      int64 // estimated memory or storage used by the points; 0 if unknown
	Namespaces int
}

// Statser reports Stats.
type Statser interface {
	Stats(ctx context.Context) (Stats, error)
}

// NamespaceDropper deletes a namespace and all its points. Unknown namespaces are ignored.
type NamespaceDropper interface {
	DropNamespace(ctx context.Context, ns string) error
}

// FilterDeleter deletes every point of a namespace whose payload passes the filter (an
// empty filter deletes all) and reports how many it deleted. The cache's admin API uses
// it to drop a tenant's or a model's entries.
type FilterDeleter interface {
	DeleteWhere(ctx context.Context, ns string, f Filter) (int, error)
}

// Getter returns one point by ID, or an error wrapping ErrNotFound (expired points count
// as not found).
type Getter interface {
	Get(ctx context.Context, ns, id string) (Point, error)
}
