package asr

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/ctc"
)

// TestAnchors: cuts go inside runs of at least anchorRun agreeing words,
// at the separator the network emitted (else half way between the words),
// at least cutSpacing frames apart, never inside a run of two or across a
// disagreement, and the hypothesis windows carry on past anchorWindow
// words.
func TestAnchors(t *testing.T) {
	var spoken []string
	var hyp []hypWord
	f := 0
	// Word k of the text is "wK". The hypothesis says "xK" for every
	// word k with k%5 == 3 or 4 (so runs of three agree: 0-2, 5-7, ...)
	// and leaves out word k for k%50 == 49.
	for k := range 1000 {
		w := fmt.Sprintf("w%d", k)
		spoken = append(spoken, w)
		if k%50 == 49 {
			f += 40
			continue
		}
		h := w
		if k%5 >= 3 {
			h = fmt.Sprintf("x%d", k)
		}
		sep := f + 25 // separator 5 frames after the word's end
		if k%2 == 1 {
			sep = -1 // none: the cut goes half way
		}
		hyp = append(hyp, hypWord{h, f, f + 20, sep})
		f += 40
	}
	cuts := anchors(spoken, hyp)
	if len(cuts) < 40 {
		t.Fatalf("%d cuts in 1000 words of which 3 in 5 agree", len(cuts))
	}
	if last := cuts[len(cuts)-1]; last.word < 900 {
		t.Errorf("last cut before word %d: the windows did not reach the end", last.word)
	}
	prev := cut{0, 0}
	for _, c := range cuts {
		k := c.word
		// Both sides of the cut agree, and the run holds anchorRun words.
		if k%5 == 0 || k%5 >= 3 || k%50 == 49 || (k-1)%50 == 49 {
			t.Errorf("cut before word %d, outside a run of agreeing words", k)
		}
		start := 40 * k    // frame of word k's start
		want := start - 10 // half way between words k-1 and k
		if (k-1)%2 == 0 {
			want = start - 15 // word k-1's separator
		}
		if c.frame != want {
			t.Errorf("cut before word %d at frame %d, want %d", k, c.frame, want)
		}
		if c.frame-prev.frame < cutSpacing || c.word <= prev.word {
			t.Errorf("cut %+v after %+v: closer than %d frames or out of order", c, prev, cutSpacing)
		}
		prev = c
	}
	if got := anchors(spoken, nil); len(got) != 0 {
		t.Errorf("no hypothesis: %d cuts", len(got))
	}
}

// TestAnchorsRepeatedText: a text that repeats itself (a 400-word list said
// 8 times) and a hypothesis that gets most words wrong and misses some:
// every cut pins a word to its own time, never to the same word of another
// repeat.
func TestAnchorsRepeatedText(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 3))
	var list []string
	for range 400 {
		list = append(list, fmt.Sprintf("w%d", rng.IntN(20)))
	}
	var spoken []string
	var hyp []hypWord
	for k := range 3200 {
		w := list[k%len(list)]
		spoken = append(spoken, w)
		switch u := rng.Float64(); {
		case u < 0.15:
			continue
		case u < 0.7:
			w = "junk"
		}
		hyp = append(hyp, hypWord{w, 40 * k, 40*k + 20, -1})
	}
	cuts := anchors(spoken, hyp)
	if len(cuts) < 20 {
		t.Fatalf("%d cuts", len(cuts))
	}
	bad := 0
	for _, c := range cuts {
		if c.frame != 40*c.word-10 {
			if bad < 5 {
				t.Errorf("cut before word %d at frame %d (word %d's time)", c.word, c.frame, (c.frame+10)/40)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d cuts pin a word to another's time", bad, len(cuts))
	}
}

// synthLogProbs returns network output that says words with sharp label
// spikes (p 0.9, two blank frames after each label, the separator and three
// blanks after each word); each word with said[k] == false is replaced by
// "qz" spoken over its frames instead.
func synthLogProbs(v *charVocab, words []string, said []bool) [][]float32 {
	V := len(v.pieces)
	lo := float32(math.Log(0.1 / float64(V-1)))
	frame := func(id int) []float32 {
		row := make([]float32, V)
		for j := range row {
			row[j] = lo
		}
		row[id] = float32(math.Log(0.9))
		return row
	}
	var lp [][]float32
	for k, w := range words {
		ids := v.encode(w)
		junk := v.encode("qz")
		for i, id := range ids {
			if !said[k] {
				id = junk[i%len(junk)]
			}
			lp = append(lp, frame(id), frame(v.blank), frame(v.blank))
		}
		lp = append(lp, frame(v.space), frame(v.blank), frame(v.blank), frame(v.blank))
	}
	return lp
}

// TestAlignAnchoredExact: on output that says the text (but for a few
// words it garbles), alignment stretch by stretch between anchors finds
// the same path as the exact search over the whole, through many cuts.
func TestAlignAnchoredExact(t *testing.T) {
	r := defaultRecognizer(t)
	v := r.vocab
	if v.space < 0 {
		t.Skip("the default model has no word separator")
	}
	vocab := strings.Fields("the quick brown fox jumps over a lazy dog while seven bells ring")
	var words []string
	var said []bool
	for k := range 700 {
		words = append(words, vocab[(k*7)%len(vocab)])
		said = append(said, k%11 != 4 && k%13 != 6)
	}
	lp := synthLogProbs(v, words, said)
	at := v.spell(strings.Join(words, " "))
	exact, err := ctc.ForcedAlign(lp, at.target, v.blank)
	if err != nil {
		t.Fatal(err)
	}
	var spoken []string
	for _, w := range at.words {
		spoken = append(spoken, w.Spoken)
	}
	cuts := anchors(spoken, v.greedyWords(lp))
	if len(cuts) < 10 {
		t.Fatalf("only %d cuts in %d frames", len(cuts), len(lp))
	}
	got, err := v.alignAnchored(lp, at, 0)
	if err != nil {
		t.Fatal(err)
	}
	diff := 0
	for i := range exact.Tokens {
		if got.Tokens[i] != exact.Tokens[i] {
			if diff < 5 {
				t.Errorf("label %d: %+v, exact %+v", i, got.Tokens[i], exact.Tokens[i])
			}
			diff++
		}
	}
	if diff > 0 || math.Abs(got.LogProb-exact.LogProb) > 1e-3 {
		t.Errorf("%d of %d labels differ from the exact path; log-prob %.3f, exact %.3f", diff, len(exact.Tokens), got.LogProb, exact.LogProb)
	}
	t.Logf("%d frames, %d labels, %d cuts", len(lp), len(at.target), len(cuts))
}

// TestAlignAnchoredSpeech: Align on a minute of real speech (the test clips
// looped; the network gets "jumps over the" of hello.wav right, which makes
// the anchors), sent through alignAnchored by lowering exactMaxBytes,
// places the words where the exact search does.
func TestAlignAnchoredSpeech(t *testing.T) {
	r := defaultRecognizer(t)
	a := decodeFile(t, "../testdata/asr/weather.wav")
	b := decodeFile(t, "../testdata/asr/digits.wav")
	c := decodeFile(t, "../testdata/hello.wav")
	if a.Rate != b.Rate {
		b = audio.ResamplePCM(b, a.Rate)
	}
	if a.Rate != c.Rate {
		c = audio.ResamplePCM(c, a.Rate)
	}
	gap := make([]float32, a.Rate/2)
	var x []float32
	var text []string
	for len(x) < 60*a.Rate {
		for _, s := range [][]float32{c.Samples, a.Samples, b.Samples} {
			x = append(append(x, s...), gap...)
		}
		text = append(text, "The quick brown fox jumps over the lazy dog.", "The weather is nice today.", "Seven, three, 9, one!")
	}
	p := &audio.PCM{Samples: x, Rate: a.Rate}
	lp, _, _, _, _, _ := r.alignFrames(p.Samples, p.Rate, nil)
	at := r.vocab.spell(strings.Join(text, " "))
	var spoken []string
	for _, w := range at.words {
		spoken = append(spoken, w.Spoken)
	}
	cuts := anchors(spoken, r.vocab.greedyWords(lp))
	if len(cuts) < 4 {
		t.Fatalf("%d cuts in %d frames: the test does not cross anchors", len(cuts), len(lp))
	}
	exact, err := r.Align(p, strings.Join(text, " "), AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func(v float64) { exactMaxBytes = v }(exactMaxBytes)
	exactMaxBytes = 1e6 // the minute's trellis is about 2e7 bytes
	got, err := r.Align(p, strings.Join(text, " "), AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	worst, low := 0.0, 0
	for i, w := range got.Words {
		e := exact.Words[i]
		worst = max(worst, math.Abs(w.Start-e.Start), math.Abs(w.End-e.End))
		if w.Low {
			low++
		}
	}
	if worst > 0.035 || low > 0 {
		t.Errorf("anchored alignment: edges up to %.0f ms from the exact search's, %d of %d words low", 1000*worst, low, len(got.Words))
	}
	t.Logf("%d words in %.0f s, %d cuts: edges within %.0f ms of the exact search", len(got.Words), got.Duration, len(cuts), 1000*worst)
}
