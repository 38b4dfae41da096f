package qdranttest_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/muninn-gw/muninn/vectorstore/qdrant/qdranttest"
)

func client(t *testing.T, srv *qdranttest.Server, apiKey string) *qdrant.Client {
	t.Helper()
	c, err := qdrant.NewClient(&qdrant.Config{Host: srv.Host(), Port: srv.Port(), APIKey: apiKey, PoolSize: 1, SkipCompatibilityCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func idString(id *qdrant.PointId) string {
	if u := id.GetUuid(); u != "" {
		return "uuid:" + u
	}
	return fmt.Sprintf("num:%d", id.GetNum())
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func code(err error) codes.Code {
	for e := err; e != nil; {
		if st, ok := status.FromError(e); ok {
			return st.Code()
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return codes.Unknown
}

// seed creates collection "c" (3 dims, cosine) with points 1..4 and payloads.
func seed(t *testing.T, c *qdrant.Client) {
	t.Helper()
	if err := c.CreateCollection(ctx(t), &qdrant.CreateCollection{
		CollectionName: "c",
		VectorsConfig:  qdrant.NewVectorsConfig(&qdrant.VectorParams{Size: 3, Distance: qdrant.Distance_Cosine}),
	}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Upsert(ctx(t), &qdrant.UpsertPoints{CollectionName: "c", Wait: qdrant.PtrOf(true), Points: []*qdrant.PointStruct{
		{Id: qdrant.NewIDNum(1), Vectors: qdrant.NewVectors(2, 0, 0), Payload: qdrant.NewValueMap(map[string]any{
			"color": "red", "n": 1, "tags": []any{"a", "b"}, "nested": map[string]any{"k": "v"}})},
		{Id: qdrant.NewIDNum(2), Vectors: qdrant.NewVectors(1, 1, 0), Payload: qdrant.NewValueMap(map[string]any{"color": "blue", "n": 5, "tags": []any{"b"}})},
		{Id: qdrant.NewIDNum(3), Vectors: qdrant.NewVectors(-1, 0, 0), Payload: qdrant.NewValueMap(map[string]any{"color": "red", "n": 10.5, "empty": nil})},
		{Id: qdrant.NewID("5C56C793-69F3-4FBF-87E6-C4BF54C28C4B"), Vectors: qdrant.NewVectors(0, 0, 3)},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestScoresAreCosine(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	c := client(t, srv, "")
	seed(t, c)
	res, err := c.Query(ctx(t), &qdrant.QueryPoints{CollectionName: "c", Query: qdrant.NewQuery(5, 0, 0), WithPayload: qdrant.NewWithPayload(true)})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id    string
		score float64
	}{{"num:1", 1}, {"num:2", 1 / math.Sqrt2}, {"uuid:5c56c793-69f3-4fbf-87e6-c4bf54c28c4b", 0}, {"num:3", -1}}
	if len(res) != len(want) {
		t.Fatalf("got %d results", len(res))
	}
	for i, w := range want {
		if got := idString(res[i].GetId()); got != w.id {
			t.Errorf("result %d id %s, want %s", i, got, w.id)
		}
		if d := math.Abs(float64(res[i].GetScore()) - w.score); d > 1e-6 {
			t.Errorf("result %d score %v, want %v", i, res[i].GetScore(), w.score)
		}
	}
	if res[0].GetPayload()["color"].GetStringValue() != "red" {
		t.Errorf("payload not returned: %v", res[0].GetPayload())
	}
	// Without with_payload, Query returns no payload, as Qdrant does.
	res, _ = c.Query(ctx(t), &qdrant.QueryPoints{CollectionName: "c", Query: qdrant.NewQuery(5, 0, 0)})
	if len(res[0].GetPayload()) != 0 {
		t.Errorf("payload returned without with_payload")
	}
	// Stored cosine vectors come back normalised.
	pts, err := c.Get(ctx(t), &qdrant.GetPoints{CollectionName: "c", Ids: []*qdrant.PointId{qdrant.NewIDNum(1)}, WithVectors: qdrant.NewWithVectors(true)})
	if err != nil || len(pts) != 1 {
		t.Fatalf("get: %v %v", pts, err)
	}
	if v := pts[0].GetVectors().GetVector().GetDenseVector().GetData(); len(v) != 3 || v[0] != 1 {
		t.Errorf("stored vector %v, want normalised [1 0 0]", v)
	}
}

func TestFilters(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	c := client(t, srv, "")
	seed(t, c)
	gt := 4.0
	tests := []struct {
		name string
		f    *qdrant.Filter
		want int
	}{
		{"keyword", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("color", "red")}}, 2},
		{"array any element", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("tags", "b")}}, 2},
		{"nested path", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("nested.k", "v")}}, 1},
		{"integer", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchInt("n", 5)}}, 1},
		{"range over ints and doubles", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewRange("n", &qdrant.Range{Gt: &gt})}}, 2},
		{"must_not", &qdrant.Filter{MustNot: []*qdrant.Condition{qdrant.NewMatch("color", "red")}}, 2},
		{"should", &qdrant.Filter{Should: []*qdrant.Condition{qdrant.NewMatch("color", "blue"), qdrant.NewMatchInt("n", 1)}}, 2},
		{"any of", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchKeywords("color", "blue", "green")}}, 1},
		{"except", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchExcept("color", "red")}}, 2},
		{"is_null", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewIsNull("empty")}}, 1},
		{"is_empty", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewIsEmpty("color")}}, 1},
		{"has_id", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewHasID(qdrant.NewIDNum(2), qdrant.NewIDNum(3))}}, 2},
		{"nested filter", &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewFilterAsCondition(&qdrant.Filter{
			Should: []*qdrant.Condition{qdrant.NewMatch("color", "blue"), qdrant.NewMatch("tags", "a")}})}}, 2},
		{"min_should", &qdrant.Filter{MinShould: &qdrant.MinShould{MinCount: 2, Conditions: []*qdrant.Condition{
			qdrant.NewMatch("color", "red"), qdrant.NewMatch("tags", "a"), qdrant.NewMatchInt("n", 10)}}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := c.Count(ctx(t), &qdrant.CountPoints{CollectionName: "c", Filter: tc.f})
			if err != nil {
				t.Fatal(err)
			}
			if int(n) != tc.want {
				t.Fatalf("count = %d, want %d", n, tc.want)
			}
		})
	}
}

func TestErrorsAsQdrant(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{RequireIndexes: true})
	c := client(t, srv, "")
	seed(t, c)
	_, err := c.Upsert(ctx(t), &qdrant.UpsertPoints{CollectionName: "c", Points: []*qdrant.PointStruct{
		{Id: qdrant.NewIDNum(9), Vectors: qdrant.NewVectors(1, 2)}}})
	if code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "Vector dimension error: expected dim: 3, got 2") {
		t.Errorf("wrong dimension: %v", err)
	}
	_, err = c.Query(ctx(t), &qdrant.QueryPoints{CollectionName: "nope", Query: qdrant.NewQuery(1, 0, 0)})
	if code(err) != codes.NotFound {
		t.Errorf("unknown collection: %v", err)
	}
	_, err = c.Upsert(ctx(t), &qdrant.UpsertPoints{CollectionName: "c", Points: []*qdrant.PointStruct{
		{Id: qdrant.NewID("not-a-uuid"), Vectors: qdrant.NewVectors(1, 2, 3)}}})
	if code(err) != codes.InvalidArgument {
		t.Errorf("bad uuid: %v", err)
	}
	// Strict mode: filtering on an unindexed field is refused until it is indexed.
	f := &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("color", "red")}}
	if _, err := c.Count(ctx(t), &qdrant.CountPoints{CollectionName: "c", Filter: f}); code(err) != codes.InvalidArgument {
		t.Errorf("unindexed filter: %v", err)
	}
	if _, err := c.CreateFieldIndex(ctx(t), &qdrant.CreateFieldIndexCollection{CollectionName: "c", FieldName: "color",
		FieldType: qdrant.FieldType_FieldTypeKeyword.Enum()}); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(ctx(t), &qdrant.CountPoints{CollectionName: "c", Filter: f}); err != nil || n != 2 {
		t.Errorf("indexed filter: %d, %v", n, err)
	}
	if err := c.CreateCollection(ctx(t), &qdrant.CreateCollection{CollectionName: "c",
		VectorsConfig: qdrant.NewVectorsConfig(&qdrant.VectorParams{Size: 3, Distance: qdrant.Distance_Cosine})}); err == nil {
		t.Error("creating an existing collection succeeded")
	}
}

func TestScrollDeleteAndAuth(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{APIKey: "s3cret"})
	if _, err := client(t, srv, "wrong").HealthCheck(ctx(t)); code(err) != codes.Unauthenticated {
		t.Fatalf("wrong api key: %v", err)
	}
	c := client(t, srv, "s3cret")
	seed(t, c)
	var seen []string
	var offset *qdrant.PointId
	for page := 0; page < 10; page++ {
		pts, next, err := c.ScrollAndOffset(ctx(t), &qdrant.ScrollPoints{CollectionName: "c", Limit: qdrant.PtrOf(uint32(3)), Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pts {
			seen = append(seen, idString(p.GetId()))
		}
		if next == nil {
			break
		}
		offset = next
	}
	if len(seen) != 4 {
		t.Fatalf("scroll saw %d points: %v", len(seen), seen)
	}
	if _, err := c.Delete(ctx(t), &qdrant.DeletePoints{CollectionName: "c", Wait: qdrant.PtrOf(true),
		Points: qdrant.NewPointsSelectorFilter(&qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("color", "red")}})}); err != nil {
		t.Fatal(err)
	}
	if n := srv.PointCount("c"); n != 2 {
		t.Fatalf("after deleting by filter: %d points, want 2", n)
	}
}
