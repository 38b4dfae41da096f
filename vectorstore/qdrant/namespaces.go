package qdrant

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	qc "github.com/qdrant/go-client/qdrant"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Registry points: one per namespace in PREFIX_namespaces, id registryID(ns), payload
// {ns, dim}, and a constant one-dimension vector (Qdrant points need a vector).
const (
	regNS  = "ns"
	regDim = "dim"
)

func (s *Store) dataCollection(dim int) string {
	return s.cfg.CollectionPrefix + "_d" + strconv.Itoa(dim)
}

func (s *Store) registryCollection() string { return s.cfg.CollectionPrefix + "_namespaces" }

// dataDim returns the dimension of a data collection name, or 0 if it is not one of ours.
func (s *Store) dataDim(name string) int {
	rest, ok := strings.CutPrefix(name, s.cfg.CollectionPrefix+"_d")
	if !ok {
		return 0
	}
	d, err := strconv.Atoi(rest)
	if err != nil || d <= 0 || strconv.Itoa(d) != rest {
		return 0
	}
	return d
}

// createCollection creates a collection unless it exists. Losing a creation race to
// another replica is not an error.
func (s *Store) createCollection(ctx context.Context, name string, dim int, tenant bool) error {
	exists, err := s.client.CollectionExists(ctx, name)
	if err != nil {
		return fmt.Errorf("check collection %s: %w", name, err)
	}
	if exists {
		return nil
	}
	req := &qc.CreateCollection{
		CollectionName: name,
		VectorsConfig: qc.NewVectorsConfig(&qc.VectorParams{
			Size: uint64(dim), Distance: qc.Distance_Cosine, OnDisk: qc.PtrOf(s.cfg.OnDisk),
		}),
		OnDiskPayload: qc.PtrOf(s.cfg.OnDisk),
	}
	if tenant {
		req.HnswConfig = &qc.HnswConfigDiff{M: qc.PtrOf(*s.cfg.HNSWM), PayloadM: qc.PtrOf(s.cfg.HNSWPayloadM)}
	}
	if s.cfg.Shards > 0 {
		req.ShardNumber = qc.PtrOf(s.cfg.Shards)
	}
	if s.cfg.ReplicationFactor > 0 {
		req.ReplicationFactor = qc.PtrOf(s.cfg.ReplicationFactor)
	}
	if err := s.client.CreateCollection(ctx, req); err != nil {
		if exists, e2 := s.client.CollectionExists(ctx, name); e2 == nil && exists {
			return nil
		}
		return fmt.Errorf("create collection %s: %w", name, err)
	}
	return nil
}

// ensureData makes sure the data collection of a dimension exists with its payload
// indexes, once per process.
func (s *Store) ensureData(ctx context.Context, dim int) (string, error) {
	name := s.dataCollection(dim)
	s.mu.RLock()
	ready := s.ready[name]
	s.mu.RUnlock()
	if ready {
		return name, nil
	}
	if err := s.createCollection(ctx, name, dim, true); err != nil {
		return "", err
	}
	// Creating an index that exists with the same schema is a no-op in Qdrant.
	indexes := []*qc.CreateFieldIndexCollection{
		{
			CollectionName: name, FieldName: fieldNS, FieldType: qc.FieldType_FieldTypeKeyword.Enum(),
			FieldIndexParams: qc.NewPayloadIndexParamsKeyword(&qc.KeywordIndexParams{IsTenant: qc.PtrOf(true)}),
		},
		// Filter terms and expiry are filtered through their indexes inside a namespace's
		// graph; extra graph links per term value would only cost indexing time.
		{
			CollectionName: name, FieldName: fieldTerms, FieldType: qc.FieldType_FieldTypeKeyword.Enum(),
			FieldIndexParams: qc.NewPayloadIndexParamsKeyword(&qc.KeywordIndexParams{EnableHnsw: qc.PtrOf(false)}),
		},
		{
			CollectionName: name, FieldName: fieldExpires, FieldType: qc.FieldType_FieldTypeInteger.Enum(),
			FieldIndexParams: qc.NewPayloadIndexParamsInt(&qc.IntegerIndexParams{
				Lookup: qc.PtrOf(false), Range: qc.PtrOf(true), EnableHnsw: qc.PtrOf(false),
			}),
		},
	}
	for _, ix := range indexes {
		ix.Wait = qc.PtrOf(true)
		if _, err := s.client.CreateFieldIndex(ctx, ix); err != nil {
			return "", fmt.Errorf("create payload index %s.%s: %w", name, ix.FieldName, err)
		}
	}
	s.mu.Lock()
	s.ready[name] = true
	s.mu.Unlock()
	return name, nil
}

// namespaceDim returns a namespace's dimension, or 0 when it does not exist. Known
// dimensions are cached: a namespace's dimension only changes when it is dropped.
func (s *Store) namespaceDim(ctx context.Context, ns string, useCache bool) (int, error) {
	if useCache {
		s.mu.RLock()
		d, ok := s.dims[ns]
		s.mu.RUnlock()
		if ok {
			return d, nil
		}
	}
	pts, err := s.client.Get(ctx, &qc.GetPoints{
		CollectionName: s.registryCollection(),
		Ids:            []*qc.PointId{qc.NewIDUUID(registryID(ns))},
		WithPayload:    qc.NewWithPayload(true),
	})
	if err != nil {
		return 0, fmt.Errorf("read namespace registry: %w", err)
	}
	if len(pts) == 0 {
		s.mu.Lock()
		delete(s.dims, ns)
		s.mu.Unlock()
		return 0, nil
	}
	d := int(pts[0].GetPayload()[regDim].GetIntegerValue())
	if d <= 0 {
		return 0, fmt.Errorf("namespace registry entry of %q has no dimension", ns)
	}
	s.mu.Lock()
	s.dims[ns] = d
	s.mu.Unlock()
	return d, nil
}

// claimNamespace returns the data collection of ns, creating the namespace with dim if
// it does not exist, and fails with ErrDimensionMismatch if it has another dimension.
//
// Qdrant has no compare-and-set, so two replicas creating one namespace with different
// dimensions at the same instant both write the registry; each reads it back and the one
// whose write was overwritten gets ErrDimensionMismatch before storing any point.
func (s *Store) claimNamespace(ctx context.Context, ns string, dim int) (string, error) {
	have, err := s.namespaceDim(ctx, ns, true)
	if err != nil {
		return "", err
	}
	if have == dim {
		return s.ensureData(ctx, dim)
	}
	if have != 0 {
		// The cache may be stale if another replica dropped and recreated the namespace.
		if have, err = s.namespaceDim(ctx, ns, false); err != nil {
			return "", err
		}
		if have == dim {
			return s.ensureData(ctx, dim)
		}
		if have != 0 {
			return "", fmt.Errorf("%w: namespace %q has dimension %d, got %d", vectorstore.ErrDimensionMismatch, ns, have, dim)
		}
	}
	coll, err := s.ensureData(ctx, dim)
	if err != nil {
		return "", err
	}
	_, err = s.client.Upsert(ctx, &qc.UpsertPoints{
		CollectionName: s.registryCollection(),
		Wait:           qc.PtrOf(true),
		Points: []*qc.PointStruct{{
			Id:      qc.NewIDUUID(registryID(ns)),
			Vectors: qc.NewVectorsDense([]float32{1}),
			Payload: map[string]*qc.Value{regNS: qc.NewValueString(ns), regDim: qc.NewValueInt(int64(dim))},
		}},
	})
	if err != nil {
		return "", fmt.Errorf("register namespace %q: %w", ns, err)
	}
	if have, err = s.namespaceDim(ctx, ns, false); err != nil {
		return "", err
	}
	if have != dim {
		return "", fmt.Errorf("%w: namespace %q was just created with dimension %d, got %d", vectorstore.ErrDimensionMismatch, ns, have, dim)
	}
	return coll, nil
}

// EnsureNamespace creates ns with dimension dim ahead of the first Upsert.
func (s *Store) EnsureNamespace(ctx context.Context, ns string, dim int) error {
	ctx, cancel, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if ns == "" || dim <= 0 || dim > 65536 {
		return fmt.Errorf("qdrant: ensure namespace %q dim %d: %w", ns, dim, vectorstore.ErrInvalidArgument)
	}
	if _, err := s.claimNamespace(ctx, ns, dim); err != nil {
		return s.fail(ctx, "ensure namespace", err)
	}
	return nil
}

// DropNamespace deletes a namespace and all its points.
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
	if _, err := s.client.Delete(ctx, &qc.DeletePoints{
		CollectionName: s.dataCollection(dim), Wait: qc.PtrOf(true),
		Points: qc.NewPointsSelectorFilter(nsFilter(ns, nil, false, s.now())),
	}); err != nil && !isNotFound(err) {
		return s.fail(ctx, "drop namespace points", err)
	}
	if _, err := s.client.Delete(ctx, &qc.DeletePoints{
		CollectionName: s.registryCollection(), Wait: qc.PtrOf(true),
		Points: qc.NewPointsSelector(qc.NewIDUUID(registryID(ns))),
	}); err != nil {
		return s.fail(ctx, "drop namespace registry entry", err)
	}
	s.mu.Lock()
	delete(s.dims, ns)
	s.mu.Unlock()
	return nil
}
