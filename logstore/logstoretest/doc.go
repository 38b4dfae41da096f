// Package logstoretest holds the conformance suite every log backend passes (Run), the
// reference answers it checks them against (a plain Go implementation of List, Get and
// Stats over a slice of records), and MemStore: an in-memory Store built on that reference
// whose writes can be made to fail or stall, for testing the Batcher and its users.
//
// Imports: logstore and internal/testenv only. Used only by tests.
package logstoretest
