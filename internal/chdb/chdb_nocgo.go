//go:build !cgo

package chdb

import "errors"

// ErrNoCgo is returned by Open in builds without cgo.
var ErrNoCgo = errors.New("internal/chdb needs cgo (CGO_ENABLED=1 and a C compiler)")

// DB is a chDB connection (unavailable without cgo).
type DB struct{}

// Open fails without cgo.
func Open(lib, path string) (*DB, error) { return nil, ErrNoCgo }

// Query fails without cgo.
func (db *DB) Query(sql, format string) (string, error) { return "", ErrNoCgo }

// Close does nothing.
func (db *DB) Close() {}
