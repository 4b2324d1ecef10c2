// Command lstmlm_rescore measures what an LSTM language model adds to the
// recognizer: it decodes a set of utterances with the n-gram LM fused in
// the beam search (asr's default), keeps each n-best list, rescores it with
// an LSTM word LM (score + weight·ln P_lstm(sentence)) for a range of
// weights, and prints the WER of each against the n-gram LM alone, the
// n-best oracle, and the time the LSTM scoring costs.
//
// Usage:
//
//	go run ./scripts/bench/lstmlm_rescore --lstm lstm.safetensors \
//	    --tsv /work/corpus/heldout.tsv [--model asr.safetensors] [--nbest 10]
//
// The TSV has one utterance per line: wav path, reference transcript.
// Weights chosen on the same set they are scored on are optimistic; give a
// separate --tune set to pick the weight there.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/text/lm/lstmlm"
	"github.com/ecoute/ecoute/text/wer"
)

type utt struct {
	ref  string
	hyps []asr.Hypothesis
	best string    // the recognizer's own 1-best
	lp   []float64 // LSTM ln P per hypothesis
}

func main() {
	model := flag.String("model", "", "speech model file (default: the embedded default model)")
	lstmPath := flag.String("lstm", "", "LSTM word language model (required)")
	tsv := flag.String("tsv", "", "utterances: wav path TAB reference (required)")
	tune := flag.String("tune", "", "optional second TSV on which to choose the weight")
	nbest := flag.Int("nbest", 10, "hypotheses per utterance")
	beam := flag.Int("beam", 16, "beam width")
	limit := flag.Int("limit", 0, "use at most this many utterances (0: all)")
	wlist := flag.String("weights", "0,0.1,0.2,0.3,0.5,0.75,1,1.5", "LSTM weights to try")
	flag.Parse()
	if *lstmPath == "" || *tsv == "" {
		flag.Usage()
		os.Exit(2)
	}
	var m *asr.Model
	var err error
	if *model == "" {
		m, err = asr.Default()
	} else {
		m, err = asr.LoadFile(*model)
	}
	check(err)
	b, err := os.ReadFile(*lstmPath)
	check(err)
	lm, err := lstmlm.Load(b)
	check(err)
	opts := asr.DefaultOptions()
	opts.Beam = max(*beam, *nbest)
	opts.NBest = *nbest
	opts.Timestamps = false
	rec := asr.NewRecognizer(m, opts)
	var weights []float64
	for _, f := range strings.Split(*wlist, ",") {
		w, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		check(err)
		weights = append(weights, w)
	}
	decode := func(path string) ([]*utt, time.Duration, time.Duration, int) {
		f, err := os.Open(path)
		check(err)
		defer f.Close()
		var us []*utt
		var tDec, tLM time.Duration
		sc := lm.NewScorer()
		words := 0
		s := bufio.NewScanner(f)
		for s.Scan() {
			fs := strings.Split(s.Text(), "\t")
			if len(fs) < 2 {
				continue
			}
			if *limit > 0 && len(us) >= *limit {
				break
			}
			wf, err := os.Open(fs[0])
			check(err)
			pcm, err := audio.Decode(wf)
			wf.Close()
			check(err)
			t0 := time.Now()
			res, err := rec.Transcribe(pcm)
			check(err)
			tDec += time.Since(t0)
			u := &utt{ref: fs[1], hyps: res.NBest, best: res.Text}
			t0 = time.Now()
			texts := make([]string, len(res.NBest))
			for i, h := range res.NBest {
				texts[i] = h.Text
			}
			lps, ns, err := sc.LogProbs(texts)
			check(err)
			u.lp = lps
			for _, n := range ns {
				words += n
			}
			tLM += time.Since(t0)
			us = append(us, u)
		}
		check(s.Err())
		return us, tDec, tLM, words
	}
	wer1 := func(us []*utt, pick func(u *utt) string) float64 {
		ws := wer.NewScorer(wer.Options{})
		var c wer.Counts
		for i, u := range us {
			c = c.Add(ws.Add(strconv.Itoa(i), u.ref, pick(u)))
		}
		return 100 * c.ErrorRate()
	}
	rescored := func(w float64) func(u *utt) string {
		return func(u *utt) string {
			if len(u.hyps) == 0 {
				return u.best
			}
			bi, bs := 0, 0.0
			for i, h := range u.hyps {
				s := h.Score + w*u.lp[i]
				if i == 0 || s > bs {
					bi, bs = i, s
				}
			}
			return u.hyps[bi].Text
		}
	}
	bestW := -1.0
	if *tune != "" {
		tu, _, _, _ := decode(*tune)
		bw, be := 0.0, 1e9
		for _, w := range weights {
			if e := wer1(tu, rescored(w)); e < be {
				bw, be = w, e
			}
		}
		bestW = bw
		fmt.Printf("tune set %s: %d utterances, best weight %g (WER %.2f%%)\n", *tune, len(tu), bw, be)
	}
	us, tDec, tLM, words := decode(*tsv)
	fmt.Printf("%s: %d utterances, n-best %d, beam %d; decoding %.2f s, LSTM rescoring %.2f s (%d hypotheses' tokens, %.0f tokens/s)\n",
		*tsv, len(us), *nbest, opts.Beam, tDec.Seconds(), tLM.Seconds(), words, float64(words)/tLM.Seconds())
	fmt.Printf("WER n-gram LM alone (recognizer 1-best): %.2f%%\n", wer1(us, func(u *utt) string { return u.best }))
	fmt.Printf("WER n-best oracle:                        %.2f%%\n", wer1(us, func(u *utt) string {
		ws := wer.NewScorer(wer.Options{})
		bi, be := 0, 1<<30
		for i, h := range u.hyps {
			if e := ws.Add("x", u.ref, h.Text).Errors(); e < be {
				bi, be = i, e
			}
		}
		if len(u.hyps) == 0 {
			return u.best
		}
		return u.hyps[bi].Text
	}))
	for _, w := range weights {
		mark := ""
		if w == bestW {
			mark = "  <- chosen on the tune set"
		}
		fmt.Printf("WER n-gram + %.2f x LSTM:                 %.2f%%%s\n", w, wer1(us, rescored(w)), mark)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "lstmlm_rescore:", err)
		os.Exit(1)
	}
}
