package asr

import (
	"bytes"
	"errors"
	"math"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/audio"
)

func TestOptionsSet(t *testing.T) {
	for _, c := range []struct {
		name, value string
		edit        func(o *Options)
	}{
		{"beam", "4", func(o *Options) { o.Beam = 4 }},
		{"beam", " 1 ", func(o *Options) { o.Beam = 1 }},
		{"beam", "256", func(o *Options) { o.Beam = 256 }},
		{"nbest", "0", func(o *Options) { o.NBest = 0 }},
		{"nbest", "20", func(o *Options) { o.NBest = 20 }},
		{"lm", "false", func(o *Options) { o.UseLM = false }},
		{"lm", "0", func(o *Options) { o.UseLM = false }},
		{"lexicon", "", func(o *Options) { o.Lexicon = true }},
		{"alpha", "0.5", func(o *Options) { o.Alpha = 0.5 }},
		{"beta", "-1.5", func(o *Options) { o.Beta = -1.5 }},
		{"blank-penalty", "0.75", func(o *Options) { o.BlankPenalty = 0.75 }},
		{"blankPenalty", "2", func(o *Options) { o.BlankPenalty = 2 }},
		{"timestamps", "false", func(o *Options) { o.Timestamps = false }},
		{"min-confidence", "0.3", func(o *Options) { o.MinConfidence = 0.3 }},
		{"minConfidence", "1", func(o *Options) { o.MinConfidence = 1 }},
		{"hotword", "Ecoute", func(o *Options) { o.Hotwords = []Hotword{{"ecoute", DefaultHotwordBoost}} }},
		{"hotwords", "a:1, b:-2,,", func(o *Options) { o.Hotwords = []Hotword{{"a", 1}, {"b", -2}} }},
		{"hotword", "c:drive:3", func(o *Options) { o.Hotwords = []Hotword{{"c:drive", 3}} }},
	} {
		got, want := DefaultOptions(), DefaultOptions()
		c.edit(&want)
		if err := got.Set(c.name, c.value); err != nil {
			t.Errorf("Set(%q, %q): %v", c.name, c.value, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Set(%q, %q): %+v, want %+v", c.name, c.value, got, want)
		}
	}
	for _, c := range [][2]string{
		{"beam", "0"}, {"beam", "-3"}, {"beam", "x"}, {"beam", "257"}, {"beam", "1.5"},
		{"nbest", "-1"}, {"nbest", "21"}, {"lm", "maybe"},
		{"alpha", "NaN"}, {"alpha", "-1"}, {"beta", "1e309"}, {"beta", "Inf"}, {"blank-penalty", "x"},
		{"min-confidence", "1.5"}, {"min-confidence", "-0.1"},
		{"hotword", ""}, {"hotword", " , "}, {"hotword", ":3"}, {"hotword", "a:b"}, {"hotword", "a:nan"}, {"hotword", "a:inf"},
		{"hotword", "a:101"}, {"hotword", "two words"}, {"hotword", strings.Repeat("x", 101)},
		{"hotword", strings.Repeat("w,", MaxHotwords+1)}, {"colour", "blue"},
	} {
		o := DefaultOptions()
		err := o.Set(c[0], c[1])
		var oe *OptionError
		if !errors.As(err, &oe) || !errors.Is(err, ErrOption) {
			t.Errorf("Set(%q, %q) = %v, want an *OptionError", c[0], c[1], err)
		}
		if !reflect.DeepEqual(o, DefaultOptions()) {
			t.Errorf("Set(%q, %q) changed the options after refusing", c[0], c[1])
		}
	}
}

// TestOptionTableRoundTrip checks that Get gives what Set parses back, for
// every row, and that names are unique across rows.
func TestOptionTableRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	o := DefaultOptions()
	o.Hotwords = []Hotword{{"a:b", 2.5}, {"c", -1}}
	o.MinConfidence = 0.25
	for i := range OptionTable {
		r := &OptionTable[i]
		names := map[string]bool{r.Name: true, r.JSON: true}
		for _, a := range r.Aliases {
			names[a] = true
		}
		for n := range names {
			if seen[n] {
				t.Errorf("name %q used by two rows", n)
			}
			seen[n] = true
		}
		if r.Help == "" {
			t.Errorf("%s: no help", r.Name)
		}
		var p Options
		if r.Kind == HotwordsOption {
			p.Hotwords = nil
		}
		if err := p.Set(r.Name, r.Get(&o)); err != nil {
			t.Errorf("%s: Set(Get) = %v", r.Name, err)
		}
		if r.Get(&p) != r.Get(&o) {
			t.Errorf("%s: Get after Set = %q, want %q", r.Name, r.Get(&p), r.Get(&o))
		}
	}
	if err := o.Check(); err != nil {
		t.Errorf("Check(defaults + hotwords) = %v", err)
	}
	d := DefaultOptions()
	if err := d.Check(); err != nil {
		t.Errorf("Check(DefaultOptions()) = %v", err)
	}
	for _, edit := range []func(o *Options){
		func(o *Options) { o.Beam = MaxBeam + 1 },
		func(o *Options) { o.Alpha = math.NaN() },
		func(o *Options) { o.Hotwords = []Hotword{{"x", math.Inf(1)}} },
		func(o *Options) { o.Hotwords = []Hotword{{"", 1}} },
		func(o *Options) { o.NBest = -1 },
	} {
		o := DefaultOptions()
		edit(&o)
		if err := o.Check(); !errors.Is(err, ErrOption) {
			t.Errorf("Check(%+v) = %v, want ErrOption", o, err)
		}
	}
}

func TestLimitsSet(t *testing.T) {
	var l Limits
	for _, c := range []struct {
		name, value string
		want        Limits
	}{
		{"max-duration", "90s", Limits{MaxSeconds: 90}},
		{"max-duration", "2.5", Limits{MaxSeconds: 2.5}},
		{"max-body", "1024", Limits{MaxBytes: 1024}},
		{"max-body", "10MiB", Limits{MaxBytes: 10 << 20}},
	} {
		l = Limits{}
		if err := l.Set(c.name, c.value); err != nil || l != c.want {
			t.Errorf("Set(%q, %q) = %v, %+v; want %+v", c.name, c.value, err, l, c.want)
		}
		if got := l.Get(c.name); got == "" {
			t.Errorf("Get(%q) empty", c.name)
		}
	}
	for _, c := range [][2]string{{"max-duration", "0"}, {"max-duration", "-1s"}, {"max-duration", "soon"},
		{"max-body", "0"}, {"max-body", "1.5"}, {"max-body", "9999999999GiB"}, {"max-speed", "1"}} {
		l = Limits{MaxSeconds: 1}
		if err := l.Set(c[0], c[1]); !errors.Is(err, ErrOption) || l.MaxSeconds != 1 {
			t.Errorf("Set(%q, %q) = %v, %+v; want ErrOption and no change", c[0], c[1], err, l)
		}
	}
}

// TestMinConfidence checks that words under the threshold leave Text and
// Words, and only those.
func TestMinConfidence(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	wav, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	all, err := Recognize(m, o, Limits{}, wav)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Words) < 2 {
		t.Fatalf("hello.wav gave %d words", len(all.Words))
	}
	cs := make([]float64, len(all.Words))
	for i, w := range all.Words {
		cs[i] = w.Confidence
	}
	sort.Float64s(cs)
	o.MinConfidence = cs[len(cs)/2]
	some, err := Recognize(m, o, Limits{}, wav)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, w := range all.Words {
		if w.Confidence >= o.MinConfidence {
			kept = append(kept, w.Word)
		}
	}
	var got []string
	for _, w := range some.Words {
		got = append(got, w.Word)
	}
	if !reflect.DeepEqual(got, kept) || some.Text != strings.Join(kept, " ") || len(kept) == len(all.Words) {
		t.Errorf("threshold %g: words %q text %q; want %q of %d", o.MinConfidence, got, some.Text, kept, len(all.Words))
	}
}

// TestRequestErrors checks the typed errors of Limits and Recognize.
func TestRequestErrors(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	wav, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Fatal(err)
	}
	var empty bytes.Buffer
	if err := audio.EncodeWAV(&empty, nil, 16000); err != nil {
		t.Fatal(err)
	}
	bad := DefaultOptions()
	bad.Beam = MaxBeam + 1
	for _, c := range []struct {
		name string
		o    Options
		l    Limits
		b    []byte
		want error
	}{
		{"too large", DefaultOptions(), Limits{MaxBytes: 1000}, wav, ErrTooLarge},
		{"too long", DefaultOptions(), Limits{MaxSeconds: 0.5}, wav, ErrTooLong},
		{"not audio", DefaultOptions(), Limits{}, []byte("hello, this is text, not audio"), ErrFormat},
		{"no samples", DefaultOptions(), Limits{}, empty.Bytes(), ErrEmpty},
		{"bad option", bad, Limits{}, wav, ErrOption},
	} {
		_, err := Recognize(m, c.o, c.l, c.b)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if res, err := Recognize(m, DefaultOptions(), DefaultLimits(), wav); err != nil || res.Text == "" {
		t.Errorf("within the limits: %v, %+v", err, res)
	}
}
