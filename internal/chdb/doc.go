// Package chdb runs SQL on a modern ClickHouse engine without a server: it loads chDB's
// libchdb.so (ClickHouse 26.x as a library, from the npm package chdb) with dlopen at
// run time. Tests use it to check that schemas and queries meant for current ClickHouse
// servers run there too (the appliance's dashboards, for example). Only tests import it,
// so the Muninn binary stays pure Go; it needs cgo and libdl, and without cgo Open
// returns ErrNoCgo.
//
// The engine is process-wide: one connection at a time, queries serialised.
//
// ABI (chdb.h of chDB 3.x): chdb_connect(argc, argv) -> chdb_connection*;
// chdb_query(conn, sql, format) -> chdb_result*; chdb_result_buffer / _length / _error;
// chdb_destroy_query_result; chdb_close_conn(chdb_connection*).
//
// Imports: the standard library only.
package chdb
