package asr

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Options controls decoding. The fields a request may set are the rows of
// [OptionTable]; set them by name with [Options.Set], which parses and
// range-checks as the CLI, the HTTP server and the browser engine do.
type Options struct {
	Beam    int     // prefix beam width; 0 or 1 decodes greedily
	UseLM   bool    // fuse the model's word n-gram LM (beam search only)
	Lexicon bool    // with UseLM: only words of the LM's vocabulary (and hotwords)
	Alpha   float64 // LM weight
	Beta    float64 // word insertion bonus
	// BlankPenalty is subtracted from the CTC blank's log-probability in
	// every frame before beam search (not greedy decoding): a positive value
	// makes labels cheaper, which counters the deletions a model makes on
	// speech unlike its training data. Hypothesis scores (Score,
	// AcousticScore) are then those of the penalized log-probabilities.
	BlankPenalty float64
	Hotwords     []Hotword // boosted words (beam search only)
	NBest        int       // hypotheses kept in Result.NBest (0: none)
	Timestamps   bool      // fill Result.Words (times and confidences)
	// MinConfidence drops recognized words whose confidence (Word.Confidence)
	// is below it, from Text and Words (not from NBest); 0, the default,
	// keeps every word. With the default model, 0.3 dropped 34 of the 40
	// words invented on six 4 s clips of white and pink noise, but also 62
	// of 614 words (10%) on 101 speechocean762-dev clips, so it is off
	// unless asked for.
	MinConfidence float64
	// Punctuate restores punctuation and capitals in each segment's text
	// and words with the embedded text/punct tagger (a segment is read as
	// one utterance: it starts with a capital and ends a sentence). Words
	// keep their times; scoring (text/wer) ignores the marks and case.
	Punctuate bool
	VAD       VADOptions
}

// DefaultOptions returns beam search of width 32 with the model's LM when it
// has one, restricted to the LM's words, a blank penalty of 1, word
// timestamps, an n-best list of [DefaultNBest] and no confidence threshold.
// Alpha, Beta and BlankPenalty were chosen on one speaker half of
// speechocean762-dev with the default model and checked on the other half,
// the held-out voice and FSDD (see asr/default/README.md).
func DefaultOptions() Options {
	return Options{Beam: 32, UseLM: true, Lexicon: true, Alpha: 0.6, Beta: 1.0, BlankPenalty: 1.0,
		NBest: DefaultNBest, Timestamps: true, VAD: DefaultVADOptions()}
}

// Bounds of request options, the ranges of [OptionTable].
const (
	MaxBeam      = 256 // widest beam a request may ask for
	MaxNBest     = 20  // longest n-best list a request may ask for
	DefaultNBest = 3   // n-best list length when a request does not say
	MaxHotwords  = 100 // hotwords per request
	MaxHotword   = 100 // bytes in one hotword
	MaxBoost     = 100 // |boost| of a hotword, in log units

	// DefaultHotwordBoost is the boost of a hotword given without one.
	DefaultHotwordBoost = 5.0
)

// OptionKind is the type of an option's value.
type OptionKind int

const (
	IntOption      OptionKind = iota // a decimal integer in [Min, Max]
	FloatOption                      // a finite number in [Min, Max]
	BoolOption                       // true/false, 1/0 (strconv.ParseBool); "" means true
	HotwordsOption                   // WORD[:BOOST], several separated by commas; repeatable
)

// An Option is one row of [OptionTable]: a setting of a recognition request,
// its names and its range. The CLI's flag is --Name, the HTTP server's query
// and form field is Name, and the browser engine's JSON key is JSON.
type Option struct {
	Name    string   // "beam", "blank-penalty", ...
	JSON    string   // "beam", "blankPenalty", ...
	Aliases []string // other accepted names ("hotwords" for "hotword")
	Kind    OptionKind
	Min     float64 // range of IntOption and FloatOption
	Max     float64
	Help    string // one line, lower case, no final period

	field func(o *Options) any // pointer to the field the option sets
}

// OptionTable is the one list of recognition options. Set, the CLI's flags,
// the server's query and form fields, the browser engine's JSON keys and
// their usage texts all come from it; adding an option is adding a row (and
// a field to Options that the recognizer uses).
var OptionTable = []Option{
	{Name: "beam", JSON: "beam", Kind: IntOption, Min: 1, Max: MaxBeam,
		Help:  "beam width; 1 decodes greedily (fastest, no LM)",
		field: func(o *Options) any { return &o.Beam }},
	{Name: "lm", JSON: "lm", Kind: BoolOption,
		Help:  "fuse the model's word language model in beam search",
		field: func(o *Options) any { return &o.UseLM }},
	{Name: "lexicon", JSON: "lexicon", Kind: BoolOption,
		Help:  "spell only words the LM knows (and hotwords); false allows any spelling",
		field: func(o *Options) any { return &o.Lexicon }},
	{Name: "alpha", JSON: "alpha", Kind: FloatOption, Min: 0, Max: 100,
		Help:  "language model weight",
		field: func(o *Options) any { return &o.Alpha }},
	{Name: "beta", JSON: "beta", Kind: FloatOption, Min: -100, Max: 100,
		Help:  "word insertion bonus",
		field: func(o *Options) any { return &o.Beta }},
	{Name: "blank-penalty", JSON: "blankPenalty", Kind: FloatOption, Min: -100, Max: 100,
		Help:  "subtracted from the CTC blank's log-probability before beam search; higher keeps more letters",
		field: func(o *Options) any { return &o.BlankPenalty }},
	{Name: "hotword", JSON: "hotwords", Aliases: []string{"hotwords"}, Kind: HotwordsOption,
		Help:  fmt.Sprintf("boost WORD (a name, a rare term) in beam search by BOOST log units (default %g); WORD[:BOOST], comma-separated, repeatable", float64(DefaultHotwordBoost)),
		field: func(o *Options) any { return &o.Hotwords }},
	{Name: "nbest", JSON: "nbest", Kind: IntOption, Min: 0, Max: MaxNBest,
		Help:  "keep the N best hypotheses",
		field: func(o *Options) any { return &o.NBest }},
	{Name: "timestamps", JSON: "timestamps", Kind: BoolOption,
		Help:  "word start and end times and confidences",
		field: func(o *Options) any { return &o.Timestamps }},
	{Name: "min-confidence", JSON: "minConfidence", Kind: FloatOption, Min: 0, Max: 1,
		Help:  "drop words whose confidence is below this (0 keeps all; 0.3 drops most words invented on noise, and 10% of words on speech)",
		field: func(o *Options) any { return &o.MinConfidence }},
	{Name: "punctuate", JSON: "punctuate", Kind: BoolOption,
		Help:  "restore punctuation and capitals with the punctuation tagger (text/punct), segment by segment",
		field: func(o *Options) any { return &o.Punctuate }},
}

// LookupOption returns the row of OptionTable called name (its Name, JSON
// key or an alias).
func LookupOption(name string) (*Option, bool) {
	for i := range OptionTable {
		r := &OptionTable[i]
		if r.Name == name || r.JSON == name {
			return r, true
		}
		for _, a := range r.Aliases {
			if a == name {
				return r, true
			}
		}
	}
	return nil, false
}

// OptionNames returns the options' names, in table order.
func OptionNames() []string {
	n := make([]string, len(OptionTable))
	for i, r := range OptionTable {
		n[i] = r.Name
	}
	return n
}

// Range describes the values the option accepts, as usage texts show it.
func (r *Option) Range() string {
	switch r.Kind {
	case IntOption:
		return fmt.Sprintf("%g..%g", r.Min, r.Max)
	case FloatOption:
		return fmt.Sprintf("%g..%g", r.Min, r.Max)
	case BoolOption:
		return "true or false"
	}
	return fmt.Sprintf("WORD[:BOOST], at most %d words, |BOOST| <= %d", MaxHotwords, MaxBoost)
}

// Get returns the option's value in o in the form Set parses ("" for no
// hotwords).
func (r *Option) Get(o *Options) string {
	switch p := r.field(o).(type) {
	case *int:
		return strconv.Itoa(*p)
	case *float64:
		return strconv.FormatFloat(*p, 'g', -1, 64)
	case *bool:
		return strconv.FormatBool(*p)
	case *[]Hotword:
		s := make([]string, len(*p))
		for i, h := range *p {
			s[i] = h.Word + ":" + strconv.FormatFloat(h.Boost, 'g', -1, 64)
		}
		return strings.Join(s, ",")
	}
	panic("asr: option " + r.Name + " has a field of an unknown type")
}

// Set parses value and sets the option called name in o. Hotwords are
// appended to o.Hotwords; other options replace the value. The error is an
// *OptionError (errors.Is(err, ErrOption)): an unknown name, a value that
// does not parse, or one out of the option's range; o is then unchanged.
func (o *Options) Set(name, value string) error {
	r, ok := LookupOption(name)
	if !ok {
		return &OptionError{Name: name, Value: value, Msg: "unknown option; known: " + strings.Join(OptionNames(), ", ")}
	}
	return r.set(o, value)
}

func (r *Option) set(o *Options, value string) error {
	v := strings.TrimSpace(value)
	bad := func(want string) error {
		return &OptionError{Name: r.Name, Value: value, Msg: "want " + want}
	}
	switch p := r.field(o).(type) {
	case *int:
		n, err := strconv.Atoi(v)
		if err != nil || float64(n) < r.Min || float64(n) > r.Max {
			return bad(fmt.Sprintf("an integer from %g to %g", r.Min, r.Max))
		}
		*p = n
	case *float64:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || f < r.Min || f > r.Max {
			return bad(fmt.Sprintf("a number from %g to %g", r.Min, r.Max))
		}
		*p = f
	case *bool:
		if v == "" {
			*p = true // "?timestamps" alone, like a bare CLI flag
			return nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return bad("true or false")
		}
		*p = b
	case *[]Hotword:
		hs, err := ParseHotwords(value)
		if err != nil {
			return err
		}
		if len(hs) == 0 {
			return bad("WORD or WORD:BOOST, not nothing")
		}
		if len(*p)+len(hs) > MaxHotwords {
			return &OptionError{Name: r.Name, Value: value, Msg: fmt.Sprintf("too many hotwords: %d, at most %d", len(*p)+len(hs), MaxHotwords)}
		}
		*p = append(*p, hs...)
	default:
		panic("asr: option " + r.Name + " has a field of an unknown type")
	}
	return nil
}

// Check reports the first option of o that lies outside its row's range,
// as Set would have refused it, for options built as a struct. Beam 0
// (greedy, as in the zero Options) is accepted.
func (o *Options) Check() error {
	for i := range OptionTable {
		r := &OptionTable[i]
		switch p := r.field(o).(type) {
		case *int:
			if r.Name == "beam" && *p == 0 {
				continue
			}
			if float64(*p) < r.Min || float64(*p) > r.Max {
				return &OptionError{Name: r.Name, Value: strconv.Itoa(*p), Msg: fmt.Sprintf("want an integer from %g to %g", r.Min, r.Max)}
			}
		case *float64:
			if math.IsNaN(*p) || *p < r.Min || *p > r.Max {
				return &OptionError{Name: r.Name, Value: r.Get(o), Msg: fmt.Sprintf("want a number from %g to %g", r.Min, r.Max)}
			}
		case *[]Hotword:
			if len(*p) > MaxHotwords {
				return &OptionError{Name: r.Name, Value: r.Get(o), Msg: fmt.Sprintf("too many hotwords: %d, at most %d", len(*p), MaxHotwords)}
			}
			for _, h := range *p {
				if _, err := NewHotword(h.Word, h.Boost); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ParseHotword parses one hotword, WORD or WORD:BOOST. The boost follows the
// last colon, so a word may hold colons ("c:drive:3"). The word is trimmed
// and lower-cased (the vocabulary is); see [NewHotword] for what is refused.
func ParseHotword(s string) (Hotword, error) {
	t := strings.TrimSpace(s)
	word, boost := t, float64(DefaultHotwordBoost)
	if i := strings.LastIndexByte(t, ':'); i >= 0 {
		b, err := strconv.ParseFloat(strings.TrimSpace(t[i+1:]), 64)
		if err != nil {
			return Hotword{}, &OptionError{Name: "hotword", Value: s, Msg: "want WORD or WORD:BOOST with a number for BOOST"}
		}
		word, boost = t[:i], b
	}
	return NewHotword(word, boost)
}

// NewHotword checks a hotword given as a word and a boost: the word, trimmed
// and lower-cased, must be one word (no spaces) of at most MaxHotword bytes,
// and the boost a number of magnitude at most MaxBoost (NaN and infinities
// are refused).
func NewHotword(word string, boost float64) (Hotword, error) {
	w := strings.ToLower(strings.TrimSpace(word))
	bad := func(msg string) (Hotword, error) {
		return Hotword{}, &OptionError{Name: "hotword", Value: word + ":" + strconv.FormatFloat(boost, 'g', -1, 64), Msg: msg}
	}
	switch {
	case w == "":
		return bad("no word before the boost")
	case strings.ContainsAny(w, " \t\r\n"):
		return bad("one word, without spaces")
	case len(w) > MaxHotword:
		return bad(fmt.Sprintf("a word of at most %d bytes", MaxHotword))
	case math.IsNaN(boost) || math.Abs(boost) > MaxBoost:
		return bad(fmt.Sprintf("a boost from %d to %d", -MaxBoost, MaxBoost))
	}
	return Hotword{Word: w, Boost: boost}, nil
}

// ParseHotwords parses comma-separated hotwords (each as [ParseHotword]);
// empty items are skipped.
func ParseHotwords(s string) ([]Hotword, error) {
	var out []Hotword
	for _, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		h, err := ParseHotword(f)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// An OptionError is an option that Set or Check refused.
type OptionError struct {
	Name  string // the option as named by the caller
	Value string
	Msg   string // what was wanted
}

func (e *OptionError) Error() string {
	if _, ok := LookupOption(e.Name); !ok {
		return fmt.Sprintf("unknown option %q; known: %s", e.Name, strings.Join(OptionNames(), ", "))
	}
	return fmt.Sprintf("bad %s %q: %s", e.Name, e.Value, e.Msg)
}

// Is makes errors.Is(err, ErrOption) true.
func (e *OptionError) Is(target error) bool { return target == ErrOption }

// ErrOption matches (errors.Is) every *OptionError.
var ErrOption = errors.New("asr: bad option")
