package qdrant

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"time"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Config configures the Qdrant backend. It is decoded strictly from JSON (unknown fields
// are errors); zero fields take the defaults below.
type Config struct {
	// Addr is the host:port of Qdrant's gRPC interface. Default "localhost:6334".
	Addr string `json:"addr"`
	// APIKey is sent as the "api-key" header of every call (Qdrant's service.api_key).
	// Never logged nor included in errors. Use TLS with it: without TLS it crosses the
	// network in clear.
	APIKey string `json:"api_key"`
	// TLS enables TLS to the server (Qdrant Cloud: true).
	TLS bool `json:"tls"`
	// CAFile is a PEM bundle of roots to trust instead of the system's (implies TLS).
	CAFile string `json:"ca_file"`
	// ServerName overrides the name checked in the server certificate (implies TLS).
	ServerName string `json:"server_name"`
	// InsecureSkipVerify disables certificate verification (implies TLS). For tests only.
	InsecureSkipVerify bool `json:"insecure_skip_verify"`

	// CollectionPrefix names Muninn's collections: PREFIX_d384 holds the 384-dimension
	// namespaces, PREFIX_namespaces the namespace registry. Letters, digits, '_' and '-'.
	// Default "muninn". Several deployments can share one Qdrant with different prefixes.
	CollectionPrefix string `json:"collection_prefix"`
	// BatchSize is the number of points per Upsert request. Default 256.
	BatchSize int `json:"batch_size"`
	// SweepInterval is how often expired points are deleted in the background. Default
	// "1m"; "off" disables the background sweep (Sweep can still be called).
	SweepInterval Duration `json:"sweep_interval"`
	// Timeout bounds each call to Qdrant (on top of the caller's context). Default "10s".
	Timeout Duration `json:"timeout"`
	// Connections is the number of gRPC connections, used round robin. Default 2.
	Connections int `json:"connections"`

	// Settings applied when Muninn creates a collection (an existing collection is left
	// as it is).
	//
	// HNSWM is the global graph's degree. Default 0: no global graph, because every
	// Muninn search is restricted to one namespace, and Qdrant then builds one graph per
	// namespace (HNSWPayloadM) — its recommended multitenancy layout.
	HNSWM *uint64 `json:"hnsw_m"`
	// HNSWPayloadM is the degree of the per-namespace graphs. Default 16.
	HNSWPayloadM uint64 `json:"hnsw_payload_m"`
	// Shards and ReplicationFactor are passed to Qdrant for distributed deployments.
	// Zero leaves Qdrant's defaults.
	Shards            uint32 `json:"shards"`
	ReplicationFactor uint32 `json:"replication_factor"`
	// OnDisk keeps vectors and payloads on disk (memory-mapped) instead of RAM.
	OnDisk bool `json:"on_disk"`
}

// Duration is a duration in the config: a Go duration string, or "off".
type Duration = vectorstore.Duration

// D returns a set Duration (for configuration built in Go; D(0) is "off").
func D(d time.Duration) Duration { return vectorstore.D(d) }

// Defaults.
const (
	DefaultAddr          = "localhost:6334"
	DefaultPrefix        = "muninn"
	DefaultBatchSize     = 256
	DefaultSweepInterval = time.Minute
	DefaultTimeout       = 10 * time.Second
	DefaultConnections   = 2
	DefaultHNSWPayloadM  = 16
)

var prefixRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ParseConfig decodes a JSON configuration strictly and applies defaults.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := vectorstore.DecodeConfig(raw, &c); err != nil {
		return Config{}, fmt.Errorf("qdrant: %w", err)
	}
	if err := c.withDefaults(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c *Config) withDefaults() error {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.CollectionPrefix == "" {
		c.CollectionPrefix = DefaultPrefix
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if !c.SweepInterval.IsSet() && c.SweepInterval.Duration == 0 {
		c.SweepInterval.Duration = DefaultSweepInterval
	}
	if !c.Timeout.IsSet() && c.Timeout.Duration == 0 {
		c.Timeout.Duration = DefaultTimeout
	}
	if c.Connections == 0 {
		c.Connections = DefaultConnections
	}
	if c.HNSWPayloadM == 0 {
		c.HNSWPayloadM = DefaultHNSWPayloadM
	}
	if c.HNSWM == nil {
		zero := uint64(0)
		c.HNSWM = &zero
	}
	return c.validate()
}

func (c *Config) validate() error {
	var errs []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port", c.Addr))
	} else if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
		errs = append(errs, fmt.Errorf("addr %q: bad port", c.Addr))
	}
	if !prefixRE.MatchString(c.CollectionPrefix) {
		errs = append(errs, fmt.Errorf("collection_prefix %q: want 1-64 letters, digits, '_' or '-'", c.CollectionPrefix))
	}
	if c.BatchSize < 1 || c.BatchSize > 10000 {
		errs = append(errs, fmt.Errorf("batch_size %d: want 1..10000", c.BatchSize))
	}
	if c.Connections < 1 || c.Connections > 64 {
		errs = append(errs, fmt.Errorf("connections %d: want 1..64", c.Connections))
	}
	if len(errs) > 0 {
		return fmt.Errorf("qdrant config: %w", errors.Join(errs...))
	}
	return nil
}

func (c *Config) useTLS() bool {
	return c.TLS || c.CAFile != "" || c.ServerName != "" || c.InsecureSkipVerify
}

// tlsConfig builds the client TLS configuration, or nil when TLS is off.
func (c *Config) tlsConfig() (*tls.Config, error) {
	if !c.useTLS() {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.ServerName, InsecureSkipVerify: c.InsecureSkipVerify} //nolint:gosec // opt-in, documented as test-only
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("qdrant: read ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("qdrant: ca_file %s holds no PEM certificate", c.CAFile)
		}
		tc.RootCAs = pool
	}
	return tc, nil
}
