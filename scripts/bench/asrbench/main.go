//go:build !js && !wasip1

// Command asrbench measures recognition speed (real-time factor) and memory
// on long audio: it repeats a clip with pauses until the audio is -minutes
// long, transcribes it once, and prints the RTF, the chunk count, the last
// word times and the peak resident memory.
//
//	GOMAXPROCS=1 go run ./scripts/bench/asrbench -clip testdata/asr/weather.wav -minutes 60
//
// It reads the process's peak memory with getrusage, so it builds natively only.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

func main() {
	clip := flag.String("clip", "testdata/asr/weather.wav", "clip to repeat")
	minutes := flag.Float64("minutes", 10, "length of the audio")
	model := flag.String("model", "", "model file (default: embedded)")
	beam := flag.Int("beam", 16, "beam width (1: greedy)")
	useLM := flag.Bool("lm", true, "fuse the LM")
	flag.Parse()
	var m *asr.Model
	var err error
	if *model == "" {
		m, err = asr.Default()
	} else {
		m, err = asr.LoadFile(*model)
	}
	check(err)
	f, err := os.Open(*clip)
	check(err)
	p, err := audio.Decode(f)
	check(err)
	f.Close()
	n := int(*minutes * 60 * float64(p.Rate))
	x := make([]float32, 0, n)
	gap := make([]float32, p.Rate*7/10)
	reps := 0
	for len(x) < n {
		x = append(x, p.Samples...)
		x = append(x, gap...)
		reps++
	}
	x = x[:n]
	o := asr.DefaultOptions()
	o.Beam, o.UseLM = *beam, *useLM
	r := asr.NewRecognizer(m, o)
	runtime.GC()
	start := time.Now()
	res, err := r.Transcribe(&audio.PCM{Samples: x, Rate: p.Rate, Channels: 1})
	check(err)
	el := time.Since(start).Seconds()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("audio %.1f min (%d repetitions), GOMAXPROCS %d, beam %d, lm %v: %.1f s, RTF %.4f, %d words, peak RSS %.0f MB (audio buffer %.0f MB)\n",
		res.Duration/60, reps, runtime.GOMAXPROCS(0), *beam, *useLM, el, el/res.Duration, len(res.Words),
		float64(ru.Maxrss)/1024, float64(4*len(x))/1e6)
	if k := len(res.Words); k > 0 {
		fmt.Printf("first words: %q ... last word %+v\n", res.Text[:min(80, len(res.Text))], res.Words[k-1])
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "asrbench:", err)
		os.Exit(1)
	}
}
