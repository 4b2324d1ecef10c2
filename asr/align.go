package asr

import (
	"errors"
	"fmt"
	"math"
	"slices"
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
	// 0: 400), used only for a stretch of long audio with no anchor in it
	// whose exact trellis would pass 64 MB.
	Beam float64
	// LowScore flags a word (AlignedWord.Low) whose Score is below it
	// (0: DefaultLowScore).
	LowScore float64
	// Raw reports each word from the first frame of its first label to the
	// last frame of its last on the Viterbi path, with no refinement of
	// its edges (see Align).
	Raw bool
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
// the text's characters to the network's output, exact (ctc.ForcedAlign)
// when its trellis fits in 64 MB, else stretch by stretch between anchors
// where the network's own best path agrees with the text (see
// alignAnchored), so memory stays bounded for audio of any length. Word
// edges are then refined (unless o.Raw): see edges and energies.snap.
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
	return r.align(p.Samples, p.Rate, nil, text, o)
}

// AlignReader is Align on audio read from src as it is needed: memory holds
// the network's output and a 10 ms energy per frame, not the audio, with
// the same result. A read error is returned as it is.
func (r *Recognizer) AlignReader(src *audio.Reader, text string, o AlignOptions) (*Alignment, error) {
	return r.align(nil, src.Rate, src.Read, text, o)
}

func (r *Recognizer) align(x []float32, rate int, read func([]float32) (int, error), text string, o AlignOptions) (*Alignment, error) {
	start := time.Now()
	if o.LowScore == 0 {
		o.LowScore = DefaultLowScore
	}
	at := r.vocab.spell(text)
	if len(at.target) == 0 {
		return nil, ErrEmptyText
	}
	lp, times, speech, en, n, err := r.alignFrames(x, rate, read)
	if err != nil {
		return nil, err
	}
	dur := float64(n) / float64(max(1, rate))
	if len(lp) == 0 || !speech {
		return nil, ErrNoSpeech
	}
	fs := r.m.Config.FrontEnd.FrameSeconds()
	var al *ctc.Alignment
	if need := ctc.MinFrames(at.target); need > len(lp) {
		err = &ctc.InfeasibleError{Frames: len(lp), Needed: need}
	} else if float64(len(lp))*float64(2*len(at.target)+1) <= exactMaxBytes {
		al, err = ctc.ForcedAlign(lp, at.target, r.vocab.blank)
	} else {
		al, err = r.vocab.alignAnchored(lp, at, o.Beam)
	}
	var ie *ctc.InfeasibleError
	if errors.As(err, &ie) {
		return nil, &AlignError{Needed: float64(ie.Needed) * fs, Have: float64(len(lp)) * fs}
	}
	if err != nil {
		return nil, err
	}
	res := &Alignment{Words: at.words, Duration: dur, Score: al.LogProb / float64(len(lp))}
	var edges []wordEdge
	if o.Raw {
		en = nil
	} else {
		edges = r.vocab.edges(lp, al, at)
	}
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
		start, end := times.start(f0), times.end(f1-1)
		if edges != nil {
			start = times.start(edges[i].start) + startOffset
			end = times.end(edges[i].end-1) + endOffset
		}
		if en != nil {
			lo, hi := prevEnd, dur
			if n := nextFound(at, i); n >= 0 {
				hi = times.start(al.Tokens[at.first[n]].Start)
			}
			start, end = en.snap(start, end, lo, hi)
		}
		// Chunk clocks can overlap by a fraction of a frame: keep words in order.
		w.Start = min(max(start, prevEnd), dur)
		w.End = max(min(end, dur), w.Start)
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

// alignFrames computes the network output for all of a recording (x, or
// read from read: forEachSpan), chunk by chunk at pauses (as Transcribe
// cuts), and the time of each chunk's first frame, so that a chunk's frames
// keep their own clock (each chunk loses a partial frame at its end).
// speech says whether any chunk had speech energy; it also returns the
// recording's energies, its length in samples and read's error.
func (r *Recognizer) alignFrames(x []float32, rate int, read func([]float32) (int, error)) ([][]float32, *frameTimes, bool, *energies, int, error) {
	fe := r.m.Config.FrontEnd
	stack := max(1, fe.Stack)
	ft := &frameTimes{fs: fe.FrameSeconds()}
	// A stacked frame covers base frames k..k+stack-1: samples from
	// k*shift to (k+stack-1)*shift+length. Centre an interval of fs there.
	ft.off = (float64(stack-1)*fe.FrameShiftMs + fe.FrameLengthMs - fe.FrameShiftMs*float64(stack)) / 2000
	var lp [][]float32
	speech := false
	en := newEnergyMeter(max(1, rate))
	n, err := r.forEachSpan(x, rate, read, func(x []float32, a, b int, sp bool) error {
		en.add(x, false)
		speech = speech || sp
		y := r.chunkLogProbs(x, rate)
		if len(y) == 0 {
			return nil
		}
		ft.first = append(ft.first, len(lp))
		ft.sec = append(ft.sec, float64(a)/float64(rate))
		lp = append(lp, y...)
		return nil
	})
	en.add(nil, true)
	return lp, ft, speech, &en.energies, n, err
}

// Edge refinement. A CTC network emits each label as a spike of one or two
// frames near its onset and the blank elsewhere, so the Viterbi path's last
// label frame comes well before a word's sound dies away (about 85 ms early
// at the median on scripts/bench/align's dev audio), while its first label
// frame is near the onset. The edges are moved to where the letters'
// posterior mass (1 - P(blank) - P(word separator)) falls under edgeMass,
// within the stretch between the word's neighbours, then shifted by
// constant offsets. edgeMass and the offsets were calibrated on the bench's
// train split (FSDD speakers other than nicolas, speech-commands-train;
// scripts/bench/align build -split train), never on its dev words.
const (
	edgeMass    = 0.05
	edgeMax     = 2   // frames an edge may move by the posteriors
	gapFrames   = 8   // frames between two labels of a word that split it (see core)
	startOffset = 0.0 // seconds added to each word's refined start
	endOffset   = 0.0 // seconds added to each word's refined end
)

// wordEdge is a word's refined frames [start, end).
type wordEdge struct{ start, end int }

// edges returns the refined frames of each spelled word of at on the path
// al through lp (entries of unspelled words are zero). A word's start moves
// back from its first label, and its end forward from its last, over frames
// whose letter mass is at least edgeMass, never past the word separator's
// frames or the neighbouring words' labels.
func (v *charVocab) edges(lp [][]float32, al *ctc.Alignment, at *alignText) []wordEdge {
	mass := func(t int) float64 {
		m := 1 - math.Exp(float64(lp[t][v.blank]))
		if v.space >= 0 {
			m -= math.Exp(float64(lp[t][v.space]))
		}
		return m
	}
	// lead is the first frame a word may take: after the labels before it
	// (its separator's, or the previous word's last).
	lead := func(i int) int {
		if k := at.first[i]; k > 0 {
			return al.Tokens[k-1].End
		}
		return 0
	}
	out := make([]wordEdge, len(at.words))
	prevEnd := 0
	for i := range at.words {
		if at.first[i] < 0 {
			continue
		}
		f0, f1 := v.core(lp, al, at.first[i], at.last[i])
		lo := max(lead(i), prevEnd)
		hi := len(lp)
		if k := at.last[i] + 1; k < len(al.Tokens) {
			hi = al.Tokens[k].Start
		}
		s, e := f0, f1
		for s > lo && s > f0-edgeMax && mass(s-1) >= edgeMass {
			s--
		}
		for e < hi && e < f1+edgeMax && mass(e) >= edgeMass {
			e++
		}
		out[i] = wordEdge{s, e}
		prevEnd = e
	}
	return out
}

// nextFound returns the index of the first spelled word after word i, or -1.
func nextFound(at *alignText, i int) int {
	for n := i + 1; n < len(at.words); n++ {
		if at.first[n] >= 0 {
			return n
		}
	}
	return -1
}

// Energy snapping: a word's edge found from the posteriors is moved to the
// edge of a quiet stretch within reach that holds or follows the word's
// last frame (for an end; precedes its first, for a start): up to
// snapReach seconds forward (snapBack back) of an end, the mirror for a
// start, never past the neighbouring words' labels. The stretch is the one
// nearest the word that lasts snapPause seconds or more (a pause: a stop's
// closure inside "up", "eight" or "stop" is shorter, so it does not end the
// word, while a breath or a click beyond a pause does not start it); with
// no such pause within reach, it is the longest quiet stretch. A closure
// before the posteriors' last frame (a release the network heard) does not
// end the word either, however long. A frame is quiet under the threshold,
// or in a run of fewer than snapMinLoud loud frames between quiet ones
// (clicks). The threshold is snapPeakDB under the word's loudest frame, or
// over the background of the edge's own side, whichever is higher. The
// background is measured next to the word: past the first frame snapTailDB
// under the word's peak, up to snapFloorFrames frames, stopping where the
// level drops snapStepDB under the median of the 5 frames before (noise
// that gives way to digital silence is measured on the word's side of the
// step). In it, the nearest snapSteadyFrames frames whose levels lie within
// snapSteadyDB of each other are a steady background (a recording's own
// hum or hiss, which may be louder than the audio beyond it): the
// threshold is snapSteadyOverDB over their median. With no steady stretch,
// it is snapFloorDB over the 10th percentile of the frames. With fewer than
// 5 frames, it is snapFloorDB over the 10th percentile of the side up to
// the neighbour within snapContext seconds (of both sides, when that is
// shorter than snapMinSide frames). With no quiet stretch of two frames within
// reach (continuous speech), an edge stays where the posteriors put it.
// The constants were calibrated on the alignment bench's training split
// (scripts/bench/align.sh, -split train).
const (
	snapReach        = 0.50
	snapBack         = 0.05
	snapContext      = 1.0
	snapFloorDB      = 6.0
	snapPeakDB       = 35.0
	snapMinSide      = 10 // energy frames (0.1 s)
	snapMinLoud      = 3  // energy frames
	snapTailDB       = 20.0
	snapFloorFrames  = 50
	snapStepDB       = 20.0
	snapPause        = 0.15
	snapSteadyFrames = 12
	snapSteadyDB     = 3.0
	snapSteadyOverDB = 2.0
)

// pct10 returns the 10th percentile of x (not empty).
func pct10(x []float32) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return float64(s[len(s)/10])
}

// energies holds the level of each 10 ms frame of the audio, in dB.
type energies struct {
	db  []float32
	hop float64 // seconds per frame
}

// energyMeter measures energies as the audio passes.
type energyMeter struct {
	energies
	n    int // samples per frame
	tail []float32
}

func newEnergyMeter(rate int) *energyMeter {
	n := max(1, rate/100)
	return &energyMeter{energies: energies{hop: float64(n) / float64(rate)}, n: n}
}

// add measures the next samples; final says they are the last.
func (e *energyMeter) add(x []float32, final bool) {
	e.db = appendLevels(e.db, &e.tail, e.n, x, final)
}

// frame returns the energy frame holding second t, clamped to the audio.
func (e *energies) frame(t float64) int {
	return min(max(0, int(t/e.hop)), len(e.db)-1)
}

// quietBeside returns the threshold of quiet next to a word whose loudest
// frame is peak dB (before the snapPeakDB bound), walking from frame f in
// direction dir (+1 after the word, -1 before it) up to frame lim
// (excluded); ok is false when fewer than 5 frames of background are found.
func (e *energies) quietBeside(f, dir, lim int, peak float64) (float64, bool) {
	for f != lim && float64(e.db[f]) > peak-snapTailDB {
		f += dir
	}
	var w []float32
	for ; f != lim && len(w) < snapFloorFrames; f += dir {
		if len(w) >= 5 {
			var m [5]float32
			copy(m[:], w[len(w)-5:])
			slices.Sort(m[:])
			if float64(e.db[f]) < float64(m[2])-snapStepDB {
				break
			}
		}
		w = append(w, e.db[f])
	}
	if len(w) < 5 {
		return 0, false
	}
	// The nearest steady stretch: a background of its own.
	for i := 0; i+snapSteadyFrames <= len(w); i++ {
		if m, ok := steady(w[i : i+snapSteadyFrames]); ok {
			return m + snapSteadyOverDB, true
		}
	}
	return pct10(w) + snapFloorDB, true
}

// steady returns the median of x and whether its levels lie within
// snapSteadyDB of each other.
func steady(x []float32) (float64, bool) {
	if float64(slices.Max(x)-slices.Min(x)) > snapSteadyDB {
		return 0, false
	}
	var m [snapSteadyFrames]float32
	n := copy(m[:], x)
	slices.Sort(m[:n])
	return float64(m[n/2]), true
}

// quietStretch returns the stretch [s, t) of quiet frames within frames
// [f0, f1] (see snapMinLoud), of at least two frames (one at either end of
// the audio), that reaches into [g0, g1]: the one nearest the word (the
// first, for dir +1, after a word; the last, for dir -1, before it) of
// those that last snapPause or more, or else the longest. ok is false when
// there is none.
func (e *energies) quietStretch(f0, f1, g0, g1, dir int, thr float64) (s, t int, ok bool) {
	if f1 < f0 {
		return 0, 0, false
	}
	quiet := make([]bool, f1-f0+1)
	for f := f0; f <= f1; {
		if float64(e.db[f]) < thr {
			quiet[f-f0] = true
			f++
			continue
		}
		r := f
		for f <= f1 && float64(e.db[f]) >= thr {
			f++
		}
		if f-r < snapMinLoud && r > f0 && f <= f1 {
			for k := r; k < f; k++ {
				quiet[k-f0] = true
			}
		}
	}
	pause := int(math.Round(snapPause / e.hop))
	s, t = -1, -1    // the longest
	ps, pt := -1, -1 // the nearest pause
	for f := f0; f <= f1; {
		if !quiet[f-f0] {
			f++
			continue
		}
		r := f
		for f <= f1 && quiet[f-f0] {
			f++
		}
		if f-1 < g0 || r > g1 {
			continue
		}
		if f-r >= pause && (ps < 0 || dir < 0) {
			ps, pt = r, f
		}
		// Two frames at least, or one at an end of the audio.
		long := f-r >= 2 || r == 0 || f == len(e.db)
		if long && f-r > t-s {
			s, t = r, f
		}
	}
	if ps >= 0 {
		return ps, pt, true
	}
	return s, t, s >= 0
}

// snap moves a word's edges [start, end] to the energy edges around them,
// keeping start >= lo and end <= hi (seconds).
func (e *energies) snap(start, end, lo, hi float64) (float64, float64) {
	if len(e.db) == 0 || end <= start {
		return start, end
	}
	a, b := e.frame(start), e.frame(end-1e-9)
	c0, c1 := e.frame(start-snapContext), e.frame(end+snapContext)
	// The side's threshold, when the background next to the word cannot
	// be measured: over the side's floor, or both sides' when it is short.
	side := func(f0, f1 int) float64 {
		if f1-f0 < snapMinSide {
			return pct10(e.db[c0:c1+1]) + snapFloorDB
		}
		return pct10(e.db[f0:f1]) + snapFloorDB
	}
	peak := float64(slices.Max(e.db[a : b+1]))
	hiF, loF := min(e.frame(hi), len(e.db)-1), max(e.frame(lo), 0)
	thrEnd, ok := e.quietBeside(b, 1, hiF, peak)
	if !ok {
		thrEnd = side(b+1, min(c1, e.frame(hi))+1)
	}
	thrStart, ok := e.quietBeside(a, -1, loF, peak)
	if !ok {
		thrStart = side(max(c0, e.frame(lo)), a)
	}
	thrStart = max(thrStart, peak-snapPeakDB)
	thrEnd = max(thrEnd, peak-snapPeakDB)
	newStart, newEnd := start, end
	endLim := min(e.frame(min(end+snapReach, hi)), len(e.db)-1)
	if s, _, ok := e.quietStretch(max(a+1, e.frame(end-snapBack)), endLim, b, endLim, 1, thrEnd); ok {
		newEnd = float64(s) * e.hop
	}
	startLim := max(e.frame(max(start-snapReach, lo)), 0)
	if _, t, ok := e.quietStretch(startLim, min(b-1, e.frame(start+snapBack)), startLim, a, -1, thrStart); ok {
		newStart = float64(t) * e.hop
	}
	newStart = max(newStart, lo)
	newEnd = min(newEnd, max(hi, newStart))
	if newEnd <= newStart {
		return start, end
	}
	return newStart, newEnd
}

// core returns the frames [f0, f1) of the labels first..last of a word that
// the network heard. A label it did not hear where the word is said must
// still go somewhere, and the Viterbi path puts it wherever its
// probability is least small, often at the next word's onset, a second or
// more away: so the labels are split into clusters wherever more than
// gapFrames frames separate two of them, and the cluster with the most
// probability mass (the sum over its label frames) stands for the word.
func (v *charVocab) core(lp [][]float32, al *ctc.Alignment, first, last int) (int, int) {
	bestMass, b0, b1 := -1.0, 0, 0
	c0, mass := first, 0.0
	for k := first; k <= last; k++ {
		tk := al.Tokens[k]
		if k > first && tk.Start-al.Tokens[k-1].End > gapFrames {
			if mass > bestMass {
				bestMass, b0, b1 = mass, c0, k-1
			}
			c0, mass = k, 0
		}
		for t := tk.Start; t < tk.End; t++ {
			mass += math.Exp(float64(lp[t][tk.Label]))
		}
	}
	if mass > bestMass {
		b0, b1 = c0, last
	}
	return al.Tokens[b0].Start, al.Tokens[b1].End
}
