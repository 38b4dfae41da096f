//go:build cgo

package chdb

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

typedef void *conn_t;
typedef conn_t *(*connect_fn)(int, char **);
typedef void *(*query_fn)(conn_t, const char *, const char *);
typedef char *(*buffer_fn)(void *);
typedef size_t (*length_fn)(void *);
typedef const char *(*error_fn)(void *);
typedef void (*destroy_fn)(void *);
typedef void (*close_fn)(conn_t *);

typedef struct {
	void *lib;
	connect_fn connect;
	query_fn query;
	buffer_fn buffer;
	length_fn length;
	error_fn error;
	destroy_fn destroy;
	close_fn close;
} chdb_api;

static const char *load(const char *path, chdb_api *api) {
	api->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!api->lib) return dlerror();
	api->connect = (connect_fn)dlsym(api->lib, "chdb_connect");
	api->query = (query_fn)dlsym(api->lib, "chdb_query");
	api->buffer = (buffer_fn)dlsym(api->lib, "chdb_result_buffer");
	api->length = (length_fn)dlsym(api->lib, "chdb_result_length");
	api->error = (error_fn)dlsym(api->lib, "chdb_result_error");
	api->destroy = (destroy_fn)dlsym(api->lib, "chdb_destroy_query_result");
	api->close = (close_fn)dlsym(api->lib, "chdb_close_conn");
	if (!api->connect || !api->query || !api->buffer || !api->length || !api->error || !api->destroy || !api->close)
		return "libchdb lacks a chdb_* symbol (not chDB 3.x?)";
	return NULL;
}

static conn_t *do_connect(chdb_api *api, int argc, char **argv) { return api->connect(argc, argv); }

// do_query runs sql; on success *out/*outlen hold a malloc'd copy of the output, on
// failure *err holds a malloc'd error message.
static void do_query(chdb_api *api, conn_t *conn, const char *sql, const char *format,
                     char **out, size_t *outlen, char **err) {
	*out = NULL; *outlen = 0; *err = NULL;
	void *res = api->query(*conn, sql, format);
	if (!res) { *err = strdup("chdb_query returned NULL"); return; }
	const char *e = api->error(res);
	if (e) { *err = strdup(e); api->destroy(res); return; }
	size_t n = api->length(res);
	char *buf = api->buffer(res);
	*out = malloc(n + 1);
	if (n && buf) memcpy(*out, buf, n);
	(*out)[n] = 0;
	*outlen = n;
	api->destroy(res);
}

static void do_close(chdb_api *api, conn_t *conn) { api->close(conn); }
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"
)

// The engine is process-wide: one connection at a time.
var mu sync.Mutex

// DB is a chDB connection.
type DB struct {
	api  C.chdb_api
	conn *C.conn_t
}

// Open loads lib and connects with the engine's data under path.
func Open(lib, path string) (*DB, error) {
	mu.Lock()
	defer mu.Unlock()
	db := &DB{}
	cl := C.CString(lib)
	defer C.free(unsafe.Pointer(cl))
	if msg := C.load(cl, &db.api); msg != nil {
		return nil, fmt.Errorf("load %s: %s", lib, C.GoString(msg))
	}
	args := []string{"clickhouse", "--path=" + path}
	argv := make([]*C.char, len(args))
	for i, a := range args {
		argv[i] = C.CString(a)
		defer C.free(unsafe.Pointer(argv[i]))
	}
	db.conn = C.do_connect(&db.api, C.int(len(args)), &argv[0])
	if db.conn == nil {
		return nil, errors.New("chdb_connect failed")
	}
	return db, nil
}

// Query runs one statement and returns its output in format (e.g. "TabSeparated").
func (db *DB) Query(sql, format string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	cs, cf := C.CString(sql), C.CString(format)
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(cf))
	var out, msg *C.char
	var n C.size_t
	C.do_query(&db.api, db.conn, cs, cf, &out, &n, &msg)
	if msg != nil {
		defer C.free(unsafe.Pointer(msg))
		return "", errors.New(C.GoString(msg))
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoStringN(out, C.int(n)), nil
}

// Close closes the connection (the library stays loaded: it cannot be unloaded safely).
func (db *DB) Close() {
	mu.Lock()
	defer mu.Unlock()
	if db.conn != nil {
		C.do_close(&db.api, db.conn)
		db.conn = nil
	}
}
