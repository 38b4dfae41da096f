package qdranttest

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/google/uuid"
	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

type pointsService struct {
	qdrant.UnimplementedPointsServer
	s *Server
}

// idKey canonicalises a point id: numbers sort before UUIDs, as in Qdrant's scroll order.
func idKey(id *qdrant.PointId) (string, error) {
	switch v := id.GetPointIdOptions().(type) {
	case *qdrant.PointId_Num:
		return fmt.Sprintf("n:%020d", v.Num), nil
	case *qdrant.PointId_Uuid:
		u, err := uuid.Parse(v.Uuid)
		if err != nil {
			return "", status.Errorf(codes.InvalidArgument, "Unable to parse UUID: %s", v.Uuid)
		}
		return "u:" + u.String(), nil
	default:
		return "", status.Error(codes.InvalidArgument, "Wrong input: point id is empty")
	}
}

func canonicalID(id *qdrant.PointId) *qdrant.PointId {
	if u, ok := id.GetPointIdOptions().(*qdrant.PointId_Uuid); ok {
		if parsed, err := uuid.Parse(u.Uuid); err == nil {
			return qdrant.NewIDUUID(parsed.String())
		}
	}
	return proto.Clone(id).(*qdrant.PointId)
}

func denseOf(v *qdrant.Vector) []float32 {
	if d := v.GetDense(); d != nil {
		return d.GetData()
	}
	return v.GetData()
}

func normalize(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	if sum == 0 {
		copy(out, v)
		return out
	}
	inv := float32(1 / math.Sqrt(sum))
	for i, x := range v {
		out[i] = x * inv
	}
	return out
}

func (c *collection) prepare(vec []float32) ([]float32, error) {
	if len(vec) != c.dim {
		return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Vector dimension error: expected dim: %d, got %d", c.dim, len(vec))
	}
	if c.distance == qdrant.Distance_Cosine {
		return normalize(vec), nil
	}
	out := make([]float32, len(vec))
	copy(out, vec)
	return out, nil
}

func done(id uint64) *qdrant.PointsOperationResponse {
	return &qdrant.PointsOperationResponse{Result: &qdrant.UpdateResult{OperationId: &id, Status: qdrant.UpdateStatus_Completed}}
}

func (ps pointsService) Upsert(_ context.Context, req *qdrant.UpsertPoints) (*qdrant.PointsOperationResponse, error) {
	s := ps.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.collectionLocked(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	if req.UpdateFilter != nil || req.UpdateMode != nil {
		return nil, status.Error(codes.Unimplemented, "fake qdrant: conditional upserts are not supported")
	}
	// Validate the whole batch first: Qdrant applies a batch all or nothing.
	staged := make([]*point, 0, len(req.GetPoints()))
	for _, ps := range req.GetPoints() {
		key, err := idKey(ps.GetId())
		if err != nil {
			return nil, err
		}
		vv := ps.GetVectors().GetVector()
		if vv == nil {
			return nil, status.Error(codes.InvalidArgument, "Wrong input: Not existing vector name error: only the default unnamed vector is configured")
		}
		vec, err := c.prepare(denseOf(vv))
		if err != nil {
			return nil, err
		}
		payload := make(map[string]*qdrant.Value, len(ps.GetPayload()))
		for k, v := range ps.GetPayload() {
			payload[k] = proto.Clone(v).(*qdrant.Value)
		}
		staged = append(staged, &point{id: canonicalID(ps.GetId()), key: key, vec: vec, payload: payload})
	}
	op := s.nextOp()
	for _, p := range staged {
		p.version = op
		c.points[p.key] = p
	}
	return done(op), nil
}

// selectKeys resolves a points selector to point keys.
func (c *collection) selectKeys(sel *qdrant.PointsSelector) ([]string, error) {
	switch v := sel.GetPointsSelectorOneOf().(type) {
	case *qdrant.PointsSelector_Points:
		keys := make([]string, 0, len(v.Points.GetIds()))
		for _, id := range v.Points.GetIds() {
			k, err := idKey(id)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
		return keys, nil
	case *qdrant.PointsSelector_Filter:
		var keys []string
		for k, p := range c.points {
			ok, err := matches(p, v.Filter)
			if err != nil {
				return nil, err
			}
			if ok {
				keys = append(keys, k)
			}
		}
		return keys, nil
	default:
		return nil, status.Error(codes.InvalidArgument, "Wrong input: empty points selector")
	}
}

func (ps pointsService) Delete(_ context.Context, req *qdrant.DeletePoints) (*qdrant.PointsOperationResponse, error) {
	s := ps.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.collectionLocked(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	keys, err := c.selectKeys(req.GetPoints())
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		delete(c.points, k)
	}
	return done(s.nextOp()), nil
}

func payloadOut(p *point, sel *qdrant.WithPayloadSelector, dflt bool) map[string]*qdrant.Value {
	var include, exclude []string
	switch v := sel.GetSelectorOptions().(type) {
	case nil:
		if !dflt {
			return nil
		}
	case *qdrant.WithPayloadSelector_Enable:
		if !v.Enable {
			return nil
		}
	case *qdrant.WithPayloadSelector_Include:
		include = v.Include.GetFields()
	case *qdrant.WithPayloadSelector_Exclude:
		exclude = v.Exclude.GetFields()
	}
	out := make(map[string]*qdrant.Value, len(p.payload))
	for k, v := range p.payload {
		if (include != nil && !contains(include, k)) || contains(exclude, k) {
			continue
		}
		out[k] = proto.Clone(v).(*qdrant.Value)
	}
	return out
}

func vectorsOut(p *point, sel *qdrant.WithVectorsSelector) *qdrant.VectorsOutput {
	if !sel.GetEnable() {
		return nil
	}
	data := make([]float32, len(p.vec))
	copy(data, p.vec)
	return &qdrant.VectorsOutput{VectorsOptions: &qdrant.VectorsOutput_Vector{
		Vector: &qdrant.VectorOutput{Vector: &qdrant.VectorOutput_Dense{Dense: &qdrant.DenseVector{Data: data}}},
	}}
}

func (ps pointsService) Get(_ context.Context, req *qdrant.GetPoints) (*qdrant.GetResponse, error) {
	s := ps.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.collectionLocked(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	resp := &qdrant.GetResponse{}
	for _, id := range req.GetIds() {
		k, err := idKey(id)
		if err != nil {
			return nil, err
		}
		if p, ok := c.points[k]; ok {
			resp.Result = append(resp.Result, &qdrant.RetrievedPoint{
				Id: canonicalID(p.id), Payload: payloadOut(p, req.GetWithPayload(), true), Vectors: vectorsOut(p, req.GetWithVectors()),
			})
		}
	}
	return resp, nil
}

// each calls fn for every point passing a filter, in no particular order.
func (c *collection) each(f *qdrant.Filter, strict bool, fn func(*point)) error {
	if err := c.checkIndexed(f, strict); err != nil {
		return err
	}
	for _, p := range c.points {
		ok, err := matches(p, f)
		if err != nil {
			return err
		}
		if ok {
			fn(p)
		}
	}
	return nil
}

// filtered returns the points passing a filter, in id order.
func (c *collection) filtered(f *qdrant.Filter, strict bool) ([]*point, error) {
	var out []*point
	if err := c.each(f, strict, func(p *point) { out = append(out, p) }); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out, nil
}

func (ps pointsService) Count(_ context.Context, req *qdrant.CountPoints) (*qdrant.CountResponse, error) {
	s := ps.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.collectionLocked(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	n := uint64(0)
	if err := c.each(req.GetFilter(), s.opts.RequireIndexes, func(*point) { n++ }); err != nil {
		return nil, err
	}
	return &qdrant.CountResponse{Result: &qdrant.CountResult{Count: n}}, nil
}

func (ps pointsService) Scroll(_ context.Context, req *qdrant.ScrollPoints) (*qdrant.ScrollResponse, error) {
	s := ps.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.collectionLocked(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	if req.OrderBy != nil {
		return nil, status.Error(codes.Unimplemented, "fake qdrant: scroll order_by is not supported")
	}
	pts, err := c.filtered(req.GetFilter(), s.opts.RequireIndexes)
	if err != nil {
		return nil, err
	}
	if req.Offset != nil {
		from, err := idKey(req.GetOffset())
		if err != nil {
			return nil, err
		}
		i := sort.Search(len(pts), func(i int) bool { return pts[i].key >= from })
		pts = pts[i:]
	}
	limit := 10
	if req.Limit != nil {
		limit = int(req.GetLimit())
	}
	resp := &qdrant.ScrollResponse{}
	if len(pts) > limit {
		resp.NextPageOffset = canonicalID(pts[limit].id)
		pts = pts[:limit]
	}
	for _, p := range pts {
		resp.Result = append(resp.Result, &qdrant.RetrievedPoint{
			Id: canonicalID(p.id), Payload: payloadOut(p, req.GetWithPayload(), true), Vectors: vectorsOut(p, req.GetWithVectors()),
		})
	}
	return resp, nil
}

type searchReq struct {
	collection string
	vector     []float32 // nil: no query, id order
	filter     *qdrant.Filter
	limit      uint64
	offset     uint64
	threshold  *float32
	withPay    *qdrant.WithPayloadSelector
	withVec    *qdrant.WithVectorsSelector
}

func (s *Server) search(r searchReq) ([]*qdrant.ScoredPoint, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.collectionLocked(r.collection)
	if err != nil {
		return nil, err
	}
	var q []float32
	if r.vector != nil {
		if q, err = c.prepare(r.vector); err != nil {
			return nil, err
		}
	}
	if q == nil { // no query: id order, like scroll
		pts, err := c.filtered(r.filter, s.opts.RequireIndexes)
		if err != nil {
			return nil, err
		}
		res := make([]scored, len(pts))
		for i, p := range pts {
			res[i] = scored{p: p}
		}
		return page(res, r), nil
	}
	// Keep the best offset+limit candidates, sorted by score then id.
	want := int(min(r.offset+r.limit, uint64(len(c.points))))
	best := make([]scored, 0, want+1)
	err = c.each(r.filter, s.opts.RequireIndexes, func(p *point) {
		var sc float32
		for i := range q {
			sc += q[i] * p.vec[i]
		}
		if r.threshold != nil && sc < *r.threshold {
			return
		}
		if len(best) == want && (want == 0 || !better(scored{p, sc}, best[want-1])) {
			return
		}
		i := sort.Search(len(best), func(i int) bool { return better(scored{p, sc}, best[i]) })
		best = append(best, scored{})
		copy(best[i+1:], best[i:])
		best[i] = scored{p, sc}
		if len(best) > want {
			best = best[:want]
		}
	})
	if err != nil {
		return nil, err
	}
	return page(best, r), nil
}

type scored struct {
	p     *point
	score float32
}

func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.p.key < b.p.key
}

// page applies offset and limit and builds the response points.
func page(res []scored, r searchReq) []*qdrant.ScoredPoint {
	if r.offset >= uint64(len(res)) {
		return nil
	}
	res = res[r.offset:]
	if uint64(len(res)) > r.limit {
		res = res[:r.limit]
	}
	out := make([]*qdrant.ScoredPoint, len(res))
	for i, x := range res {
		out[i] = &qdrant.ScoredPoint{
			Id: canonicalID(x.p.id), Payload: payloadOut(x.p, r.withPay, false), Score: x.score,
			Version: x.p.version, Vectors: vectorsOut(x.p, r.withVec),
		}
	}
	return out
}

func (ps pointsService) Query(_ context.Context, req *qdrant.QueryPoints) (*qdrant.QueryResponse, error) {
	if len(req.GetPrefetch()) > 0 || req.Using != nil || req.LookupFrom != nil {
		return nil, status.Error(codes.Unimplemented, "fake qdrant: prefetch, named vectors and lookup are not supported")
	}
	r := searchReq{
		collection: req.GetCollectionName(), filter: req.GetFilter(), limit: 10, offset: req.GetOffset(),
		threshold: req.ScoreThreshold, withPay: req.GetWithPayload(), withVec: req.GetWithVectors(),
	}
	if req.Limit != nil {
		r.limit = req.GetLimit()
	}
	if req.Query != nil {
		in := req.GetQuery().GetNearest()
		if in == nil || in.GetDense() == nil {
			return nil, status.Errorf(codes.Unimplemented, "fake qdrant: only nearest queries with a dense vector are supported, got %T", req.GetQuery().GetVariant())
		}
		r.vector = in.GetDense().GetData()
	}
	res, err := ps.s.search(r)
	if err != nil {
		return nil, err
	}
	return &qdrant.QueryResponse{Result: res}, nil
}

func (ps pointsService) Search(_ context.Context, req *qdrant.SearchPoints) (*qdrant.SearchResponse, error) {
	if req.VectorName != nil || req.SparseIndices != nil {
		return nil, status.Error(codes.Unimplemented, "fake qdrant: named and sparse vectors are not supported")
	}
	res, err := ps.s.search(searchReq{
		collection: req.GetCollectionName(), vector: req.GetVector(), filter: req.GetFilter(), limit: req.GetLimit(),
		offset: req.GetOffset(), threshold: req.ScoreThreshold, withPay: req.GetWithPayload(), withVec: req.GetWithVectors(),
	})
	if err != nil {
		return nil, err
	}
	return &qdrant.SearchResponse{Result: res}, nil
}

var fieldTypes = map[qdrant.FieldType]qdrant.PayloadSchemaType{
	qdrant.FieldType_FieldTypeKeyword:  qdrant.PayloadSchemaType_Keyword,
	qdrant.FieldType_FieldTypeInteger:  qdrant.PayloadSchemaType_Integer,
	qdrant.FieldType_FieldTypeFloat:    qdrant.PayloadSchemaType_Float,
	qdrant.FieldType_FieldTypeGeo:      qdrant.PayloadSchemaType_Geo,
	qdrant.FieldType_FieldTypeText:     qdrant.PayloadSchemaType_Text,
	qdrant.FieldType_FieldTypeBool:     qdrant.PayloadSchemaType_Bool,
	qdrant.FieldType_FieldTypeDatetime: qdrant.PayloadSchemaType_Datetime,
	qdrant.FieldType_FieldTypeUuid:     qdrant.PayloadSchemaType_Uuid,
}

func (ps pointsService) CreateFieldIndex(_ context.Context, req *qdrant.CreateFieldIndexCollection) (*qdrant.PointsOperationResponse, error) {
	s := ps.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.collectionLocked(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	if req.GetFieldName() == "" {
		return nil, status.Error(codes.InvalidArgument, "Validation error in body: [field_name: must not be empty]")
	}
	if req.FieldType == nil {
		return nil, status.Error(codes.InvalidArgument, "Wrong input: field type is required")
	}
	typ, ok := fieldTypes[req.GetFieldType()]
	if !ok {
		return nil, status.Errorf(codes.InvalidArgument, "Wrong input: unknown field type %d", req.GetFieldType())
	}
	// Re-creating an index with the same schema is a no-op in Qdrant; another schema replaces it.
	c.indexes[req.GetFieldName()] = index{typ: typ, params: req.GetFieldIndexParams()}
	return done(s.nextOp()), nil
}

func (ps pointsService) DeleteFieldIndex(_ context.Context, req *qdrant.DeleteFieldIndexCollection) (*qdrant.PointsOperationResponse, error) {
	s := ps.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.collectionLocked(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	delete(c.indexes, req.GetFieldName())
	return done(s.nextOp()), nil
}
