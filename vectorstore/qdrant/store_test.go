package qdrant_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/qdrant"
	"github.com/muninn-gw/muninn/vectorstore/qdrant/qdranttest"
	"github.com/muninn-gw/muninn/vectorstore/vectorstoretest"
)

func tctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		wantErr string
		check   func(t *testing.T, c qdrant.Config)
	}{
		{name: "empty gives defaults", raw: ``, check: func(t *testing.T, c qdrant.Config) {
			if c.Addr != qdrant.DefaultAddr || c.CollectionPrefix != "muninn" || c.BatchSize != 256 ||
				c.SweepInterval.Duration != time.Minute || c.Timeout.Duration != 10*time.Second || *c.HNSWM != 0 || c.HNSWPayloadM != 16 {
				t.Fatalf("defaults: %+v", c)
			}
		}},
		{name: "full", raw: `{"addr":"q:6334","api_key":"k","tls":true,"collection_prefix":"c1","batch_size":64,
			"sweep_interval":"off","timeout":"3s","connections":4,"hnsw_m":16,"hnsw_payload_m":8,"shards":2,"replication_factor":2,"on_disk":true}`,
			check: func(t *testing.T, c qdrant.Config) {
				if c.Addr != "q:6334" || c.APIKey != "k" || !c.TLS || c.BatchSize != 64 || c.SweepInterval.Duration != 0 ||
					c.Timeout.Duration != 3*time.Second || *c.HNSWM != 16 || c.Shards != 2 || !c.OnDisk {
					t.Fatalf("parsed: %+v", c)
				}
			}},
		{name: "unknown field", raw: `{"adress":"x:1"}`, wantErr: "unknown field"},
		{name: "bad addr", raw: `{"addr":"nohost"}`, wantErr: "addr"},
		{name: "bad prefix", raw: `{"collection_prefix":"a/b"}`, wantErr: "collection_prefix"},
		{name: "bad duration", raw: `{"timeout":"soon"}`, wantErr: "invalid duration"},
		{name: "numeric duration", raw: `{"timeout":5}`, wantErr: "duration must be a string"},
		{name: "batch too big", raw: `{"batch_size":100000}`, wantErr: "batch_size"},
		{name: "trailing data", raw: `{} {}`, wantErr: "trailing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := qdrant.ParseConfig(json.RawMessage(tc.raw))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestIDMappingIsInjective(t *testing.T) {
	pairs := [][2]string{{"a", "bc"}, {"ab", "c"}, {"", "abc"}, {"abc", ""}, {"1:a", "b"}, {"1", ":ab"}}
	seen := map[string][2]string{}
	for _, p := range pairs {
		id := qdrant.PointID(p[0], p[1])
		if prev, dup := seen[id]; dup {
			t.Fatalf("%v and %v map to the same point id %s", prev, p, id)
		}
		seen[id] = p
		if again := qdrant.PointID(p[0], p[1]); again != id {
			t.Fatalf("mapping not deterministic: %s vs %s", id, again)
		}
	}
	terms := map[string]bool{}
	for _, kv := range [][2]string{{"a=b", "c"}, {"a", "b=c"}, {"a:1", "x"}, {"a", "1:x"}} {
		term := qdrant.Term(kv[0], kv[1])
		if terms[term] {
			t.Fatalf("filter term %q is ambiguous", term)
		}
		terms[term] = true
	}
}

// TestReservedLookingPayloadKeys stores payload keys that look like the backend's own
// fields or like Qdrant paths; they round-trip and filter exactly.
func TestReservedLookingPayloadKeys(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{RequireIndexes: true})
	s := openStore(t, qdrant.Config{Addr: srv.Addr(), SweepInterval: qdrant.D(0)})
	defer s.Close()
	pay := map[string]string{"_ns": "other", "_id": "fake", "p": "x", "_f": "y", "a.b": "dotted", "_exp": "1", "k": "v=w"}
	if err := s.Upsert(tctx(t), "ns", []vectorstore.Point{{ID: "p1", Vector: []float32{1, 0}, Payload: pay}, {ID: "p2", Vector: []float32{0, 1}}}); err != nil {
		t.Fatal(err)
	}
	for k, v := range pay {
		got, err := s.Search(tctx(t), "ns", []float32{1, 1}, 5, vectorstore.Filter{k: v})
		if err != nil {
			t.Fatalf("filter %s=%s: %v", k, v, err)
		}
		if len(got) != 1 || got[0].ID != "p1" || len(got[0].Payload) != len(pay) || got[0].Payload[k] != v {
			t.Fatalf("filter %s=%s: %+v", k, v, got)
		}
	}
	if got, _ := s.Search(tctx(t), "other", []float32{1, 1}, 5, nil); len(got) != 0 {
		t.Fatalf("payload _ns leaked into namespace selection: %v", got)
	}
}

func TestBatchedUpserts(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	s := openStore(t, qdrant.Config{Addr: srv.Addr(), BatchSize: 2, SweepInterval: qdrant.D(0)})
	defer s.Close()
	pts := make([]vectorstore.Point, 5)
	for i := range pts {
		pts[i] = vectorstore.Point{ID: string(rune('a' + i)), Vector: []float32{1, float32(i)}}
	}
	before := srv.Calls("Upsert")
	if err := s.Upsert(tctx(t), "ns", pts); err != nil {
		t.Fatal(err)
	}
	// 3 batches of points plus the registry entry of the new namespace.
	if got := srv.Calls("Upsert") - before; got != 4 {
		t.Fatalf("%d Upsert calls, want 4", got)
	}
	if n := srv.PointCount("muninn_d2"); n != 5 {
		t.Fatalf("%d points stored, want 5", n)
	}
}

// TestReplicas: two stores (two gateway processes) on one Qdrant share namespaces,
// points and dimensions.
func TestReplicas(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{RequireIndexes: true})
	a := openStore(t, qdrant.Config{Addr: srv.Addr(), SweepInterval: qdrant.D(0)})
	defer a.Close()
	b := openStore(t, qdrant.Config{Addr: srv.Addr(), SweepInterval: qdrant.D(0)})
	defer b.Close()
	vectorstoretest.RunShared(t, a, b)
}

func TestBackgroundSweep(t *testing.T) {
	srv := qdranttest.Start(t, qdranttest.Options{})
	s := openStore(t, qdrant.Config{Addr: srv.Addr(), SweepInterval: qdrant.D(20 * time.Millisecond)})
	defer s.Close()
	err := s.Upsert(tctx(t), "ns", []vectorstore.Point{
		{ID: "old", Vector: []float32{1, 0}, ExpiresAt: time.Now().Add(-time.Second)},
		{ID: "live", Vector: []float32{0, 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for srv.PointCount("muninn_d2") != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("expired point not swept: %d points", srv.PointCount("muninn_d2"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOpenByNameWithAPIKey(t *testing.T) {
	const key = "top-secret-key-123"
	srv := qdranttest.Start(t, qdranttest.Options{APIKey: key})
	raw := json.RawMessage(`{"addr":"` + srv.Addr() + `","api_key":"` + key + `","sweep_interval":"off"}`)
	s, err := vectorstore.Open(tctx(t), "qdrant", raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.(vectorstore.Pinger).Ping(tctx(t)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = vectorstore.Open(tctx(t), "qdrant", json.RawMessage(`{"addr":"`+srv.Addr()+`","api_key":"wrong-`+key+`"}`))
	if err == nil || !strings.Contains(err.Error(), "Unauthenticated") {
		t.Fatalf("wrong key: %v", err)
	}
	if strings.Contains(err.Error(), key) {
		t.Fatalf("error reveals the api key: %v", err)
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	cert, caFile := selfSigned(t, dir)
	srv := qdranttest.Start(t, qdranttest.Options{TLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}})
	tests := []struct {
		name string
		cfg  qdrant.Config
		ok   bool
	}{
		{"custom CA", qdrant.Config{Addr: srv.Addr(), CAFile: caFile}, true},
		{"system roots reject a self-signed server", qdrant.Config{Addr: srv.Addr(), TLS: true}, false},
		{"plaintext to a TLS server", qdrant.Config{Addr: srv.Addr()}, false},
		{"skip verify", qdrant.Config{Addr: srv.Addr(), InsecureSkipVerify: true}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.SweepInterval, tc.cfg.Timeout = qdrant.D(0), qdrant.D(2*time.Second)
			s, err := qdrant.Open(tctx(t), tc.cfg)
			if tc.ok != (err == nil) {
				t.Fatalf("open: err = %v, want ok=%v", err, tc.ok)
			}
			if s != nil {
				s.Close()
			}
		})
	}
	if _, err := qdrant.Open(tctx(t), qdrant.Config{Addr: srv.Addr(), CAFile: filepath.Join(dir, "missing.pem")}); err == nil {
		t.Fatal("missing ca_file accepted")
	}
}

// selfSigned makes a certificate for 127.0.0.1 and writes it as a CA file.
func selfSigned(t *testing.T, dir string) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "qdrant-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}))
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, caFile
}
