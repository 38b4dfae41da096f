package qdranttest

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// Version is what the health check reports, matching the client's major.minor so the
// client's compatibility check stays quiet.
const Version = "1.17.0"

// Options configure a Server.
type Options struct {
	// APIKey, when set, is required in the "api-key" metadata of every call, as Qdrant's
	// service.api_key does; a missing or wrong key answers codes.Unauthenticated.
	APIKey string
	// RequireIndexes rejects filters on fields without a payload index in every
	// collection, like strict mode with unindexed_filtering_retrieve=false.
	RequireIndexes bool
	// TLS, when set, serves gRPC over TLS with this configuration (Qdrant's
	// service.enable_tls).
	TLS *tls.Config
}

// Server is a running fake Qdrant.
type Server struct {
	opts Options
	lis  net.Listener
	grpc *grpc.Server
	done chan struct{}

	mu          sync.RWMutex
	collections map[string]*collection
	opID        uint64

	callsMu sync.Mutex
	calls   map[string]int
}

// Start starts a server on 127.0.0.1 and stops it when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("start fake qdrant: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// New starts a server on a free loopback port.
func New(opts Options) (*Server, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &Server{opts: opts, lis: lis, done: make(chan struct{}), collections: map[string]*collection{}, calls: map[string]int{}}
	sopts := []grpc.ServerOption{
		grpc.UnaryInterceptor(s.auth),
		// Qdrant accepts the client's keepalive pings (every 10 s) on idle connections.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Second, PermitWithoutStream: true}),
	}
	if opts.TLS != nil {
		sopts = append(sopts, grpc.Creds(credentials.NewTLS(opts.TLS)))
	}
	s.grpc = grpc.NewServer(sopts...)
	qdrant.RegisterQdrantServer(s.grpc, healthService{})
	qdrant.RegisterCollectionsServer(s.grpc, collectionsService{s: s})
	qdrant.RegisterPointsServer(s.grpc, pointsService{s: s})
	go func() {
		defer close(s.done)
		_ = s.grpc.Serve(lis)
	}()
	return s, nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// Host is the server's host.
func (s *Server) Host() string { h, _, _ := net.SplitHostPort(s.Addr()); return h }

// Port is the server's port.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// Close stops the server, cutting open connections.
func (s *Server) Close() {
	s.grpc.Stop()
	<-s.done
}

// Collections lists the collection names, for assertions.
func (s *Server) Collections() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.collections))
	for n := range s.collections {
		names = append(names, n)
	}
	return names
}

// PayloadIndexes returns the indexed fields of a collection and their types, for
// assertions; nil when the collection does not exist.
func (s *Server) PayloadIndexes(name string) map[string]qdrant.PayloadSchemaType {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.collections[name]
	if !ok {
		return nil
	}
	out := make(map[string]qdrant.PayloadSchemaType, len(c.indexes))
	for k, v := range c.indexes {
		out[k] = v.typ
	}
	return out
}

// PointCount returns the number of points in a collection (-1 when it does not exist).
func (s *Server) PointCount(name string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.collections[name]
	if !ok {
		return -1
	}
	return len(c.points)
}

// Calls returns how many times a method was called, by its short name ("Upsert",
// "Query", "HealthCheck"...), authenticated or not.
func (s *Server) Calls(method string) int {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	return s.calls[method]
}

func (s *Server) auth(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	s.callsMu.Lock()
	s.calls[info.FullMethod[strings.LastIndexByte(info.FullMethod, '/')+1:]]++
	s.callsMu.Unlock()
	if s.opts.APIKey != "" {
		md, _ := metadata.FromIncomingContext(ctx)
		got := md.Get("api-key")
		if len(got) != 1 || subtle.ConstantTimeCompare([]byte(got[0]), []byte(s.opts.APIKey)) != 1 {
			return nil, status.Error(codes.Unauthenticated, "Invalid api-key")
		}
	}
	return h(ctx, req)
}

// nextOp returns the next operation id; callers hold s.mu.
func (s *Server) nextOp() uint64 {
	s.opID++
	return s.opID
}

func notFound(name string) error {
	return status.Errorf(codes.NotFound, "Not found: Collection `%s` doesn't exist!", name)
}

// collectionLocked returns a collection; callers hold s.mu.
func (s *Server) collectionLocked(name string) (*collection, error) {
	c, ok := s.collections[name]
	if !ok {
		return nil, notFound(name)
	}
	return c, nil
}

type healthService struct {
	qdrant.UnimplementedQdrantServer
}

func (healthService) HealthCheck(context.Context, *qdrant.HealthCheckRequest) (*qdrant.HealthCheckReply, error) {
	return &qdrant.HealthCheckReply{Title: "qdrant - vector search engine", Version: Version}, nil
}
