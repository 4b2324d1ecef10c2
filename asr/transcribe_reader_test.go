package asr

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ecoute/ecoute/audio"
)

// TestTranscribeReaderMatchesWhole: two minutes of bursts and pauses, as a
// WAV read piece by piece, give the result of the whole recording in
// memory (the same spans, words, times and n-best), segment by segment.
func TestTranscribeReaderMatchesWhole(t *testing.T) {
	m := randomModel(t, smallConfig(), 31)
	rng := rand.New(rand.NewPCG(31, 31))
	bursts := randomBursts(rng, 40, 0.5, 4)
	x, _ := speechLike(rng, 16000, bursts, 0.2+rng.Float64()*0.6)
	wav := wavBytes(t, x)
	p, err := audio.Decode(bytes.NewReader(wav))
	if err != nil {
		t.Fatal(err)
	}
	o := Options{NBest: 2, Timestamps: true, VAD: DefaultVADOptions()}
	rec := NewRecognizer(m, o)
	var wantSegs, gotSegs []Segment
	want, err := rec.TranscribeEach(p, func(s Segment, done float64) error { wantSegs = append(wantSegs, s); return nil })
	if err != nil {
		t.Fatal(err)
	}
	src, err := audio.NewReader(bytes.NewReader(wav), audio.DefaultDecodeOptions())
	if err != nil {
		t.Fatal(err)
	}
	got, err := rec.TranscribeReader(src, func(s Segment, done float64) error { gotSegs = append(gotSegs, s); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(wantSegs) < 5 {
		t.Fatalf("only %d segments: the test does not cross spans", len(wantSegs))
	}
	want.ProcessingTime, got.ProcessingTime = 0, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reader result\n%+v\nwhole\n%+v", got, want)
	}
	if !reflect.DeepEqual(gotSegs, wantSegs) {
		t.Errorf("segments differ: %d vs %d", len(gotSegs), len(wantSegs))
	}
}

// TestTranscribeReaderReadError: a stream that fails after a minute
// returns the error with what came before.
func TestTranscribeReaderReadError(t *testing.T) {
	m := randomModel(t, smallConfig(), 32)
	rng := rand.New(rand.NewPCG(32, 32))
	x, _ := speechLike(rng, 16000, []float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, 0.5)
	wav := wavBytes(t, x)
	boom := errors.New("disk gone")
	r := io.MultiReader(bytes.NewReader(wav[:44+60*16000*2]), errReader{boom})
	src, err := audio.NewReader(r, audio.DefaultDecodeOptions())
	if err != nil {
		t.Fatal(err)
	}
	res, err := NewRecognizer(m, Options{Timestamps: true, VAD: DefaultVADOptions()}).TranscribeReader(src, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	if res == nil || res.Duration < 40 || res.Duration > 60.01 {
		t.Fatalf("result %+v", res)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestAlignReaderMatchesAlign: 100 s of bursts aligned from a WAV read
// piece by piece give Align's result on the whole recording.
func TestAlignReaderMatchesAlign(t *testing.T) {
	m := randomModel(t, smallConfig(), 33)
	rng := rand.New(rand.NewPCG(33, 33))
	bursts := randomBursts(rng, 25, 2, 3)
	x, _ := speechLike(rng, 16000, bursts, 0.6)
	wav := wavBytes(t, x)
	p, err := audio.Decode(bytes.NewReader(wav))
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for i := range 150 {
		text += []string{"alpha ", "bravo ", "charlie ", "delta "}[i%4]
	}
	r := NewRecognizer(m, Options{VAD: DefaultVADOptions()})
	want, err := r.Align(p, text, AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := audio.NewReader(bytes.NewReader(wav), audio.DefaultDecodeOptions())
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.AlignReader(src, text, AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want.ProcessingTime, got.ProcessingTime = 0, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reader alignment differs from the whole recording's")
	}
	if len(SplitAtPauses(x, 16000, r.o.VAD)) < 5 {
		t.Error("the test does not cross spans")
	}
}

// wavBytes is x as a 16 kHz 16-bit WAV file.
func wavBytes(t *testing.T, x []float32) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := audio.EncodeWAV(&b, x, 16000); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
