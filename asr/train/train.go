package train

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/lstm"
)

// trainer holds the state of one run.
type trainer struct {
	o       Options
	cfg     asr.Config
	vocab   *asr.Labels
	fe      *asr.FrontEndComputer
	net     *lstm.Model
	ws      *lstm.Workspace
	adam    *lstm.Adam
	lex     *phoneLexicon // PhoneCTC's lexicon, or nil
	phone   *lstm.Linear  // PhoneCTC's output layer (net's head "phone"), or nil
	utts    []trainUtt
	dev     []trainUtt
	aug     *audio.Augmenter
	st      State
	log     io.Writer
	hours   float64
	started time.Time
	base    float64 // Elapsed at start of this process

	startStep int // Step at start of this process
}

// Run runs a training job and returns the trained model, also written to
// o.Out when set. With resume set it continues from o.Checkpoint; the result
// is the same as that of an uninterrupted run with the same options (every
// random choice derives from the seed, the epoch and the position).
//
// The returned State holds the per-epoch train loss and dev scores.
func Run(o Options, resume bool) (*asr.Model, State, error) {
	t, err := newTrainer(o, resume)
	if err != nil {
		return nil, State{}, err
	}
	m, err := t.run()
	return m, t.st, err
}

func newTrainer(o Options, resume bool) (*trainer, error) {
	o = fillDefaults(o)
	t := &trainer{o: o, log: o.Log}
	if t.log == nil {
		t.log = io.Discard
	}
	t.cfg = o.Model
	if o.TokenizerModel != "" {
		b, err := os.ReadFile(o.TokenizerModel)
		if err != nil {
			return nil, fmt.Errorf("train: tokenizer_model: %w", err)
		}
		if t.cfg.Tokenizer, err = asr.ReadTokenizerConfig(b); err != nil {
			return nil, fmt.Errorf("train: tokenizer_model %s: %w", o.TokenizerModel, err)
		}
	}
	t.cfg.Fill()
	if err := t.cfg.Validate(); err != nil {
		return nil, err
	}
	vocab, err := asr.NewLabels(t.cfg.Tokenizer)
	if err != nil {
		return nil, err
	}
	t.vocab = vocab
	fe, err := asr.NewFrontEnd(t.cfg.FrontEnd)
	if err != nil {
		return nil, err
	}
	t.fe = fe
	if err := o.VTLP.check(); err != nil {
		return nil, err
	}
	if !(o.Dropout >= 0 && o.Dropout < 1) {
		return nil, fmt.Errorf("train: dropout %g: want a probability in [0, 1)", o.Dropout)
	}
	if !(o.InterCTC >= 0 && o.InterCTC < 1) {
		return nil, fmt.Errorf("train: inter_ctc %g: want a weight in [0, 1)", o.InterCTC)
	}
	if o.InterCTC > 0 && t.cfg.NumLayers < 2 {
		return nil, fmt.Errorf("train: inter_ctc needs at least 2 LSTM layers, the model has %d", t.cfg.NumLayers)
	}
	if pc := o.PhoneCTC; pc != (PhoneCTC{}) {
		switch {
		case !(pc.Weight > 0 && pc.Weight+o.InterCTC < 1):
			return nil, fmt.Errorf("train: phone_ctc weight %g: want a weight in (0, 1) that leaves the top layer's loss a share (inter_ctc is %g)", pc.Weight, o.InterCTC)
		case pc.Lexicon == "":
			return nil, errors.New("train: phone_ctc needs a lexicon (a CMUdict-format file)")
		case t.cfg.NumLayers < 2:
			return nil, fmt.Errorf("train: phone_ctc needs at least 2 LSTM layers, the model has %d", t.cfg.NumLayers)
		}
		if t.lex, err = readPhoneLexicon(pc.Lexicon); err != nil {
			return nil, err
		}
	}
	if o.VTLP.Prob > 0 {
		// A warp the front end rejects should stop training now, not in a batch.
		for _, w := range []float64{roundWarp(o.VTLP.Min), roundWarp(o.VTLP.Max)} {
			if err := fe.CheckWarp(w); err != nil {
				return nil, fmt.Errorf("train: vtlp: %v", err)
			}
		}
	}
	if err := t.loadData(); err != nil {
		return nil, err
	}
	nc := t.cfg.Network()
	nc.Dropout = o.Dropout
	if t.lex != nil {
		// PhoneCTC's output layer reads the middle layer (blank + phones).
		nc.Heads = []lstm.Head{{Name: phoneHeadName, In: nc.OutSize(), Out: len(t.lex.phones) + 1}}
	}
	t.net = lstm.New(nc)
	t.net.Threads = o.Threads
	t.net.Init(o.Seed, lstm.InitOptions{ForgetBias: o.ForgetBias})
	if t.lex != nil {
		t.phone = t.net.Heads[0]
	}
	t.ws = lstm.NewWorkspace(o.Seed)
	t.adam = lstm.NewAdam()
	t.st.OptionsID = optionsID(o)
	if o.Init != "" && !resume {
		m, err := asr.LoadFile(o.Init)
		if err != nil {
			return nil, err
		}
		for _, s := range asr.TensorSpecs(&t.cfg) {
			w := m.Tensor(s.Name)
			if w == nil || len(w) != t.net.Params.Tensor(s.Name).Len {
				return nil, fmt.Errorf("train: init %s: tensor %s does not match the model being trained", o.Init, s.Name)
			}
			copy(t.net.Params.Tensor(s.Name).W(), w)
		}
		t.logf("initialized from %s", o.Init)
	}
	if resume {
		if err := t.loadCheckpoint(); err != nil {
			return nil, err
		}
	}
	if o.Augment {
		t.aug = &audio.Augmenter{Options: o.AugmentOpts, Babble: t.babble}
	}
	return t, nil
}

func (t *trainer) logf(format string, a ...any) {
	fmt.Fprintf(t.log, format+"\n", a...)
}

func (t *trainer) totalSteps(perEpoch int) int {
	return int(math.Ceil(t.o.Epochs * float64(perEpoch)))
}

// run is the training loop.
func (t *trainer) run() (*asr.Model, error) {
	o := t.o
	t.started = time.Now()
	t.base = t.st.Elapsed
	perEpoch := len(t.batches(0))
	total := t.totalSteps(perEpoch)
	sched := lstm.Schedule{Base: o.LR, Warmup: o.Warmup, Kind: lstm.Cosine, Total: total, Min: o.MinLR}
	if o.MinLR == 0 {
		sched.Min = o.LR / 20
	}
	t.logf("%d batches per epoch, %d steps in all (%.2f epochs), from step %d", perEpoch, total, o.Epochs, t.st.Step)
	lastCkpt := time.Now()
	var lossSum float64
	var lossN int
	var epochLoss float64
	var epochN int
	frames0, time0 := t.st.Frames, time.Now()
	lastLog := time.Now()
	for t.st.Step < total {
		if o.MaxSteps > 0 && t.st.Step >= o.MaxSteps {
			break
		}
		e := t.st.Epoch
		bs := t.batches(e)
		// Prepare batches one ahead on another goroutine.
		type job struct {
			k int
			p prepared
		}
		ch := make(chan job, 1)
		stop := make(chan struct{})
		go func(from int) {
			defer close(ch)
			for k := from; k < len(bs); k++ {
				select {
				case ch <- job{k, t.prepare(e, bs[k], true)}:
				case <-stop:
					return
				}
			}
		}(t.st.Batch)
		stopped := false
		for j := range ch {
			if t.st.Step >= total || (o.MaxSteps > 0 && t.st.Step >= o.MaxSteps) {
				stopped = true
				break
			}
			if j.p.err != nil {
				close(stop)
				return nil, j.p.err
			}
			lr := sched.LR(t.st.Step)
			loss, nframes, ok, msg := t.step(j.p, lr)
			t.st.Step++
			t.st.Batch = j.k + 1
			if !ok {
				t.st.Skipped++
				t.logf("step %d: batch skipped: %s", t.st.Step, msg)
			} else {
				lossSum += loss
				lossN++
				epochLoss += loss
				epochN++
				t.st.Frames += int64(nframes)
			}
			now := time.Now()
			t.st.Elapsed = t.base + now.Sub(t.started).Seconds()
			if now.Sub(lastLog) > 10*time.Second || t.st.Step == total {
				fps := float64(t.st.Frames-frames0) / now.Sub(time0).Seconds()
				eta := time.Duration(float64(total-t.st.Step) * now.Sub(time0).Seconds() / float64(max(1, t.st.Step-t.startStep)) * float64(time.Second))
				if o.Progress != nil {
					o.Progress(Progress{Step: t.st.Step, Total: total, Epoch: e + 1, Batch: j.k + 1, Batches: len(bs),
						Loss: lossSum / float64(max(1, lossN)), FramesPerSec: fps, LR: lr,
						Elapsed: time.Duration(t.st.Elapsed * float64(time.Second)), ETA: eta})
				}
				lossSum, lossN = 0, 0
				lastLog = now
			}
			if o.CheckpointMinutes > 0 && now.Sub(lastCkpt).Minutes() >= o.CheckpointMinutes {
				if len(t.dev) > 0 {
					mark := t.evaluate(epochLoss / float64(max(1, epochN)))
					t.logf("step %d: %.1f min, epoch %.2f, train loss %.3f, dev CER %.2f%% WER %.2f%%",
						t.st.Step, t.st.Elapsed/60, mark.Epoch, mark.Loss, 100*mark.CER, 100*mark.WER)
				}
				if err := t.saveCheckpoint(); err != nil {
					close(stop)
					return nil, err
				}
				lastCkpt = now
			}
			if o.StopAfter > 0 && now.Sub(t.started).Minutes() >= o.StopAfter {
				close(stop)
				for range ch {
				}
				if err := t.saveCheckpoint(); err != nil {
					return nil, err
				}
				t.logf("stopping after %.1f minutes at step %d; continue with --resume", o.StopAfter, t.st.Step)
				return t.model(), nil
			}
		}
		close(stop)
		for range ch {
		}
		if stopped {
			break
		}
		if t.st.Batch >= len(bs) {
			// End of epoch: dev score, checkpoint.
			t.st.Epoch++
			t.st.Batch = 0
			mark := t.evaluate(epochLoss / float64(max(1, epochN)))
			t.logf("epoch %d done: step %d, %.1f min, train loss %.3f, dev CER %.2f%% WER %.2f%%",
				t.st.Epoch, t.st.Step, t.st.Elapsed/60, mark.Loss, 100*mark.CER, 100*mark.WER)
			epochLoss, epochN = 0, 0
			if err := t.saveCheckpoint(); err != nil {
				return nil, err
			}
			lastCkpt = time.Now()
		}
	}
	if epochN > 0 && len(t.dev) > 0 {
		mark := t.evaluate(epochLoss / float64(epochN))
		t.logf("end: step %d, %.1f min, dev CER %.2f%% WER %.2f%%", t.st.Step, t.st.Elapsed/60, 100*mark.CER, 100*mark.WER)
	}
	if err := t.saveCheckpoint(); err != nil {
		return nil, err
	}
	m := t.model()
	if o.Out != "" {
		if err := m.SaveFile(o.Out); err != nil {
			return nil, err
		}
	}
	return m, nil
}
