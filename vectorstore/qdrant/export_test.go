package qdrant

import "context"

// Test-only access to the client, for cleaning up collections on a real server.

func ListCollections(ctx context.Context, s *Store) ([]string, error) {
	return s.client.ListCollections(ctx)
}

func DeleteCollection(ctx context.Context, s *Store, name string) error {
	return s.client.DeleteCollection(ctx, name)
}

// PointID exposes the id mapping.
var PointID = pointID

// Term exposes the filter term encoding.
var Term = term
