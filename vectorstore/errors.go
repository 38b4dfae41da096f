package vectorstore

import "errors"

// Errors callers branch on with errors.Is. Backends wrap them with context.
var (
	// ErrDimensionMismatch: a vector's length differs from its namespace's dimension.
	ErrDimensionMismatch = errors.New("vector dimension mismatch")
	// ErrInvalidVector: a vector is empty, all zeros, or has a NaN or Inf component.
	ErrInvalidVector = errors.New("invalid vector")
	// ErrInvalidArgument: an empty namespace or point ID, or another malformed argument.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrNotFound: no point with that ID (Getter) or no such namespace.
	ErrNotFound = errors.New("not found")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("vector store closed")
)
