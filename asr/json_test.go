package asr

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestAppendJSON pins the layout of `transcribe --format json` (the CLI's
// goldens in testdata/cli/ hold the same bytes): 3 decimals, "words" always
// present, "nbest" only when there is one, no "-0", null for NaN, no HTML
// escaping.
func TestAppendJSON(t *testing.T) {
	for _, c := range []struct {
		name string
		file string
		r    Result
		want string
	}{
		{"rounding", "a.wav", Result{
			Text:     "hello <world>",
			Words:    []Word{{Word: "hello", Start: 0.12000000001, End: 0.4499, Confidence: 0.98765}, {Word: "<world>", Start: 0.5, End: 1.0, Confidence: -0.0000001}},
			NBest:    []Hypothesis{{Text: "hello <world>", Score: -12.34567, AcousticScore: -10.1, LMScore: -2.2}},
			Duration: 1.2345, ProcessingTime: 0.0421,
		}, `{"file":"a.wav","text":"hello <world>","words":[{"word":"hello","start":0.12,"end":0.45,"confidence":0.988},{"word":"<world>","start":0.5,"end":1,"confidence":0}],"nbest":[{"text":"hello <world>","score":-12.346,"acoustic_score":-10.1,"lm_score":-2.2}],"duration":1.235,"processing_time":0.042}`},
		{"not finite", "a<b>.wav", Result{
			Text:     "hello world",
			Words:    []Word{{Word: "hello", Start: 0.12345, End: 0.5, Confidence: 0.98765}, {Word: "world", Start: 0.6, End: 1.0004, Confidence: -0.0000001}},
			NBest:    []Hypothesis{{Text: "hello world", Score: -1.23456, AcousticScore: math.Inf(-1), LMScore: math.NaN()}},
			Duration: 1.5, ProcessingTime: 0.0123456,
		}, `{"file":"a<b>.wav","text":"hello world","words":[{"word":"hello","start":0.123,"end":0.5,"confidence":0.988},{"word":"world","start":0.6,"end":1,"confidence":0}],"nbest":[{"text":"hello world","score":-1.235,"acoustic_score":null,"lm_score":null}],"duration":1.5,"processing_time":0.012}`},
		{"empty", "", Result{}, `{"file":"","text":"","words":[],"duration":0,"processing_time":0}`},
		{"escapes", "dir/\"q\"\\x.wav", Result{Text: "a\tb\n\x01 & \u2028 \xff"},
			`{"file":"dir/\"q\"\\x.wav","text":"a\tb\n\u0001 & \u2028 \ufffd","words":[],"duration":0,"processing_time":0}`},
	} {
		got := string(AppendJSON(nil, &c.r, c.file))
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		// dst is extended, not overwritten.
		if got2 := string(AppendJSON([]byte("x"), &c.r, c.file)); got2 != "x"+c.want {
			t.Errorf("%s: appending to \"x\" gave %s", c.name, got2)
		}
	}
}

// TestAppendJSONRoundTrip decodes AppendJSON's output of seeded random
// results with encoding/json and compares it with the result rounded by
// Round3.
func TestAppendJSONRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	num := func() float64 { return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(7)-3)) }
	for range 200 {
		var r Result
		r.Text = "t"
		for range rng.IntN(4) {
			r.Words = append(r.Words, Word{Word: "w", Start: num(), End: num(), Confidence: num()})
		}
		for range rng.IntN(3) {
			r.NBest = append(r.NBest, Hypothesis{Text: "h", Score: num(), AcousticScore: num(), LMScore: num()})
		}
		r.Duration, r.ProcessingTime = num(), num()
		b := AppendJSON(nil, &r, "f")
		var got struct {
			File string `json:"file"`
			Result
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		want := r
		want.Words = append([]Word(nil), r.Words...)
		want.NBest = append([]Hypothesis(nil), r.NBest...)
		for i := range want.Words {
			w := &want.Words[i]
			w.Start, w.End, w.Confidence = Round3(w.Start), Round3(w.End), Round3(w.Confidence)
		}
		for i := range want.NBest {
			h := &want.NBest[i]
			h.Score, h.AcousticScore, h.LMScore = Round3(h.Score), Round3(h.AcousticScore), Round3(h.LMScore)
		}
		want.Duration, want.ProcessingTime = Round3(r.Duration), Round3(r.ProcessingTime)
		if len(want.Words) == 0 {
			want.Words = nil // "words":[] decodes as an empty slice
			got.Words = nil
		}
		if got.File != "f" || !reflect.DeepEqual(got.Result, want) {
			t.Fatalf("round trip of %s:\n got %+v\nwant %+v", b, got.Result, want)
		}
	}
}

func TestRound3(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{0.0004999, 0}, {-0.0004, 0}, {0.0005, 0.001}, {1.23456, 1.235}, {-2.5e-4, 0}, {12345.6789, 12345.679},
	} {
		if got := Round3(c.in); got != c.want || math.Signbit(got) {
			t.Errorf("Round3(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
