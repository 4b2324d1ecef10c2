package train

import (
	"math/rand/v2"
	"testing"
)

func TestSpecAugmentMasks(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const T, base = 200, 13
	feats := make([][]float32, T)
	for i := range feats {
		feats[i] = make([]float32, 3*base)
		for j := range feats[i] {
			feats[i][j] = 1
		}
	}
	s := SpecAugment{FreqMasks: 1, FreqWidth: 4, TimeMasks: 1, TimeWidth: 20, MaxTimeFrac: 0.1}
	for try := 0; try < 3; try++ {
		s.Apply(rng, feats, base)
	}
	zeroRows, zeroCols := 0, 0
	for _, row := range feats {
		all := true
		for _, v := range row {
			all = all && v == 0
		}
		if all {
			zeroRows++
		}
	}
	for j := 0; j < base; j++ {
		all := true
		for _, row := range feats {
			all = all && row[j] == 0 && row[j+base] == 0 && row[j+2*base] == 0
		}
		if all {
			zeroCols++
		}
	}
	if zeroRows == 0 || zeroCols == 0 {
		t.Errorf("3 passes masked %d frames and %d channels", zeroRows, zeroCols)
	}
	if zeroRows > T/2 {
		t.Errorf("masked %d of %d frames", zeroRows, T)
	}
}
