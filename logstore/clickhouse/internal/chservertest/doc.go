// Package chservertest runs a private clickhouse-server for a test: its own loopback
// ports and data directory, so a test can stop and restart it at will. Only tests import
// it; it needs the clickhouse-server binary (Debian package clickhouse-server) and its
// stock config in /etc/clickhouse-server.
package chservertest
