// Command mfcc times ecoute's MFCC (Kaldi defaults) on one WAV file and prints
// the best of -n runs in seconds; scripts/bench/mfcc_vs_torchaudio.sh runs it
// beside torchaudio.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/audio/features"
)

func main() {
	runs := flag.Int("n", 5, "runs; the best is reported")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: mfcc [-n RUNS] FILE.wav")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	p, err := audio.Decode(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	o := features.DefaultMFCCOptions()
	o.Frame.SampFreq = float64(p.Rate)
	m, err := features.NewMFCC(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dst := m.Compute(p.Samples) // warm-up; also allocates the output once
	best := time.Duration(1<<63 - 1)
	for i := 0; i < *runs; i++ {
		t0 := time.Now()
		dst = m.ComputeInto(dst, p.Samples)
		best = min(best, time.Since(t0))
	}
	fmt.Printf("%.4f %d\n", best.Seconds(), len(dst))
}
