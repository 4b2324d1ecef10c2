// Command asreval transcribes the utterances of a manifest with an asr model
// and writes reference and hypothesis transcripts (id<TAB>text) for
// "transcribe eval", with the real-time factor of recognition.
//
//	go run ./asr/internal/asreval -manifest /work/corpus/so762-dev.tsv \
//	    -model model.safetensors -beam 16 -lm -ref ref.tsv -hyp hyp.tsv
//	transcribe eval --normalize --ref ref.tsv --hyp hyp.tsv
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/text"
)

func main() {
	manifest := flag.String("manifest", "", "manifest to transcribe")
	model := flag.String("model", "", "model file (default: the embedded model)")
	lmPath := flag.String("lm-arpa", "", "replace the model's LM with this ARPA file")
	beam := flag.Int("beam", 1, "beam width (1: greedy)")
	useLM := flag.Bool("lm", false, "fuse the LM")
	alpha := flag.Float64("alpha", 0.5, "LM weight")
	beta := flag.Float64("beta", 1.0, "word bonus")
	refOut := flag.String("ref", "ref.tsv", "reference transcripts to write")
	hypOut := flag.String("hyp", "hyp.tsv", "hypothesis transcripts to write")
	jobs := flag.Int("j", runtime.GOMAXPROCS(0), "utterances in parallel")
	limit := flag.Int("n", 0, "at most this many utterances (0: all)")
	flag.Parse()
	var m *asr.Model
	var err error
	if *model == "" {
		m, err = asr.Default()
	} else {
		m, err = asr.LoadFile(*model)
	}
	check(err)
	if *lmPath != "" {
		b, err := os.ReadFile(*lmPath)
		check(err)
		m.LM, _ = asr.ParseLanguageModel(b)
	}
	utts, err := asr.ReadManifest(*manifest)
	check(err)
	if *limit > 0 && len(utts) > *limit {
		utts = utts[:*limit]
	}
	o := asr.DefaultOptions()
	o.Beam, o.UseLM, o.Alpha, o.Beta = *beam, *useLM, *alpha, *beta
	r := asr.NewRecognizer(m, o)
	hyps := make([]string, len(utts))
	var audioSec, procSec float64
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < *jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f, err := os.Open(utts[i].Path)
				check(err)
				p, err := audio.Decode(f)
				f.Close()
				check(err)
				res, err := r.Transcribe(p)
				check(err)
				hyps[i] = res.Text
				mu.Lock()
				audioSec += res.Duration
				procSec += res.ProcessingTime
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	for i := range utts {
		next <- i
	}
	close(next)
	wg.Wait()
	var ref, hyp strings.Builder
	for i, u := range utts {
		id := strings.TrimSuffix(filepath.Base(u.Path), filepath.Ext(u.Path))
		fmt.Fprintf(&ref, "%s\t%s\n", id, text.Normalize(u.Transcript))
		fmt.Fprintf(&hyp, "%s\t%s\n", id, hyps[i])
	}
	check(os.WriteFile(*refOut, []byte(ref.String()), 0o644))
	check(os.WriteFile(*hypOut, []byte(hyp.String()), 0o644))
	fmt.Printf("%d utterances, %.1f s audio, %.1f s recognition (sum over utterances), RTF %.4f, wall %.1f s with %d jobs\n",
		len(utts), audioSec, procSec, procSec/audioSec, time.Since(start).Seconds(), *jobs)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "asreval:", err)
		os.Exit(1)
	}
}
