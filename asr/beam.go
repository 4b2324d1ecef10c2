package asr

import (
	"strings"
	"sync"

	"github.com/ecoute/ecoute/ctc"
)

// beamState is the recognizer's beam search setup, built on first use.
type beamState struct {
	once sync.Once
	dec  *ctc.Decoder
	hot  []ctc.Hotword
	err  error
}

// decoder returns the recognizer's ctc prefix beam search decoder (Hannun
// et al. 2014) with the model's word LM fused (weight Alpha on its natural
// log, bonus Beta per word) when asked, and its hotwords (lower-cased, as
// the vocabulary is). Per frame only the 10 most probable labels of
// probability at least 1e-4 extend hypotheses: rarer ones rarely matter and
// cost time.
func (r *Recognizer) decoder() (*ctc.Decoder, []ctc.Hotword, error) {
	r.beam.once.Do(func() {
		o := ctc.BeamOptions{
			Blank: r.vocab.blank, Space: r.vocab.space, Vocab: r.vocab.pieces,
			Beam: r.o.Beam, NBest: max(1, r.o.NBest),
			TopK: 10, PruneProb: 1e-4,
		}
		if r.vocab.space < 0 {
			o.Space = o.Blank // no separator: the output is one word
		}
		if r.o.UseLM && r.m.LM != nil {
			lmod := r.m.LM.Model()
			o.LM, o.Alpha, o.Beta = lmod, r.o.Alpha, r.o.Beta
			// The lexicon's trie (25,862 words for the default LM: 15 MB
			// allocated, 25 ms) is built once per LM and decoding setup,
			// not once per recognizer: a server makes one per request.
			var words func() []string
			if r.o.Lexicon {
				words = func() []string { return lexicon(lmod.Vocab()) }
			}
			r.beam.dec, r.beam.err = r.m.LM.decoders.get(o, words)
		} else {
			r.beam.dec, r.beam.err = ctc.NewDecoder(o)
		}
		for _, h := range r.o.Hotwords {
			r.beam.hot = append(r.beam.hot, ctc.Hotword{Word: strings.ToLower(h.Word), Boost: h.Boost})
		}
	})
	return r.beam.dec, r.beam.hot, r.beam.err
}

// Prepare builds now what the first Transcribe would otherwise build (the
// beam decoder, with its lexicon of the LM's words), so that the first
// input is recognized as fast as the next. Its error is the decoder's,
// which Transcribe meets by decoding greedily.
func (r *Recognizer) Prepare() error {
	if r.o.Beam <= 1 {
		return nil
	}
	_, _, err := r.decoder()
	return err
}

// beamDecode runs the prefix beam search (with the LM when asked and the
// model has one). Words and their times come from the best hypothesis's
// tokens (each label's frames on its most probable path). ok is false if
// the LM could not be parsed or the decoder rejected its input; the caller
// then decodes greedily.
func (r *Recognizer) beamDecode(lp [][]float32) ([]Word, []Hypothesis, bool) {
	dec, hot, err := r.decoder()
	if err != nil {
		return nil, nil, false
	}
	if pen := float32(r.o.BlankPenalty); pen != 0 && len(lp) > 0 {
		b := r.vocab.blank
		pl := make([][]float32, len(lp))
		buf := make([]float32, 0, len(lp)*len(lp[0]))
		for t, row := range lp {
			buf = append(buf, row...)
			pl[t] = buf[len(buf)-len(row):]
			pl[t][b] -= pen
		}
		lp = pl
	}
	res, err := dec.Decode(lp, hot)
	if err != nil {
		return nil, nil, false
	}
	if len(res) == 0 {
		return nil, nil, true
	}
	words := r.wordsFromTokens(res[0].Tokens)
	var hyps []Hypothesis
	for _, h := range res {
		hyps = append(hyps, Hypothesis{Text: r.vocab.decode(ctc.Labels(h.Tokens)), Score: h.Score, AcousticScore: h.Acoustic, LMScore: h.LMLog10})
	}
	return words, hyps, true
}

// decoderCache keeps the decoders built for one LM, by their options
// (those of asr's recognizers: the lexicon is the LM's vocabulary, the
// hotwords are passed to each Decode call). ctc.Decoder is safe for
// concurrent use.
type decoderCache struct {
	mu sync.Mutex
	m  map[decoderKey]*decoderEntry
}

// decoderKey is what tells two recognizers' decoders apart.
type decoderKey struct {
	vocab        *string // the label table (its first element) and length
	nvocab       int
	blank, space int
	beam, nbest  int
	alpha, beta  float64
	lexicon      bool
	topK         int
	pruneProb    float64
}

type decoderEntry struct {
	once sync.Once
	dec  *ctc.Decoder
	err  error
}

// maxCachedDecoders bounds the cache; past it decoders are built and not kept.
const maxCachedDecoders = 16

// get returns the decoder of o with the lexicon words() (none when words is
// nil), building it once.
func (c *decoderCache) get(o ctc.BeamOptions, words func() []string) (*ctc.Decoder, error) {
	k := decoderKey{nvocab: len(o.Vocab), blank: o.Blank, space: o.Space, beam: o.Beam, nbest: o.NBest,
		alpha: o.Alpha, beta: o.Beta, lexicon: words != nil, topK: o.TopK, pruneProb: o.PruneProb}
	build := func() (*ctc.Decoder, error) {
		if words != nil {
			o.Lexicon = words()
		}
		return ctc.NewDecoder(o)
	}
	if len(o.Vocab) > 0 {
		k.vocab = &o.Vocab[0]
	}
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		if len(c.m) >= maxCachedDecoders {
			c.mu.Unlock()
			return build()
		}
		if c.m == nil {
			c.m = map[decoderKey]*decoderEntry{}
		}
		e = &decoderEntry{}
		c.m[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.dec, e.err = build() })
	return e.dec, e.err
}

// lexicon returns the LM's words that can be spelled as a lexicon entry:
// everything but the sentence markers and the unknown word.
func lexicon(vocab []string) []string {
	words := make([]string, 0, len(vocab))
	for _, w := range vocab {
		if w == "" || w[0] == '<' {
			continue
		}
		words = append(words, w)
	}
	return words
}
