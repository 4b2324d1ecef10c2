package wer

import (
	"sort"
	"strings"
)

// Options control scoring.
type Options struct {
	// Chars scores characters instead of words: the tokens are the
	// characters of the text other than white space, as sclite -c
	// splits them.
	Chars bool
	// CaseSensitive compares tokens exactly. By default they are
	// compared after folding to lower case, as sclite does without -s.
	CaseSensitive bool
	// Normalize, when not nil, rewrites both texts before they are
	// tokenized (text.Normalize, for example).
	Normalize func(string) string
	// Speaker returns the speaker of an utterance id. Nil means
	// SpeakerOf.
	Speaker func(id string) string
}

// SpeakerOf returns the speaker of an utterance id as sclite -i rm reads
// it: the part before the first '_' or '-', or "" when there is none.
func SpeakerOf(id string) string {
	if k := strings.IndexAny(id, "_-"); k >= 0 {
		return id[:k]
	}
	return ""
}

// An Utterance is the scored alignment of one reference with its
// hypothesis.
type Utterance struct {
	ID      string `json:"id"`
	Speaker string `json:"speaker,omitempty"`
	// Ref and Hyp are the tokens as written (before case folding).
	Ref []string `json:"ref"`
	Hyp []string `json:"hyp"`
	// Ops is the alignment, one letter per step (C, S, D, I).
	Ops string `json:"ops"`
	Counts
	// MissingHyp is set when the hypothesis was missing and every
	// reference token was counted as deleted.
	MissingHyp bool `json:"missing_hyp,omitempty"`

	Alignment Alignment `json:"-"`
}

// A Summary totals a set of utterances (one speaker, or all).
type Summary struct {
	Name       string `json:"name,omitempty"`
	Utterances int    `json:"utterances"`
	// SentErrors counts utterances with at least one error.
	SentErrors int `json:"sentence_errors"`
	Counts
}

// ErrorRate returns (S + D + I) / N, N the number of reference tokens.
func (s Summary) ErrorRate() float64 { return s.Counts.ErrorRate() }

// SER returns the sentence error rate, SentErrors / Utterances.
func (s Summary) SER() float64 { return ratio(s.SentErrors, s.Utterances) }

func (s *Summary) add(u *Utterance) {
	s.Utterances++
	if u.Errors() > 0 {
		s.SentErrors++
	}
	s.Counts = s.Counts.Add(u.Counts)
}

// A Report is the result of scoring a set of hypotheses against their
// references.
type Report struct {
	Unit       string      // "word" or "char"
	Total      Summary     // all utterances
	Speakers   []Summary   // per speaker, sorted by name
	Utterances []Utterance // in the order they were added
	// MissingHyp lists reference ids with no hypothesis; they are scored
	// as all deletions.
	MissingHyp []string
	// ExtraHyp lists hypothesis ids with no reference; they are not
	// scored.
	ExtraHyp []string
}

// A Scorer accumulates utterance alignments into a Report. The zero
// value is not usable; call NewScorer. A Scorer is not safe for
// concurrent use.
type Scorer struct {
	o        Options
	r        Report
	spk      map[string]int
	al       aligner
	ids      map[string]int32
	keepUtts bool
}

// NewScorer returns a Scorer with options o that keeps every
// utterance's alignment in the report.
func NewScorer(o Options) *Scorer {
	s := &Scorer{o: o, spk: map[string]int{}, ids: map[string]int32{}, keepUtts: true}
	s.r.Unit = "word"
	if o.Chars {
		s.r.Unit = "char"
	}
	return s
}

// KeepUtterances sets whether the report keeps per-utterance alignments
// (the default) or only the totals, which saves memory on large sets.
func (s *Scorer) KeepUtterances(keep bool) { s.keepUtts = keep }

func (s *Scorer) intern(toks []string) []int32 {
	out := make([]int32, len(toks))
	for i, t := range toks {
		if !s.o.CaseSensitive {
			t = foldCase(t)
		}
		id, ok := s.ids[t]
		if !ok {
			id = int32(len(s.ids))
			s.ids[t] = id
		}
		out[i] = id
	}
	return out
}

// foldCase lower-cases t, without allocating when it is already lower
// case ASCII.
func foldCase(t string) string {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= 0x80 || ('A' <= c && c <= 'Z') {
			return strings.ToLower(t)
		}
	}
	return t
}

// Add scores hyp against ref for utterance id and returns the counts.
func (s *Scorer) Add(id, ref, hyp string) Counts {
	return s.add(id, ref, hyp, false)
}

// AddMissing scores utterance id whose hypothesis is missing: every
// reference token is a deletion, and id is listed in MissingHyp.
func (s *Scorer) AddMissing(id, ref string) Counts {
	s.r.MissingHyp = append(s.r.MissingHyp, id)
	return s.add(id, ref, "", true)
}

// AddExtra records a hypothesis id that has no reference.
func (s *Scorer) AddExtra(id string) {
	s.r.ExtraHyp = append(s.r.ExtraHyp, id)
}

func (s *Scorer) add(id, ref, hyp string, missing bool) Counts {
	if s.o.Normalize != nil {
		ref = s.o.Normalize(ref)
		hyp = s.o.Normalize(hyp)
	}
	rt, ht := Tokens(ref, s.o.Chars), Tokens(hyp, s.o.Chars)
	al := s.al.align(s.intern(rt), s.intern(ht), s.keepUtts)
	spk := SpeakerOf(id)
	if s.o.Speaker != nil {
		spk = s.o.Speaker(id)
	}
	u := Utterance{ID: id, Speaker: spk, Ref: rt, Hyp: ht, Counts: al.Counts, MissingHyp: missing, Alignment: al}
	if s.keepUtts {
		u.Ops = opsString(al.Ops)
	}
	s.r.Total.add(&u)
	k, ok := s.spk[spk]
	if !ok {
		k = len(s.r.Speakers)
		s.spk[spk] = k
		s.r.Speakers = append(s.r.Speakers, Summary{Name: spk})
	}
	s.r.Speakers[k].add(&u)
	if s.keepUtts {
		s.r.Utterances = append(s.r.Utterances, u)
	}
	return al.Counts
}

func opsString(ops []Op) string {
	b := make([]byte, len(ops))
	for i, o := range ops {
		b[i] = byte(o)
	}
	return string(b)
}

// Report returns the report so far, speakers sorted by name. The
// Scorer must not be used afterwards.
func (s *Scorer) Report() *Report {
	r := &s.r
	sort.Slice(r.Speakers, func(i, j int) bool { return r.Speakers[i].Name < r.Speakers[j].Name })
	return r
}

// Score scores every reference against the hypothesis with the same id.
// References are taken in order; a reference without a hypothesis
// counts as all deletions (Report.MissingHyp), and hypotheses without a
// reference are listed in Report.ExtraHyp, in their order.
func Score(refs, hyps []Transcript, o Options) *Report {
	hm := make(map[string]string, len(hyps))
	for _, h := range hyps {
		hm[h.ID] = h.Text
	}
	s := NewScorer(o)
	rm := make(map[string]bool, len(refs))
	for _, r := range refs {
		rm[r.ID] = true
		if h, ok := hm[r.ID]; ok {
			s.Add(r.ID, r.Text, h)
		} else {
			s.AddMissing(r.ID, r.Text)
		}
	}
	for _, h := range hyps {
		if !rm[h.ID] {
			s.AddExtra(h.ID)
		}
	}
	return s.Report()
}

// ScoreMaps is Score for maps from id to text; utterances are taken in
// sorted id order.
func ScoreMaps(refs, hyps map[string]string, o Options) *Report {
	return Score(sortedTranscripts(refs), sortedTranscripts(hyps), o)
}

func sortedTranscripts(m map[string]string) []Transcript {
	out := make([]Transcript, 0, len(m))
	for id, t := range m {
		out = append(out, Transcript{ID: id, Text: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
