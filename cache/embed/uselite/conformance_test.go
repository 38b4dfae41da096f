package uselite

import (
	"testing"

	"github.com/muninn-gw/muninn/cache/embed/embedtest"
)

func TestConformance(t *testing.T) { embedtest.Run(t, testEmbedder(t)) }
