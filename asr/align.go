package asr

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/ctc"
)

// Errors of Align. Bad data never panics: each of these (or a wrapping
// *AlignError) says what was wrong.
var (
	ErrEmptyText = errors.New("asr: alignment text has no words the model can spell")
	ErrNoSpeech  = errors.New("asr: no speech in the audio")
	// ErrTextTooLong is matched (errors.Is) by the *AlignError returned when
	// the text needs more frames than the audio has.
	ErrTextTooLong = errors.New("asr: text too long for the audio")
)

// An AlignError says that the text cannot fit the audio: the model needs
// one frame per character (two for a doubled letter), so the text needs at
// least Needed seconds and the audio has Have. It matches ErrTextTooLong.
type AlignError struct {
	Needed, Have float64 // seconds
}

func (e *AlignError) Error() string {
	return fmt.Sprintf("asr: text needs at least %.2f s of audio to be spoken, the audio has %.2f s", e.Needed, e.Have)
}

// Is reports whether target is ErrTextTooLong.
func (e *AlignError) Is(target error) bool { return target == ErrTextTooLong }

// AlignOptions controls Align.
type AlignOptions struct {
	// Beam prunes the Viterbi search of ctc.AlignLong (natural log units;
	// 0: 400). Memory for the search is one byte per kept (frame, state).
	Beam float64
	// LowScore flags a word (AlignedWord.Low) whose Score is below it
	// (0: DefaultLowScore).
	LowScore float64
}

// DefaultLowScore is the per-frame log-probability under which a word is
// flagged: about 0.1 mean probability for the path through its frames,
// where a well-spoken word scores above 0.5 (log -0.7).
const DefaultLowScore = -2.3

// AlignedWord is one word of the text with the time the audio spends on it.
type AlignedWord struct {
	Word string `json:"word"` // as written in the text, punctuation included
	// Spoken is the form aligned: the normalizer's (lower case, numbers
	// read out, "42" -> "forty two"), restricted to the model's characters.
	// Empty when the word has none (a symbol, another script): then Found is
	// false and Start = End = the end of the word before it.
	Spoken string  `json:"spoken"`
	Start  float64 `json:"start"` // seconds from the start of the audio
	End    float64 `json:"end"`
	// Score is the mean log-probability per frame of the best path through
	// the word's frames; Confidence is exp(Score), in (0, 1].
	Score      float64 `json:"score"`
	Confidence float64 `json:"confidence"`
	Found      bool    `json:"found"` // the word was aligned (it has letters the model spells)
	Low        bool    `json:"low"`   // Score < LowScore: the audio may not say this word
}

// Alignment is the result of Align.
type Alignment struct {
	Words []AlignedWord `json:"words"` // every word of the text, in order
	// Score is the mean log-probability per frame of the whole path.
	Score          float64 `json:"score"`
	Duration       float64 `json:"duration"`        // seconds of audio
	ProcessingTime float64 `json:"processing_time"` // seconds spent
}

// NotFound returns the indices of the words that could not be aligned.
func (a *Alignment) NotFound() []int {
	var out []int
	for i, w := range a.Words {
		if !w.Found {
			out = append(out, i)
		}
	}
	return out
}

// LowWords returns the indices of the aligned words flagged Low.
func (a *Alignment) LowWords() []int {
	var out []int
	for i, w := range a.Words {
		if w.Found && w.Low {
			out = append(out, i)
		}
	}
	return out
}

// alignText is a text split into words and spelled in the model's labels.
type alignText struct {
	words    []AlignedWord
	target   []int // labels: word, space, word, ...
	first    []int // [words] index in target of the word's first label, -1 if not spelled
	last     []int // [words] index of its last label
	restarts []int // first label of each spelled word
}

// spell splits text at white space and spells each word in the model's
// labels (encode: the normalizer, then the tokenizer; a char model drops
// characters it lacks). Words left with no labels are kept, unspelled. With
// char labels the word separator goes between words; subword pieces carry
// their own word starts.
func (v *charVocab) spell(text string) *alignText {
	at := &alignText{}
	for _, w := range strings.FieldsFunc(text, unicode.IsSpace) {
		ids := v.encode(w)
		aw := AlignedWord{Word: w, Spoken: v.decode(ids), Found: len(ids) > 0}
		at.words = append(at.words, aw)
		if len(ids) == 0 {
			at.first, at.last = append(at.first, -1), append(at.last, -1)
			continue
		}
		if len(at.target) > 0 && v.space >= 0 {
			at.target = append(at.target, v.space)
		}
		at.first = append(at.first, len(at.target))
		at.restarts = append(at.restarts, len(at.target))
		at.target = append(at.target, ids...)
		at.last = append(at.last, len(at.target)-1)
	}
	return at
}

// Align finds where each word of text is spoken in p: forced alignment of
// the text's characters to the network's output (ctc.AlignLong), in bounded
// memory for audio of any length.
//
// The text is split at white space; each word keeps its written form
// (punctuation, case) and is spelled through the normalizer (text.Normalize:
// numbers read out, accents dropped), keeping the characters the model has.
// A word left with none is reported with Found false, never dropped. The
// audio is cut into chunks at pauses as Transcribe does; frames of all
// chunks, speech or not, are aligned as one sequence, so a word may be
// placed anywhere.
//
// Errors: ErrEmptyText when no word can be spelled, ErrNoSpeech when the
// audio has no speech energy at all (or no frames), an *AlignError (matching
// ErrTextTooLong) when the text cannot be said in the audio's length. Audio
// that does not say the text still aligns: its words get low scores and are
// flagged Low.
func (r *Recognizer) Align(p *audio.PCM, text string, o AlignOptions) (*Alignment, error) {
	start := time.Now()
	if o.LowScore == 0 {
		o.LowScore = DefaultLowScore
	}
	at := r.vocab.spell(text)
	if len(at.target) == 0 {
		return nil, ErrEmptyText
	}
	dur := float64(len(p.Samples)) / float64(max(1, p.Rate))
	lp, times, speech := r.alignFrames(p)
	if len(lp) == 0 || !speech {
		return nil, ErrNoSpeech
	}
	fs := r.m.Config.FrontEnd.FrameSeconds()
	al, err := ctc.AlignLong(lp, at.target, r.vocab.blank, ctc.LongOptions{Beam: o.Beam})
	var ie *ctc.InfeasibleError
	if errors.As(err, &ie) {
		return nil, &AlignError{Needed: float64(ie.Needed) * fs, Have: float64(len(lp)) * fs}
	}
	if err != nil {
		return nil, err
	}
	res := &Alignment{Words: at.words, Duration: dur, Score: al.LogProb / float64(len(lp))}
	prevEnd := 0.0
	for i := range res.Words {
		w := &res.Words[i]
		if at.first[i] < 0 {
			w.Start, w.End = prevEnd, prevEnd
			continue
		}
		f0, f1 := al.Tokens[at.first[i]].Start, al.Tokens[at.last[i]].End
		var s float64
		for f := f0; f < f1; f++ {
			s += float64(al.Scores[f])
		}
		w.Score = s / float64(f1-f0)
		w.Confidence = math.Exp(w.Score)
		w.Low = w.Score < o.LowScore
		// Chunk clocks can overlap by a fraction of a frame: keep words in order.
		w.Start = min(max(times.start(f0), prevEnd), dur)
		w.End = max(min(times.end(f1-1), dur), w.Start)
		prevEnd = w.End
	}
	res.ProcessingTime = time.Since(start).Seconds()
	return res, nil
}

// frameTimes maps frames of the concatenated chunks to seconds: chunk j
// starts at frame first[j] and second sec[j].
type frameTimes struct {
	first []int
	sec   []float64
	fs    float64 // seconds per frame
	off   float64 // start of frame 0's interval relative to the chunk start
}

func (ft *frameTimes) chunk(f int) int {
	j := len(ft.first) - 1
	for j > 0 && ft.first[j] > f {
		j--
	}
	return j
}

// start is the time frame f begins: each frame stands for fs seconds
// centred on the middle of the samples it was computed from.
func (ft *frameTimes) start(f int) float64 {
	j := ft.chunk(f)
	return ft.sec[j] + ft.off + float64(f-ft.first[j])*ft.fs
}

// end is the time frame f ends.
func (ft *frameTimes) end(f int) float64 { return ft.start(f) + ft.fs }

// alignFrames computes the network output for all of p, chunk by chunk at
// pauses (as Transcribe cuts), and the time of each chunk's first frame, so
// that a chunk's frames keep their own clock (each chunk loses a partial
// frame at its end). speech says whether any chunk had speech energy.
func (r *Recognizer) alignFrames(p *audio.PCM) ([][]float32, *frameTimes, bool) {
	fe := r.m.Config.FrontEnd
	stack := max(1, fe.Stack)
	ft := &frameTimes{fs: fe.FrameSeconds()}
	// A stacked frame covers base frames k..k+stack-1: samples from
	// k*shift to (k+stack-1)*shift+length. Centre an interval of fs there.
	ft.off = (float64(stack-1)*fe.FrameShiftMs + fe.FrameLengthMs - fe.FrameShiftMs*float64(stack)) / 2000
	var lp [][]float32
	speech := false
	for _, sp := range SplitAtPauses(p.Samples, p.Rate, r.o.VAD) {
		speech = speech || sp.Speech
		x := r.chunkLogProbs(p.Samples[sp.Start:sp.End], p.Rate)
		if len(x) == 0 {
			continue
		}
		ft.first = append(ft.first, len(lp))
		ft.sec = append(ft.sec, float64(sp.Start)/float64(p.Rate))
		lp = append(lp, x...)
	}
	return lp, ft, speech
}
