package wasm

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/asrtest"
	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/audio/features"
)

// tinyModel is an untrained model with the default front end and a small
// network: enough to run the whole pipeline.
func tinyModel(t testing.TB) []byte {
	t.Helper()
	b, err := asrtest.ModelFile(asrtest.Options{Hidden: 16, Layers: 1, Std: 0.3, Seed: [2]uint64{8, 1}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// chirp is a deterministic test signal: a rising tone with a slow envelope.
func chirp(n, rate int) []float32 {
	x := make([]float32, n)
	for i := range x {
		s := float64(i) / float64(rate)
		x[i] = float32(0.4 * math.Sin(2*math.Pi*(200+300*s)*s) * (0.6 + 0.4*math.Sin(2*math.Pi*1.5*s)))
	}
	return x
}

func wavBytes(t testing.TB, x []float32, rate int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := audio.EncodeWAV(&b, x, rate); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestParseOptions(t *testing.T) {
	o, err := ParseOptions(`{"beam": 4, "lm": false, "nbest": 3, "timestamps": true, "alpha": 0.7, "blankPenalty": 0.5,
		"minConfidence": 0.25, "hotwords": ["Gopher:3", {"word": "ecoute"}, {"word": "wasm", "boost": 1.5}]}`)
	if err != nil {
		t.Fatal(err)
	}
	a, err := o.asrOptions()
	if err != nil {
		t.Fatal(err)
	}
	want := asr.DefaultOptions()
	want.Beam, want.UseLM, want.NBest, want.Timestamps, want.Alpha, want.BlankPenalty, want.MinConfidence = 4, false, 3, true, 0.7, 0.5, 0.25
	want.Hotwords = []asr.Hotword{{Word: "gopher", Boost: 3}, {Word: "ecoute", Boost: asr.DefaultHotwordBoost}, {Word: "wasm", Boost: 1.5}}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("asr options\n got %+v\nwant %+v", a, want)
	}
	o, err = ParseOptions(`{"hotwords": "alpha, beta:2.5,"}`)
	if err != nil {
		t.Fatal(err)
	}
	a, err = o.asrOptions()
	if want := []asr.Hotword{{Word: "alpha", Boost: asr.DefaultHotwordBoost}, {Word: "beta", Boost: 2.5}}; err != nil || !reflect.DeepEqual(a.Hotwords, want) {
		t.Errorf("hotwords string: got %+v, %v; want %+v", a.Hotwords, err, want)
	}
	if o, err := ParseOptions(""); err != nil || len(o) != 0 {
		t.Errorf(`ParseOptions("") = %+v, %v`, o, err)
	}
	if a, err := (Options{}).asrOptions(); err != nil || !reflect.DeepEqual(a, asr.DefaultOptions()) {
		t.Errorf("no options = %+v, %v; want asr.DefaultOptions()", a, err)
	}
	// The defaults the page shows are asr's, key for key.
	d, err := DefaultOptions().asrOptions()
	if err != nil || !reflect.DeepEqual(d, asr.DefaultOptions()) {
		t.Errorf("DefaultOptions() = %+v, %v; want asr.DefaultOptions()", d, err)
	}
	if string(DefaultOptions()["nbest"]) != "3" {
		t.Errorf("default nbest %s, want 3 (the page patched 0 to 3)", DefaultOptions()["nbest"])
	}
	for _, bad := range []string{`{"beem": 3}`, `{"blank-penalty": 1}`, `[`, `3`} {
		if _, err := ParseOptions(bad); code(err) != CodeOptions {
			t.Errorf("ParseOptions(%s): %v, want code %q", bad, err, CodeOptions)
		}
	}
	for _, bad := range []string{`{"beam": 0}`, `{"beam": 5000}`, `{"beam": "wide"}`, `{"beam": 2.5}`, `{"nbest": -1}`, `{"nbest": 50}`,
		`{"lm": 1}`, `{"alpha": true}`, `{"hotwords": 3}`, `{"hotwords": "x:y"}`, `{"hotwords": "x:NaN"}`,
		`{"hotwords": [{"boost": 1}]}`, `{"hotwords": [{"word": "a,b"}]}`, `{"minConfidence": 2}`} {
		o, err := ParseOptions(bad)
		if err == nil {
			_, err = o.asrOptions()
		}
		if code(err) != CodeOptions {
			t.Errorf("%s: error %v, want code %q", bad, err, CodeOptions)
		}
	}
}

func TestProbeAndLimits(t *testing.T) {
	e := NewEngine()
	e.Limits = Limits{MaxSeconds: 2, MaxBytes: 1 << 20}
	ok := wavBytes(t, chirp(16000, 16000), 16000)
	info, err := e.Probe(ok[:100], int64(len(ok)))
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != "wav" || info.SampleRate != 16000 || info.Channels != 1 || math.Abs(info.Duration-1) > 1e-9 {
		t.Errorf("Probe = %+v", info)
	}
	long := wavBytes(t, make([]float32, 16000*3), 16000)
	cases := []struct {
		name string
		head []byte
		size int64
		want string
	}{
		{"too long", long[:100], int64(len(long)), CodeTooLong},
		{"too large", ok[:100], 2 << 20, CodeTooLarge},
		{"not audio", []byte("<html><body>hello</body></html>"), 31, CodeFormat},
		{"empty", nil, 0, CodeEmpty},
	}
	for _, c := range cases {
		_, err := e.Probe(c.head, c.size)
		if code(err) != c.want {
			t.Errorf("%s: error %v (code %q), want code %q", c.name, err, code(err), c.want)
		}
	}
	// A header that does not fit in the probe is left to the full decode.
	if _, err := e.Probe(ok[:20], int64(len(ok))); err != nil {
		t.Errorf("short head: %v", err)
	}
	// The full-file paths apply the same limits.
	if _, err := e.Transcribe(Audio{File: long}, Options{}); code(err) != CodeNoModel {
		t.Errorf("no model: %v", err)
	}
	if _, _, err := e.Decode(Audio{File: long}, 0); code(err) != CodeTooLong {
		t.Errorf("Decode long file: %v", err)
	}
	if _, _, err := e.Decode(Audio{Samples: make([]float32, 16000*3), Rate: 16000}, 0); code(err) != CodeTooLong {
		t.Errorf("Decode long samples: %v", err)
	}
	if _, _, err := e.Decode(Audio{Samples: []float32{}, Rate: 16000}, 0); code(err) != CodeEmpty {
		t.Errorf("Decode empty samples: %v", err)
	}
	if _, _, err := e.Decode(Audio{Samples: []float32{1}, Rate: 5}, 0); code(err) != CodeOptions {
		t.Errorf("Decode at 5 Hz: %v", err)
	}
	if _, _, err := e.Decode(Audio{File: wavBytes(t, nil, 16000)}, 0); code(err) != CodeEmpty {
		t.Errorf("Decode WAV without samples: %v", err)
	}
	if _, _, err := e.Decode(Audio{File: ok[:len(ok)/2]}, 0); err != nil {
		t.Logf("truncated WAV: %v", err) // decoders may accept a short data chunk
	}
}

func TestPanicsBecomeErrors(t *testing.T) {
	e := NewEngine()
	_, _, err := e.Decode(Audio{File: []byte("RIFF"), Samples: []float32{0}}, 0)
	var ee *Error
	if !errors.As(err, &ee) || ee.Code != CodeInternal || !strings.Contains(ee.Stack, "wasm.(*Engine).decode") {
		t.Fatalf("misuse inside the engine: got %v, want a CodeInternal error with a stack", err)
	}
}

func TestDecodeResamples(t *testing.T) {
	e := NewEngine()
	x := chirp(44100, 44100)
	p, info, err := e.Decode(Audio{File: wavBytes(t, x, 44100)}, 16000)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rate != 16000 || info.SampleRate != 44100 || info.Format != "wav" {
		t.Errorf("rate %d, info %+v", p.Rate, info)
	}
	if n := len(p.Samples); n < 15990 || n > 16010 {
		t.Errorf("%d samples, want about 16000", n)
	}
}

func TestFeaturesMatchThePackage(t *testing.T) {
	e := NewEngine()
	x := chirp(8000, 16000)
	for _, kind := range []string{"mfcc", "fbank"} {
		fm, err := e.Features(Audio{Samples: x, Rate: 16000}, FeatureOptions{Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		var want [][]float32
		if kind == "mfcc" {
			o := features.DefaultMFCCOptions()
			o.Frame.Dither = 0
			m, err := features.NewMFCC(o)
			if err != nil {
				t.Fatal(err)
			}
			want = m.Compute(x)
		} else {
			o := features.DefaultFbankOptions()
			o.Frame.Dither = 0
			f, err := features.NewFbank(o)
			if err != nil {
				t.Fatal(err)
			}
			want = f.Compute(x)
		}
		if fm.Frames != len(want) || fm.Dims != len(want[0]) || fm.FrameShift != 0.01 {
			t.Fatalf("%s: %d x %d shift %v, want %d x %d shift 0.01", kind, fm.Frames, fm.Dims, fm.FrameShift, len(want), len(want[0]))
		}
		for i, row := range want {
			if !reflect.DeepEqual(fm.Data[i*fm.Dims:(i+1)*fm.Dims], row) {
				t.Fatalf("%s: frame %d differs", kind, i)
			}
		}
	}
	if _, err := e.Features(Audio{Samples: x, Rate: 16000}, FeatureOptions{Kind: "cqt"}); code(err) != CodeOptions {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := ParseFeatureOptions(`{"kind": "fbank", "bins": 64}`); err != nil {
		t.Error(err)
	}
	if _, err := ParseFeatureOptions(`{"knd": "fbank"}`); code(err) != CodeOptions {
		t.Errorf("typo: %v", err)
	}
}

// TestTranscribeMatchesRecognizer checks that the engine returns exactly
// what asr returns for the decoded file: the JSON `transcribe --format json`
// prints, apart from the processing time.
func TestTranscribeMatchesRecognizer(t *testing.T) {
	model := tinyModel(t)
	e := NewEngine()
	info, err := e.LoadModel(model)
	if err != nil {
		t.Fatal(err)
	}
	if info.Source != "bytes" || info.Bytes != len(model) || info.Hidden != 16 || info.Layers != 1 {
		t.Errorf("ModelInfo = %+v", info)
	}
	file := wavBytes(t, chirp(24000, 16000), 16000)
	if b, err := os.ReadFile("../testdata/hello.wav"); err == nil {
		file = b
	}
	opts := `{"beam": 4, "nbest": 2, "timestamps": true}`
	got, err := e.TranscribeJSON(Audio{File: file}, opts, "hello.wav")
	if err != nil {
		t.Fatal(err)
	}
	m, err := asr.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	o, err := ParseOptions(opts)
	if err != nil {
		t.Fatal(err)
	}
	ao, err := o.asrOptions()
	if err != nil {
		t.Fatal(err)
	}
	want, err := asr.NewRecognizer(m, ao).Transcribe(p)
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(got, &res); err != nil {
		t.Fatal(err)
	}
	res["processing_time"] = 0.0
	want.ProcessingTime = 0
	wj := asr.AppendJSON(nil, want, "hello.wav")
	if gj, _ := json.Marshal(res); !jsonEqual(t, gj, wj) {
		t.Errorf("engine result\n got %s\nwant %s", got, wj)
	}
	if nb, _ := res["nbest"].([]any); len(nb) == 0 {
		t.Errorf("nbest 2 gave no n-best list: %s", got)
	}
	// Samples at another rate go through the same path.
	if _, err := e.TranscribeJSON(Audio{Samples: chirp(8000, 8000), Rate: 8000}, "", ""); err != nil {
		t.Error(err)
	}
	if _, err := e.LoadModel([]byte("not a model")); code(err) != CodeModel {
		t.Errorf("bad model: %v", err)
	}
	if _, ok := e.Model(); !ok {
		t.Error("a failed load dropped the loaded model")
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

// FuzzEngine feeds arbitrary bytes as a file: whatever they are, the
// engine answers with a result or an error with a code, never an internal
// error (a recovered panic).
func FuzzEngine(f *testing.F) {
	f.Add(wavBytes(f, chirp(800, 8000), 8000))
	for _, n := range []string{"../testdata/hello.wav"} {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b[:min(len(b), 4096)])
		}
	}
	f.Add([]byte("fLaC\x00\x00\x00\x22"))
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt "))
	e := NewEngine()
	e.Limits.MaxSeconds = 5
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, call := range []func() error{
			func() error { _, err := e.Probe(b, int64(len(b))); return err },
			func() error { _, _, err := e.Decode(Audio{File: b}, 16000); return err },
			func() error { _, err := e.Features(Audio{File: b}, FeatureOptions{Kind: "fbank"}); return err },
		} {
			if err := call(); code(err) == CodeInternal || (err != nil && code(err) == "") {
				t.Fatalf("error without a code or from a panic: %v", err)
			}
		}
	})
}
