// Package chdbtest runs SQL on a modern ClickHouse engine without a server: it loads
// chDB's libchdb.so (ClickHouse 26.x as a library, from the npm package chdb) with
// dlopen at run time. Tests use it to check the DDL meant for ClickHouse 24+ servers and
// every analytics query. Only tests import it, so the Muninn binary stays pure Go; it
// needs cgo and libdl.
//
// ABI (chdb.h of chDB 3.x): chdb_connect(argc, argv) -> chdb_connection*;
// chdb_query(conn, sql, format) -> chdb_result*; chdb_result_buffer / _length / _error;
// chdb_destroy_query_result; chdb_close_conn(chdb_connection*).
package chdbtest
