package appliance

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/muninn-gw/muninn/internal/chdb"
	"github.com/muninn-gw/muninn/logstore/clickhouse"
)

// chHTTP runs SQL on a ClickHouse server over its HTTP interface.
type chHTTP struct {
	addr string // host:port
	hc   *http.Client
}

func newCHHTTP(addr string) *chHTTP {
	return &chHTTP{addr: addr, hc: &http.Client{Timeout: 60 * time.Second}}
}

// query runs sql and returns the body; settings are ClickHouse settings for this query.
func (c *chHTTP) query(sql string, settings map[string]string) (string, error) {
	q := url.Values{}
	for k, v := range settings {
		q.Set(k, v)
	}
	resp, err := c.hc.Post("http://"+c.addr+"/?"+q.Encode(), "text/plain", strings.NewReader(sql))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("clickhouse: status %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return string(b), nil
}

// freshDatabase returns a database name no other run uses, dropped when the test ends.
func freshDatabase(t *testing.T, ch *chHTTP) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := "muninn_appliance_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		if os.Getenv("MUNINN_APPLIANCE_KEEP_DB") != "" {
			t.Logf("keeping database %s", db)
			return
		}
		if _, err := ch.query("DROP DATABASE IF EXISTS `"+db+"`", nil); err != nil {
			t.Logf("drop %s: %v", db, err)
		}
	})
	return db
}

// rowCount returns the number of result rows of sql (as TabSeparated lines).
func rowCount(out string) int {
	out = strings.TrimRight(out, "\n")
	if out == "" {
		return 0
	}
	return strings.Count(out, "\n") + 1
}

// modernEngine is a ClickHouse 26 engine (chDB) holding the modern schema in db, filled
// with the rows of the same tables on the 18.16 server.
type modernEngine struct {
	db *chdb.DB
}

// copyToModern creates the production (Modern) schema in a chDB engine and copies every
// log row from the server into it; the hourly rollup is refilled by its materialized
// view, as in production.
func copyToModern(t *testing.T, lib string, src *chHTTP, db string) *modernEngine {
	t.Helper()
	eng, err := chdb.Open(lib, t.TempDir())
	if err != nil {
		t.Fatalf("open chDB (%s): %v", lib, err)
	}
	t.Cleanup(eng.Close)
	for _, stmt := range clickhouse.SchemaSQL(db, clickhouse.Modern) {
		if _, err := eng.Query(stmt, "TabSeparated"); err != nil {
			t.Fatalf("modern schema: %v\n%s", err, stmt)
		}
	}
	rows, err := src.query("SELECT * FROM `"+db+"`.logs FORMAT JSONEachRow",
		map[string]string{"output_format_json_quote_64bit_integers": "0"})
	if err != nil {
		t.Fatalf("read rows from ClickHouse 18.16: %v", err)
	}
	if strings.TrimSpace(rows) == "" {
		t.Fatal("no rows to copy")
	}
	if _, err := eng.Query("INSERT INTO `"+db+"`.logs FORMAT JSONEachRow\n"+rows, "TabSeparated"); err != nil {
		t.Fatalf("insert rows into the modern engine: %v", err)
	}
	n, err := eng.Query("SELECT count() FROM `"+db+"`.logs", "TabSeparated")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(n), fmt.Sprint(rowCount(rows)); got != want {
		t.Fatalf("modern engine holds %s rows, copied %s", got, want)
	}
	return &modernEngine{db: eng}
}
