package vectorstore

import (
	"context"
	"time"
)

// Point is one stored vector.
type Point struct {
	ID     string
	Vector []float32
	// Payload is a small set of string fields, returned with matches and usable in
	// equality filters.
	Payload map[string]string
	// ExpiresAt, when not zero, is when the point stops being returned by Search.
	ExpiresAt time.Time
}

// Match is one search result.
type Match struct {
	ID string
	// Score is the cosine similarity between the query and the stored vector, in [-1, 1],
	// whatever the backend's native scale.
	Score     float32
	Payload   map[string]string
	ExpiresAt time.Time
}

// Filter is a conjunction of equality conditions on payload fields. Nil or empty matches
// everything.
type Filter map[string]string

// Store is a vector store. Implementations must be safe for concurrent use.
type Store interface {
	// Upsert inserts or replaces points (by ID) in a namespace, creating the namespace on
	// first use with the dimension of the first vector. Vectors of another dimension fail
	// with ErrDimensionMismatch; NaN, Inf and all-zero vectors fail with ErrInvalidVector.
	Upsert(ctx context.Context, ns string, points []Point) error
	// Search returns at most k matches in ns, best first, passing filter and not expired.
	// An unknown namespace yields no matches and no error.
	Search(ctx context.Context, ns string, vector []float32, k int, filter Filter) ([]Match, error)
	// Delete removes points by ID; unknown IDs are ignored.
	Delete(ctx context.Context, ns string, ids []string) error
	// Close releases resources. Calls after Close fail with ErrClosed.
	Close() error
}
