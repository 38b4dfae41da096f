package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
	_ "github.com/muninn-gw/muninn/logstore/sqlite"
)

func TestSQLiteConforms(t *testing.T) {
	logstoretest.Run(t, func(t *testing.T) logstore.Store {
		s, err := logstore.Open(context.Background(), "sqlite", logstore.Config{DataDir: filepath.Join(t.TempDir(), "data")})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
