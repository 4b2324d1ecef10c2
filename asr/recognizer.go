package asr

import (
	"io"
	"math"
	"strings"
	"time"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/ctc"
)

// Recognizer transcribes audio with a Model. It holds no per-call state and
// is safe for concurrent use by several goroutines.
type Recognizer struct {
	m     *Model
	o     Options
	fe    *FrontEndComputer
	vocab *charVocab
	beam  beamState
}

// NewRecognizer returns a recognizer for m with options o (zero VAD options
// mean DefaultVADOptions). It panics if m is nil.
func NewRecognizer(m *Model, o Options) *Recognizer {
	if m == nil {
		panic("asr: NewRecognizer with a nil model")
	}
	if o.VAD.MaxChunk == 0 {
		o.VAD = DefaultVADOptions()
	}
	fe, err := NewFrontEnd(m.Config.FrontEnd)
	if err != nil {
		// Load validated the config; features rejecting it is a bug.
		panic("asr: front end rejected a validated config: " + err.Error())
	}
	return &Recognizer{m: m, o: o, fe: fe, vocab: newCharVocab(m.Config.Tokenizer)}
}

// Model returns the recognizer's model.
func (r *Recognizer) Model() *Model { return r.m }

// Options returns the recognizer's options.
func (r *Recognizer) Options() Options { return r.o }

// Transcribe recognizes the speech in p. Long audio is cut at pauses into
// chunks of at most Options.VAD.MaxChunk seconds, each decoded on its own, so
// memory beyond p itself stays bounded; word times are from the start of p.
// Chunks without speech energy are skipped. Silence gives an empty Text.
func (r *Recognizer) Transcribe(p *audio.PCM) (*Result, error) {
	return r.TranscribeEach(p, nil)
}

// TranscribeEach is Transcribe, calling each (when not nil) with every
// segment as soon as it is decoded, in order, and done, the seconds of audio
// processed so far. Stretches without speech are reported too, with an
// empty Segment (zero times, no text), so done advances through silence.
// If each returns an error, TranscribeEach stops and returns that error
// with the result so far.
func (r *Recognizer) TranscribeEach(p *audio.PCM, each func(seg Segment, done float64) error) (*Result, error) {
	return r.transcribe(p.Samples, p.Rate, nil, each)
}

// TranscribeReader is TranscribeEach on audio read from src as it is
// needed: memory holds about MaxChunk + 2 FloorWindow seconds of samples
// (VADOptions) instead of the whole recording, and the result is the one
// TranscribeEach gives on the same samples. Result.Duration counts the
// samples read. A read error stops it, returned with the result so far.
func (r *Recognizer) TranscribeReader(src *audio.Reader, each func(seg Segment, done float64) error) (*Result, error) {
	return r.transcribe(nil, src.Rate, src.Read, each)
}

// transcribe decodes the recording span by span (forEachSpan).
func (r *Recognizer) transcribe(x []float32, rate int, read func([]float32) (int, error), each func(seg Segment, done float64) error) (*Result, error) {
	start := time.Now()
	res := &Result{}
	var texts []string
	n, err := r.forEachSpan(x, rate, read, func(x []float32, a, b int, speech bool) error {
		seg := r.segment(x, rate, a, b, speech)
		if seg.Text != "" {
			texts = append(texts, seg.Text)
			if r.o.Timestamps {
				res.Words = append(res.Words, seg.Words...)
			}
		}
		if r.o.NBest > 0 {
			res.NBest = appendNBest(res.NBest, seg.hyps, r.o.NBest)
		}
		if !r.o.Timestamps {
			seg.Words = nil
		}
		res.Duration = float64(b) / float64(rate)
		if each != nil {
			return each(seg.Segment, float64(b)/float64(rate))
		}
		return nil
	})
	if err == nil && rate > 0 {
		res.Duration = float64(n) / float64(rate)
	}
	res.Text = strings.Join(texts, " ")
	res.ProcessingTime = time.Since(start).Seconds()
	return res, err
}

// forEachSpan cuts a recording into spans as SplitAtPauses does and calls
// fn with each span's samples and its first and end sample, in order. The
// samples are x, or, when read is not nil, read from it as the spans need
// them, those no later span needs dropped, so that memory holds about
// MaxChunk + 2 FloorWindow seconds of audio. It returns the samples in the
// recording, and fn's first error or read's (the spans before it done).
func (r *Recognizer) forEachSpan(x []float32, rate int, read func([]float32) (int, error), fn func(x []float32, a, b int, speech bool) error) (int, error) {
	if rate <= 0 {
		return len(x), nil // nothing to cut (audio.Decode never returns such a PCM)
	}
	sp := newSplitter(rate, r.o.VAD)
	base := 0 // the sample of x[0]
	if read == nil {
		sp.add(x, true)
	}
	var piece []float32
	var readErr error
	for f := 0; ; {
		for read != nil && !sp.ready(f) {
			if piece == nil {
				piece = make([]float32, rate) // a second at a time
			}
			n, err := read(piece)
			x = append(x, piece[:n]...)
			if err != nil {
				if err != io.EOF {
					readErr = err
				}
				sp.add(piece[:n], true)
				break
			}
			sp.add(piece[:n], false)
		}
		if f >= sp.frames() {
			break
		}
		end, speech := sp.next(f)
		a, b := f*sp.hop, min(end*sp.hop, base+len(x))
		if err := fn(x[a-base:b-base], a, b, speech); err != nil {
			return b, err
		}
		f = end
		if read != nil {
			// Forget the samples before the frames the next spans need.
			if keep := sp.drop(f) * sp.hop; keep > base {
				x = x[keep-base:]
				base = keep
			}
		}
	}
	return base + len(x), readErr
}

// decodedSegment is a Segment with the chunk's n-best hypotheses.
type decodedSegment struct {
	Segment
	hyps []Hypothesis
}

// segment decodes the span sp of p. Spans without speech, and spans whose
// words all fall under Options.MinConfidence, give a zero Segment (the
// latter keep their hypotheses for the n-best list). Words are always filled
// in, with times from the start of p.
func (r *Recognizer) segment(x []float32, rate, a, b int, speech bool) decodedSegment {
	if !speech {
		return decodedSegment{}
	}
	off := float64(a) / float64(rate)
	lp := r.chunkLogProbs(x, rate)
	if len(lp) == 0 {
		return decodedSegment{}
	}
	words, hyps := r.decode(lp)
	var out decodedSegment
	var texts []string
	for _, w := range words {
		if w.Confidence < r.o.MinConfidence {
			continue
		}
		w.Start += off
		w.End += off
		out.Words = append(out.Words, w)
		texts = append(texts, w.Word)
	}
	if len(texts) == 0 {
		return decodedSegment{hyps: hyps}
	}
	if r.o.Punctuate {
		texts = punctuateWords(out.Words, texts)
	}
	out.Text = strings.Join(texts, " ")
	out.Start = off
	// The last frame may reach past the span by a fraction of a frame.
	out.End = max(float64(b)/float64(rate), out.Words[len(out.Words)-1].End)
	out.hyps = hyps
	return out
}

// appendNBest extends an n-best list across chunks: each chunk's best
// hypothesis is appended to every entry, and the first chunk seeds the list.
func appendNBest(list, chunk []Hypothesis, n int) []Hypothesis {
	if len(chunk) == 0 {
		return list
	}
	if len(list) == 0 {
		return append([]Hypothesis(nil), chunk[:min(n, len(chunk))]...)
	}
	best := chunk[0]
	for i := range list {
		list[i].Text = strings.TrimSpace(list[i].Text + " " + best.Text)
		list[i].Score += best.Score
		list[i].AcousticScore += best.AcousticScore
		list[i].LMScore += best.LMScore
	}
	return list
}

// chunkLogProbs runs the front end and network on one chunk at rate.
func (r *Recognizer) chunkLogProbs(x []float32, rate int) [][]float32 {
	x = audio.Resample(x, rate, r.m.Config.FrontEnd.SampleRate)
	in := r.fe.Input(x)
	if len(in) == 0 {
		return nil
	}
	return r.m.LogProbsOf(in)
}

// LogProbs returns the network's per-frame log-probabilities for all of p
// (chunked as Transcribe does, but keeping non-speech chunks so frames stay
// contiguous in time) and the duration of one frame in seconds.
func (r *Recognizer) LogProbs(p *audio.PCM) ([][]float32, float64, error) {
	var out [][]float32
	r.forEachSpan(p.Samples, p.Rate, nil, func(x []float32, _, _ int, _ bool) error {
		out = append(out, r.chunkLogProbs(x, p.Rate)...)
		return nil
	})
	return out, r.m.Config.FrontEnd.FrameSeconds(), nil
}

// decode turns one chunk's log-probabilities into words (times from the
// chunk start) and its n-best hypotheses.
func (r *Recognizer) decode(lp [][]float32) ([]Word, []Hypothesis) {
	if r.o.Beam > 1 {
		if w, h, ok := r.beamDecode(lp); ok {
			return w, h
		}
	}
	toks := ctc.Greedy(lp, r.m.Config.Tokenizer.Blank)
	var score float64
	for _, row := range lp {
		best := row[0]
		for _, v := range row {
			best = max(best, v)
		}
		score += float64(best)
	}
	words := r.wordsFromTokens(toks)
	text := make([]string, len(words))
	for i, w := range words {
		text[i] = w.Word
	}
	return words, []Hypothesis{{Text: strings.Join(text, " "), Score: score, AcousticScore: score}}
}

// wordsFromTokens groups character tokens into words at space tokens. A
// word spans from its first token's first frame to its last token's last
// frame; its confidence is the geometric mean of its tokens' probabilities.
func (r *Recognizer) wordsFromTokens(toks []ctc.Token) []Word {
	fs := r.m.Config.FrontEnd.FrameSeconds()
	var words []Word
	var cur []ctc.Token
	flush := func() {
		if len(cur) == 0 {
			return
		}
		var b strings.Builder
		var logp float64
		for _, t := range cur {
			b.WriteString(r.vocab.pieces[t.ID])
			logp += math.Log(math.Max(float64(t.Prob), 1e-30))
		}
		words = append(words, Word{
			Word:       b.String(),
			Start:      float64(cur[0].Start) * fs,
			End:        float64(cur[len(cur)-1].End) * fs,
			Confidence: math.Exp(logp / float64(len(cur))),
		})
		cur = cur[:0]
	}
	for _, t := range toks {
		if t.ID == r.vocab.space {
			flush()
			continue
		}
		if t.ID == r.vocab.blank {
			continue
		}
		cur = append(cur, t)
	}
	flush()
	return words
}
