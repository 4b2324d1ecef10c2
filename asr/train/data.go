package train

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

type trainUtt struct {
	asr.Utterance
	labels []int
	phones []int // phone targets (PhoneCTC; nil: none)
}

// loadData reads the manifests, encodes transcripts and reads each file's
// duration from its header.
func (t *trainer) loadData() error {
	read := func(paths []string, max int, train bool) ([]trainUtt, error) {
		var out []trainUtt
		dropped := 0
		for _, p := range paths {
			us, err := asr.ReadManifest(p)
			if err != nil {
				return nil, err
			}
			for _, u := range us {
				secs, err := u.Duration() // segments: their range; MP3: decoded
				if err != nil {
					return nil, err
				}
				u.Seconds = secs
				labels := t.vocab.Encode(u.Transcript)
				// CTC needs at least one output frame per label (more for repeats).
				frames := int(u.Seconds * 1000 / t.cfg.FrontEnd.FrameShiftMs / float64(t.cfg.FrontEnd.Stack))
				if len(labels) == 0 || (train && (u.Seconds > t.o.MaxSeconds || len(labels) > frames-2)) {
					dropped++
					continue
				}
				tu := trainUtt{Utterance: u, labels: labels}
				if train && t.lex != nil {
					tu.phones = t.lex.targets(asr.NormalizeTranscript(u.Transcript))
				}
				out = append(out, tu)
			}
		}
		if max > 0 && len(out) > max {
			// A fixed, spread-out subset.
			step := float64(len(out)) / float64(max)
			sub := make([]trainUtt, max)
			for i := range sub {
				sub[i] = out[int(float64(i)*step)]
			}
			out = sub
		}
		if dropped > 0 {
			t.logf("%d utterances left out (empty, longer than %.0f s, or too many labels for their frames)", dropped, t.o.MaxSeconds)
		}
		return out, nil
	}
	var err error
	if t.utts, err = read(t.o.Train, 0, true); err != nil {
		return err
	}
	if len(t.utts) == 0 {
		return errors.New("train: no training utterances")
	}
	if t.dev, err = read(t.o.Dev, t.o.DevMax, false); err != nil {
		return err
	}
	withPhones := 0
	for _, u := range t.utts {
		t.hours += u.Seconds / 3600
		if u.phones != nil {
			withPhones++
		}
	}
	if t.lex != nil {
		t.logf("phone targets: %d of %d training utterances (the others have a word missing from the lexicon); %d phones", withPhones, len(t.utts), len(t.lex.phones))
		if withPhones == 0 {
			return fmt.Errorf("train: phone_ctc: no training transcript is covered by the lexicon %s", t.o.PhoneCTC.Lexicon)
		}
	}
	t.logf("train: %d utterances, %.2f h; dev: %d utterances; model: %d parameters", len(t.utts), t.hours, len(t.dev), t.cfg.NumParams())
	return nil
}

// uttRNG is the random source for utterance i in epoch e.
func (t *trainer) uttRNG(e, i int) *rand.Rand {
	return rand.New(rand.NewPCG(t.o.Seed^0x5eed, uint64(e)<<40|uint64(i)))
}

// babble returns another training utterance's audio for babble noise.
func (t *trainer) babble(rng *rand.Rand) []float32 {
	u := t.utts[rng.IntN(len(t.utts))]
	x, err := t.samples(&u.Utterance)
	if err != nil {
		return nil
	}
	return x
}

// samples decodes an utterance (cut to its segment) to mono samples at the
// model rate.
func (t *trainer) samples(u *asr.Utterance) ([]float32, error) {
	p, err := u.Load()
	if err != nil {
		return nil, err
	}
	return audio.Resample(p.Samples, p.Rate, t.cfg.FrontEnd.SampleRate), nil
}
