package qdranttest

import (
	"context"
	"sort"
	"strings"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type collection struct {
	name     string
	dim      int
	distance qdrant.Distance
	// strict rejects filters on unindexed fields (strict mode, unindexed_filtering_retrieve=false).
	strict  bool
	points  map[string]*point
	indexes map[string]index
	config  *qdrant.CreateCollection
}

type index struct {
	typ    qdrant.PayloadSchemaType
	params *qdrant.PayloadIndexParams
}

type point struct {
	id      *qdrant.PointId
	key     string
	vec     []float32
	payload map[string]*qdrant.Value
	version uint64
}

type collectionsService struct {
	qdrant.UnimplementedCollectionsServer
	s *Server
}

func validName(name string) error {
	if name == "" || len(name) > 255 {
		return status.Error(codes.InvalidArgument, "Validation error in body: [collection_name: length must be between 1 and 255]")
	}
	if strings.ContainsAny(name, `<>:"/\|?*`+"\x00") {
		return status.Errorf(codes.InvalidArgument, "Validation error in body: [collection_name: Collection name must not contain any of the following characters: `<`, `>`, `:`, `\"`, `/`, `\\`, `|`, `?`, `*`, `\\0`, ` `]")
	}
	return nil
}

func (cs collectionsService) Create(_ context.Context, req *qdrant.CreateCollection) (*qdrant.CollectionOperationResponse, error) {
	if err := validName(req.GetCollectionName()); err != nil {
		return nil, err
	}
	params := req.GetVectorsConfig().GetParams()
	if params == nil {
		return nil, status.Error(codes.Unimplemented, "fake qdrant: only a single unnamed dense vector per collection is supported")
	}
	if params.GetSize() == 0 || params.GetSize() > 65536 {
		return nil, status.Error(codes.InvalidArgument, "Validation error in body: [vectors_config.size: value 0 invalid, must be from 1 to 65536]")
	}
	switch params.GetDistance() {
	case qdrant.Distance_Cosine, qdrant.Distance_Dot:
	default:
		return nil, status.Errorf(codes.Unimplemented, "fake qdrant: distance %s is not supported", params.GetDistance())
	}
	s := cs.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.collections[req.GetCollectionName()]; ok {
		return nil, status.Errorf(codes.AlreadyExists, "Wrong input: Collection `%s` already exists!", req.GetCollectionName())
	}
	sm := req.GetStrictModeConfig()
	s.collections[req.GetCollectionName()] = &collection{
		name:     req.GetCollectionName(),
		dim:      int(params.GetSize()),
		distance: params.GetDistance(),
		strict:   sm.GetEnabled() && sm.UnindexedFilteringRetrieve != nil && !sm.GetUnindexedFilteringRetrieve(),
		points:   map[string]*point{},
		indexes:  map[string]index{},
		config:   req,
	}
	return &qdrant.CollectionOperationResponse{Result: true}, nil
}

func (cs collectionsService) Delete(_ context.Context, req *qdrant.DeleteCollection) (*qdrant.CollectionOperationResponse, error) {
	s := cs.s
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.collections[req.GetCollectionName()]
	delete(s.collections, req.GetCollectionName())
	return &qdrant.CollectionOperationResponse{Result: ok}, nil
}

func (cs collectionsService) CollectionExists(_ context.Context, req *qdrant.CollectionExistsRequest) (*qdrant.CollectionExistsResponse, error) {
	s := cs.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.collections[req.GetCollectionName()]
	return &qdrant.CollectionExistsResponse{Result: &qdrant.CollectionExists{Exists: ok}}, nil
}

func (cs collectionsService) List(context.Context, *qdrant.ListCollectionsRequest) (*qdrant.ListCollectionsResponse, error) {
	names := cs.s.Collections()
	sort.Strings(names)
	resp := &qdrant.ListCollectionsResponse{}
	for _, n := range names {
		resp.Collections = append(resp.Collections, &qdrant.CollectionDescription{Name: n})
	}
	return resp, nil
}

func (cs collectionsService) Get(_ context.Context, req *qdrant.GetCollectionInfoRequest) (*qdrant.GetCollectionInfoResponse, error) {
	s := cs.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.collectionLocked(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	n := uint64(len(c.points))
	info := &qdrant.CollectionInfo{
		Status:              qdrant.CollectionStatus_Green,
		OptimizerStatus:     &qdrant.OptimizerStatus{Ok: true},
		SegmentsCount:       1,
		PointsCount:         &n,
		IndexedVectorsCount: &n,
		PayloadSchema:       map[string]*qdrant.PayloadSchemaInfo{},
		Config: &qdrant.CollectionConfig{
			Params: &qdrant.CollectionParams{
				ShardNumber:   1,
				VectorsConfig: c.config.GetVectorsConfig(),
			},
			StrictModeConfig: c.config.GetStrictModeConfig(),
		},
	}
	for field, ix := range c.indexes {
		cnt := uint64(0)
		for _, p := range c.points {
			if len(lookup(p.payload, field)) > 0 {
				cnt++
			}
		}
		info.PayloadSchema[field] = &qdrant.PayloadSchemaInfo{DataType: ix.typ, Params: ix.params, Points: &cnt}
	}
	return &qdrant.GetCollectionInfoResponse{Result: info}, nil
}
