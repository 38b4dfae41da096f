package logstoretest_test

import (
	"testing"

	"github.com/muninn-gw/muninn/logstore"
	"github.com/muninn-gw/muninn/logstore/logstoretest"
)

func TestMemStoreConforms(t *testing.T) {
	logstoretest.Run(t, func(t *testing.T) logstore.Store { return logstoretest.NewMemStore() })
}
