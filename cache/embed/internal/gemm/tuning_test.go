package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkKBlock compares K-block depths on the model's four matrix shapes (21 rows):
//
//	go test -run '^$' -bench 'KBlock|Tile' -benchtime 300x -count 5 -cpu 1 ./cache/embed/internal/gemm
func BenchmarkKBlock(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	shapes := [][2]int{{256, 768}, {512, 1536}, {1536, 512}, {512, 512}}
	type mat struct {
		m    *Matrix
		a, c []float32
	}
	var ms []mat
	for _, s := range shapes {
		m, _ := Pack(random(r, s[0]*s[1]), s[0], s[1])
		ms = append(ms, mat{m, random(r, PaddedRows(21)*s[0]), make([]float32, PaddedRows(21)*s[1])})
	}
	for _, kb := range []int{128, 256, 512, 2048} {
		b.Run(fmt.Sprint(kb), func(b *testing.B) {
			defer func(old int) { kBlock = old }(kBlock)
			kBlock = kb
			for b.Loop() {
				for _, x := range ms {
					x.m.Mul(x.c, x.a, 21, nil)
				}
			}
		})
	}
}

// BenchmarkTile compares the 4-row tile alone with 6-row tiles plus 4-row remainders.
func BenchmarkTile(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	shapes := [][2]int{{256, 768}, {512, 1536}, {1536, 512}, {512, 512}}
	type mat struct {
		m    *Matrix
		a, c []float32
	}
	var ms []mat
	for _, s := range shapes {
		m, _ := Pack(random(r, s[0]*s[1]), s[0], s[1])
		ms = append(ms, mat{m, random(r, PaddedRows(21)*s[0]), make([]float32, PaddedRows(21)*s[1])})
	}
	for _, six := range []bool{false, true} {
		b.Run(fmt.Sprint("six=", six), func(b *testing.B) {
			defer Use6(six)()
			for b.Loop() {
				for _, x := range ms {
					x.m.Mul(x.c, x.a, 21, nil)
				}
			}
		})
	}
}
