package transcript

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
)

// TestWriterMatchesAppendRecord: random words with random pauses, cut into
// random segments (some empty, as silence gives), written segment by
// segment, give AppendRecord's bytes in every format; srt, vtt and plain
// txt write some of it before Finish.
func TestWriterMatchesAppendRecord(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	vocab := strings.Fields("a the quick brown fox jumps over lazy dog extraordinarily weather is nice today seven three nine one")
	for trial := range 30 {
		var segs []asr.Segment
		res := &asr.Result{NBest: []asr.Hypothesis{{Text: "x", Score: -1}}}
		var texts []string
		tm := 0.0
		for range 1 + rng.IntN(8) {
			var seg asr.Segment
			if rng.IntN(4) == 0 {
				segs = append(segs, seg) // silence
				continue
			}
			var ws []string
			for range 1 + rng.IntN(12) {
				tm += []float64{0.02, 0.1, 0.3, 0.6, 1.5}[rng.IntN(5)]
				w := asr.Word{Word: vocab[rng.IntN(len(vocab))], Start: tm}
				tm += 0.1 + rng.Float64()*0.5
				w.End = tm
				seg.Words = append(seg.Words, w)
				ws = append(ws, w.Word)
			}
			seg.Start, seg.End, seg.Text = seg.Words[0].Start, tm, strings.Join(ws, " ")
			segs = append(segs, seg)
			res.Words = append(res.Words, seg.Words...)
			texts = append(texts, seg.Text)
		}
		res.Text = strings.Join(texts, " ")
		for _, format := range Formats {
			for _, o := range []Options{{Name: "n"}, {Name: "n", Prefix: "p: ", Timestamps: true}, {Name: "n", NBest: 2}} {
				want, err := AppendRecord(nil, format, res, o)
				if err != nil {
					t.Fatal(err)
				}
				w, err := NewWriter(format, o)
				if err != nil {
					t.Fatal(err)
				}
				var got []byte
				early := 0
				for _, s := range segs {
					got = w.Segment(got, s)
				}
				early = len(got)
				got = w.Finish(got, res)
				label := fmt.Sprintf("trial %d, %s %+v", trial, format, o)
				if string(got) != string(want) {
					t.Fatalf("%s:\n--- writer\n%s\n--- AppendRecord\n%s", label, got, want)
				}
				if (format == "srt" || format == "vtt" || (format == "txt" && o.NBest == 0 && !o.Timestamps)) && len(texts) > 1 && early == 0 && len(Cues(res.Words, DefaultCueOptions)) > 1 {
					t.Errorf("%s: nothing written before Finish", label)
				}
			}
		}
	}
	if _, err := NewWriter("doc", Options{}); err == nil {
		t.Error("NewWriter accepted an unknown format")
	}
}
