package train

import (
	"fmt"
	"github.com/ecoute/ecoute/asr"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/audio"
)

// TestTrainCorpora trains two steps on each fixture corpus of
// testdata/corpora (testdata/gen/corpora.sh): every layout reads, its
// utterances all train, and the frames trained on are those of the audio
// as Utterance.Load cuts it. For the Kaldi fixture that is the segments of
// rec1.wav, not three copies of the whole recording; for Common Voice it
// is MP3s, whose headers give no length.
func TestTrainCorpora(t *testing.T) {
	for _, c := range []struct {
		data string
		n    int
	}{
		{"manifest/train.tsv", 3},
		{"transcripts", 3},
		{"commonvoice/train.tsv", 2},
		{"kaldi", 4},
		{"librispeech", 3},
	} {
		t.Run(strings.ReplaceAll(c.data, "/", "_"), func(t *testing.T) {
			dir := t.TempDir()
			data := filepath.Join("..", "..", "testdata", "corpora", c.data)
			var log strings.Builder
			o := toyOptions(dir, data)
			o.Epochs = 2
			o.BatchFrames, o.MaxBatch = 1<<20, 64 // one batch an epoch: two steps
			o.Log = &log
			m, st, err := Run(o, false)
			if err != nil {
				t.Fatalf("%v\n%s", err, log.String())
			}
			if !strings.Contains(log.String(), fmt.Sprintf("train: %d utterances", c.n)) || st.Step != 2 {
				t.Errorf("step %d; log:\n%s", st.Step, log.String())
			}
			if _, err := os.Stat(o.Out); err != nil || m == nil {
				t.Errorf("no model: %v", err)
			}
			us, err := asr.ReadManifest(data)
			if err != nil {
				t.Fatal(err)
			}
			fe, err := asr.NewFrontEnd(m.Config.FrontEnd)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, u := range us {
				p, err := u.Load()
				if err != nil {
					t.Fatal(err)
				}
				x := audio.Resample(p.Samples, p.Rate, m.Config.FrontEnd.SampleRate)
				want += len(fe.Input(x)) * m.Config.FrontEnd.Stack
			}
			if st.Frames != int64(2*want) {
				t.Errorf("trained on %d frames, want %d (two epochs of %d)", st.Frames, 2*want, want)
			}
		})
	}
}
