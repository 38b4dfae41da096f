package memory_test

import (
	"testing"

	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/memory"
	"github.com/muninn-gw/muninn/vectorstore/vectorstoretest"
)

func TestConformance(t *testing.T) {
	modes := []struct {
		name string
		cfg  memory.Config
		tol  float64
	}{
		// Small graph parameters keep the race-detector run short; a low exact threshold
		// makes the Recall and Concurrency cases go through the graph.
		{"float32", memory.Config{SweepInterval: vectorstore.D(0), ExactThreshold: 200, M: 8, EfConstruction: 40}, 0},
		{"int8", memory.Config{Quantization: memory.QuantInt8, ExactThreshold: 200, M: 8, EfConstruction: 40}, 4e-3},
		{"graph-only", memory.Config{ExactThreshold: -1, M: 8, EfConstruction: 40}, 0},
		{"persistent", memory.Config{Dir: "-", M: 8, EfConstruction: 40}, 0},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			vectorstoretest.RunWithOptions(t, func(t *testing.T) vectorstore.Store {
				cfg := m.cfg
				if cfg.Dir == "-" {
					cfg.Dir = t.TempDir()
				}
				s, err := memory.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}, vectorstoretest.Options{ScoreTolerance: m.tol})
		})
	}
}
