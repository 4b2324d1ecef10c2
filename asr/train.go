package asr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/ctc"
	"github.com/ecoute/ecoute/internal/safetensors"
	"github.com/ecoute/ecoute/lstm"
	"github.com/ecoute/ecoute/text"
	"github.com/ecoute/ecoute/text/wer"
)

// TrainOptions configures Train. The zero value of a field means its
// default (see DefaultTrainOptions), except for the booleans.
type TrainOptions struct {
	Model Config `json:"model"` // architecture and front end (Provenance is filled in)
	// TokenizerModel, when set, is a SentencePiece .model file or a text.BPE
	// model whose pieces replace Model.Tokenizer (see ReadTokenizerConfig).
	TokenizerModel string `json:"tokenizer_model,omitempty"`

	Train  []string `json:"train"`   // training manifests (path<TAB>transcript[<TAB>voice])
	Dev    []string `json:"dev"`     // development manifests, scored after each epoch
	DevMax int      `json:"dev_max"` // score at most this many dev utterances (0: all)

	Init       string  `json:"init"`       // start from this model file's weights (fresh optimizer and schedule)
	Out        string  `json:"out"`        // model file written at the end (and after each epoch)
	Checkpoint string  `json:"checkpoint"` // training state; default Out + ".ckpt"
	Epochs     float64 `json:"epochs"`     // passes over the training data (fractions allowed)

	BatchFrames int     `json:"batch_frames"` // padded input frames (10 ms, before stacking) per batch
	MaxBatch    int     `json:"max_batch"`    // utterances per batch at most
	MaxSeconds  float64 `json:"max_seconds"`  // longer utterances are left out
	LR          float64 `json:"lr"`           // peak learning rate (Adam)
	MinLR       float64 `json:"min_lr"`       // cosine decay ends here
	Warmup      int     `json:"warmup"`       // linear warm-up steps
	Clip        float64 `json:"clip"`         // global gradient norm limit
	ForgetBias  float32 `json:"forget_bias"`  // initial forget-gate bias
	Seed        uint64  `json:"seed"`
	Threads     int     `json:"threads"` // goroutines for the LSTM and CTC (default GOMAXPROCS)

	Augment     bool                 `json:"augment"`      // on-the-fly audio augmentation
	AugmentProb float64              `json:"augment_prob"` // fraction of utterances augmented
	AugmentOpts audio.AugmentOptions `json:"augment_options"`
	SpecAugment SpecAugment          `json:"spec_augment"`     // zero value: off
	VTLP        VTLP                 `json:"vtlp,omitzero"`    // zero value: off
	Dropout     float32              `json:"dropout,omitzero"` // dropout on the inputs of LSTM layers 2..N (as nn.LSTM's); 0: off
	// InterCTC is the weight w of an intermediate CTC loss: the loss
	// becomes (1-w)·CTC(top layer) + w·CTC(middle layer), both through the
	// one output layer (Lee & Watanabe 2021). The middle layer is number
	// (NumLayers-1)/2 from 0 (the second of three). 0: off.
	InterCTC float64 `json:"inter_ctc,omitzero"`
	// PhoneCTC adds a phone CTC loss on the middle layer (zero value: off).
	PhoneCTC PhoneCTC `json:"phone_ctc,omitzero"`

	CheckpointMinutes float64 `json:"checkpoint_minutes"` // also checkpoint (and score dev) this often (0: epochs only)
	StopAfter         float64 `json:"stop_after_minutes"` // checkpoint and stop after this long (0: no limit)
	MaxSteps          int     `json:"max_steps"`          // stop after this many steps in total (0: no limit)

	Command string `json:"-"` // recorded in the model's provenance

	// Log receives progress; Progress draws a one-line bar (for terminals)
	// instead of log lines.
	Log      io.Writer `json:"-"`
	Progress bool      `json:"-"`
}

// DefaultTrainOptions returns the options of the default model's recipe
// except for the data paths.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{
		Model:       DefaultConfig(),
		Epochs:      10,
		BatchFrames: 24000,
		MaxBatch:    48,
		MaxSeconds:  16,
		LR:          2e-3,
		MinLR:       1e-4,
		Warmup:      300,
		Clip:        5,
		ForgetBias:  1,
		Seed:        1,
		Augment:     true,
		AugmentProb: 0.7,
		AugmentOpts: audio.DefaultAugmentOptions(),
		SpecAugment: DefaultSpecAugment(),
	}
}

// TrainState is the position of a training run, stored in checkpoints.
type TrainState struct {
	Step      int       `json:"step"`       // optimizer steps taken
	Epoch     int       `json:"epoch"`      // current epoch (from 0)
	Batch     int       `json:"batch"`      // next batch of the epoch
	Elapsed   float64   `json:"elapsed"`    // training seconds so far
	Skipped   int       `json:"skipped"`    // steps skipped for NaN/Inf
	Frames    int64     `json:"frames"`     // input frames trained on
	History   []DevMark `json:"history"`    // dev scores over time
	OptionsID string    `json:"options_id"` // guards against resuming different options
}

// DevMark is one dev-set measurement.
type DevMark struct {
	Step    int     `json:"step"`
	Epoch   float64 `json:"epoch"`
	Minutes float64 `json:"minutes"`
	Loss    float64 `json:"train_loss"`
	CER     float64 `json:"cer"`
	WER     float64 `json:"wer"`
}

type trainUtt struct {
	Utterance
	labels []int
	phones []int // phone targets (PhoneCTC; nil: none)
}

// trainer holds the state of one run.
type trainer struct {
	o       TrainOptions
	cfg     Config
	vocab   *charVocab
	fe      *FrontEndComputer
	net     *lstm.Model
	ws      *lstm.Workspace
	adam    *lstm.Adam
	lex     *phoneLexicon // PhoneCTC's lexicon, or nil
	phone   *lstm.Linear  // PhoneCTC's output layer (net's head "phone"), or nil
	utts    []trainUtt
	dev     []trainUtt
	aug     *audio.Augmenter
	st      TrainState
	log     io.Writer
	hours   float64
	started time.Time
	base    float64 // Elapsed at start of this process

	startStep int // Step at start of this process
}

// Train runs a training job and returns the trained model, also written to
// o.Out when set. With resume set it continues from o.Checkpoint; the result
// is the same as that of an uninterrupted run with the same options (every
// random choice derives from the seed, the epoch and the position).
//
// The returned TrainState holds the per-epoch train loss and dev scores.
func Train(o TrainOptions, resume bool) (*Model, TrainState, error) {
	t, err := newTrainer(o, resume)
	if err != nil {
		return nil, TrainState{}, err
	}
	m, err := t.run()
	return m, t.st, err
}

func newTrainer(o TrainOptions, resume bool) (*trainer, error) {
	o = fillTrainDefaults(o)
	t := &trainer{o: o, log: o.Log}
	if t.log == nil {
		t.log = io.Discard
	}
	t.cfg = o.Model
	if o.TokenizerModel != "" {
		b, err := os.ReadFile(o.TokenizerModel)
		if err != nil {
			return nil, fmt.Errorf("asr: tokenizer_model: %w", err)
		}
		if t.cfg.Tokenizer, err = ReadTokenizerConfig(b); err != nil {
			return nil, fmt.Errorf("asr: tokenizer_model %s: %w", o.TokenizerModel, err)
		}
	}
	t.cfg.Fill()
	if err := t.cfg.Validate(); err != nil {
		return nil, err
	}
	t.vocab = newCharVocab(t.cfg.Tokenizer)
	fe, err := NewFrontEnd(t.cfg.FrontEnd)
	if err != nil {
		return nil, err
	}
	t.fe = fe
	if err := o.VTLP.check(); err != nil {
		return nil, err
	}
	if !(o.Dropout >= 0 && o.Dropout < 1) {
		return nil, fmt.Errorf("asr: dropout %g: want a probability in [0, 1)", o.Dropout)
	}
	if !(o.InterCTC >= 0 && o.InterCTC < 1) {
		return nil, fmt.Errorf("asr: inter_ctc %g: want a weight in [0, 1)", o.InterCTC)
	}
	if o.InterCTC > 0 && t.cfg.NumLayers < 2 {
		return nil, fmt.Errorf("asr: inter_ctc needs at least 2 LSTM layers, the model has %d", t.cfg.NumLayers)
	}
	if pc := o.PhoneCTC; pc != (PhoneCTC{}) {
		switch {
		case !(pc.Weight > 0 && pc.Weight+o.InterCTC < 1):
			return nil, fmt.Errorf("asr: phone_ctc weight %g: want a weight in (0, 1) that leaves the top layer's loss a share (inter_ctc is %g)", pc.Weight, o.InterCTC)
		case pc.Lexicon == "":
			return nil, errors.New("asr: phone_ctc needs a lexicon (a CMUdict-format file)")
		case t.cfg.NumLayers < 2:
			return nil, fmt.Errorf("asr: phone_ctc needs at least 2 LSTM layers, the model has %d", t.cfg.NumLayers)
		}
		if t.lex, err = readPhoneLexicon(pc.Lexicon); err != nil {
			return nil, err
		}
	}
	if o.VTLP.Prob > 0 {
		// A warp the front end rejects should stop training now, not in a batch.
		for _, w := range []float64{roundWarp(o.VTLP.Min), roundWarp(o.VTLP.Max)} {
			if _, err := fe.warped(w); err != nil {
				return nil, fmt.Errorf("asr: vtlp: %v", err)
			}
		}
	}
	if err := t.loadData(); err != nil {
		return nil, err
	}
	nc := netConfig(&t.cfg)
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
		m, err := LoadFile(o.Init)
		if err != nil {
			return nil, err
		}
		for _, s := range TensorSpecs(&t.cfg) {
			w := m.Tensor(s.Name)
			if w == nil || len(w) != t.net.Params.Tensor(s.Name).Len {
				return nil, fmt.Errorf("asr: init %s: tensor %s does not match the model being trained", o.Init, s.Name)
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

func fillTrainDefaults(o TrainOptions) TrainOptions {
	d := DefaultTrainOptions()
	if o.Model.Format == "" {
		o.Model = d.Model
	}
	setF := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	setI := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	setF(&o.Epochs, d.Epochs)
	setI(&o.BatchFrames, d.BatchFrames)
	setI(&o.MaxBatch, d.MaxBatch)
	setF(&o.MaxSeconds, d.MaxSeconds)
	setF(&o.LR, d.LR)
	setF(&o.Clip, d.Clip)
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	if o.Checkpoint == "" && o.Out != "" {
		o.Checkpoint = o.Out + ".ckpt"
	}
	if o.AugmentProb == 0 && o.Augment {
		o.AugmentProb = d.AugmentProb
	}
	return o
}

// optionsID fingerprints the options that change the result, so a resume
// with other data or hyper-parameters is refused rather than silently
// producing a different model.
func optionsID(o TrainOptions) string {
	c := o
	c.Out, c.Checkpoint, c.CheckpointMinutes, c.StopAfter, c.MaxSteps, c.Threads = "", "", 0, 0, 0, 0
	c.Model.Provenance = Provenance{}
	c.DevMax, c.Dev = 0, nil
	b, _ := json.Marshal(c)
	var h uint64 = 14695981039346656037
	for _, x := range b {
		h = (h ^ uint64(x)) * 1099511628211
	}
	return fmt.Sprintf("%016x", h)
}

func (t *trainer) logf(format string, a ...any) {
	if t.o.Progress {
		fmt.Fprint(t.log, "\r\033[K")
	}
	fmt.Fprintf(t.log, format+"\n", a...)
}

// loadData reads the manifests, encodes transcripts and reads each file's
// duration from its header.
func (t *trainer) loadData() error {
	read := func(paths []string, max int, train bool) ([]trainUtt, error) {
		var out []trainUtt
		dropped := 0
		for _, p := range paths {
			us, err := ReadManifest(p)
			if err != nil {
				return nil, err
			}
			for _, u := range us {
				secs, err := u.Duration() // segments: their range; MP3: decoded
				if err != nil {
					return nil, err
				}
				u.Seconds = secs
				labels := t.vocab.encode(u.Transcript)
				// CTC needs at least one output frame per label (more for repeats).
				frames := int(u.Seconds * 1000 / t.cfg.FrontEnd.FrameShiftMs / float64(t.cfg.FrontEnd.Stack))
				if len(labels) == 0 || (train && (u.Seconds > t.o.MaxSeconds || len(labels) > frames-2)) {
					dropped++
					continue
				}
				tu := trainUtt{Utterance: u, labels: labels}
				if train && t.lex != nil {
					tu.phones = t.lex.targets(normalizeTranscript(u.Transcript))
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
		return errors.New("asr: no training utterances")
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
			return fmt.Errorf("asr: phone_ctc: no training transcript is covered by the lexicon %s", t.o.PhoneCTC.Lexicon)
		}
	}
	t.logf("train: %d utterances, %.2f h; dev: %d utterances; model: %d parameters", len(t.utts), t.hours, len(t.dev), t.cfg.NumParams())
	return nil
}

// batches returns epoch e's batches (indices into t.utts): utterances sorted
// by length with a seeded jitter, cut into batches of at most BatchFrames
// padded frames and MaxBatch utterances, in a seeded random order.
func (t *trainer) batches(e int) [][]int {
	rng := rand.New(rand.NewPCG(t.o.Seed, uint64(e)<<32|0xba7c))
	type key struct {
		i int
		k float64
	}
	keys := make([]key, len(t.utts))
	for i, u := range t.utts {
		keys[i] = key{i, u.Seconds * (1 + 0.15*(rng.Float64()-0.5))}
	}
	sort.SliceStable(keys, func(a, b int) bool { return keys[a].k < keys[b].k })
	var out [][]int
	var cur []int
	maxLen := 0.0
	for _, k := range keys {
		s := t.utts[k.i].Seconds * 1.12 // room for speed perturbation
		frames := func(n int, l float64) int { return int(float64(n) * l * 1000 / t.cfg.FrontEnd.FrameShiftMs) }
		if len(cur) > 0 && (len(cur) >= t.o.MaxBatch || frames(len(cur)+1, math.Max(maxLen, s)) > t.o.BatchFrames) {
			out = append(out, cur)
			cur, maxLen = nil, 0
		}
		cur = append(cur, k.i)
		maxLen = math.Max(maxLen, s)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
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
func (t *trainer) samples(u *Utterance) ([]float32, error) {
	p, err := u.Load()
	if err != nil {
		return nil, err
	}
	return audio.Resample(p.Samples, p.Rate, t.cfg.FrontEnd.SampleRate), nil
}

// prepared is a batch ready for the network.
type prepared struct {
	idx    []int
	inputs [][][]float32 // [b][T'][In]
	err    error
}

// prepare computes the network inputs of a batch; with augment it applies
// the utterance's seeded augmentations.
func (t *trainer) prepare(e int, idx []int, augment bool) prepared {
	p := prepared{idx: idx, inputs: make([][][]float32, len(idx))}
	base := t.cfg.FrontEnd.NumCeps
	if t.cfg.FrontEnd.Type != "mfcc" {
		base = t.cfg.FrontEnd.Dim() / (1 + t.cfg.FrontEnd.DeltaOrder)
	}
	for j, i := range idx {
		x, err := t.samples(&t.utts[i].Utterance)
		if err != nil {
			p.err = err
			return p
		}
		rng := t.uttRNG(e, i)
		if augment && t.aug != nil && rng.Float64() < t.o.AugmentProb {
			x = t.aug.Apply(rng, x, t.cfg.FrontEnd.SampleRate)
		}
		var feats [][]float32
		if augment && t.o.VTLP.Prob > 0 && rng.Float64() < t.o.VTLP.Prob {
			feats = t.fe.ComputeWarped(x, t.o.VTLP.draw(rng))
		} else {
			feats = t.fe.Compute(x)
		}
		if augment && t.o.SpecAugment.TimeMasks+t.o.SpecAugment.FreqMasks > 0 {
			t.o.SpecAugment.Apply(rng, feats, base)
		}
		p.inputs[j] = StackFrames(feats, max(1, t.cfg.FrontEnd.Stack))
	}
	return p
}

func (t *trainer) totalSteps(perEpoch int) int {
	return int(math.Ceil(t.o.Epochs * float64(perEpoch)))
}

// run is the training loop.
func (t *trainer) run() (*Model, error) {
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
				t.progress(e, j.k+1, len(bs), total, lossSum/float64(max(1, lossN)), fps, lr, eta)
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

func (t *trainer) progress(e, k, n, total int, loss, fps float64, lr float32, eta time.Duration) {
	eta = eta.Round(time.Second)
	if t.o.Progress {
		const width = 30
		done := float64(t.st.Step) / float64(total)
		bar := strings.Repeat("=", int(done*width)) + strings.Repeat(" ", width-int(done*width))
		fmt.Fprintf(t.log, "\r\033[K[%s] %5.1f%% epoch %d %d/%d loss %.3f %.0f frames/s lr %.2g ETA %v",
			bar, 100*done, e+1, k, n, loss, fps, lr, eta)
		return
	}
	fmt.Fprintf(t.log, "step %d/%d epoch %d batch %d/%d loss %.3f frames/s %.0f lr %.3g elapsed %.1fm ETA %v\n",
		t.st.Step, total, e+1, k, n, loss, fps, lr, t.st.Elapsed/60, eta)
}

// step trains on one batch. It returns the mean loss per utterance, the
// input frames used, and ok false (with a reason) when the batch was
// skipped because of NaN or Inf.
func (t *trainer) step(p prepared, lr float32) (float64, int, bool, string) {
	in := t.cfg.InputSize
	b := lstm.PadBatch(p.inputs, in)
	if t.o.Dropout > 0 {
		// Masks depend on the seed and the step only, so a resumed run
		// draws the ones an uninterrupted run would.
		t.ws.Reseed(t.o.Seed<<32 ^ uint64(t.st.Step))
	}
	targets := make([][]int, b.B)
	var phones [][]int
	if t.phone != nil {
		phones = make([][]int, b.B)
	}
	frames := 0
	for i := 0; i < b.B; i++ {
		targets[i] = t.utts[p.idx[i]].labels
		if phones != nil {
			phones[i] = t.utts[p.idx[i]].phones
		}
		frames += len(p.inputs[i]) * t.cfg.FrontEnd.Stack
	}
	bl := batchLoss{net: t.net, ws: t.ws, blank: t.cfg.Tokenizer.Blank, threads: t.o.Threads, inter: t.o.InterCTC}
	if t.phone != nil {
		bl.phone, bl.phoneW = t.phone, t.o.PhoneCTC.Weight
	}
	loss, _, err := bl.lossGrad(b, targets, phones)
	if err != nil {
		return 0, 0, false, err.Error()
	}
	g := t.net.Params.Grad
	norm := lstm.ClipGlobalNorm(g, t.o.Clip)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return 0, 0, false, fmt.Sprintf("gradient norm %v (utterances %s)", norm, t.names(p.idx))
	}
	t.adam.Step(t.net.Params.Data, g, lr)
	return loss, frames, true, ""
}

// batchLoss computes the training loss of a batch and its gradient.
type batchLoss struct {
	net     *lstm.Model
	ws      *lstm.Workspace
	blank   int
	threads int
	inter   float64      // weight of the intermediate CTC loss (0: none)
	phone   *lstm.Linear // the phone CTC loss's output layer, a head of net
	phoneW  float64      // weight of the phone CTC loss (with phone set)
}

// lossGrad runs a training Forward and Backward on b and leaves in
// net.Params.Grad (zeroed first) the gradient of
//
//	(1-w-p)·mean CTC(top) + w·mean CTC(fc(middle layer)) + p·mean phoneCTC(phone(middle layer))
//
// with w = bl.inter and p = bl.phoneW, the means taken over the utterances
// whose CTC loss is finite (the others get no gradient); the phone loss's
// mean is over the utterances that have phone targets (phones[i] non-nil)
// and a finite loss. It returns the two mean losses, final (the top layer's, what the
// trainer reports) and mid (0 without the intermediate loss), or an error
// when no utterance has a finite loss.
func (bl batchLoss) lossGrad(b lstm.Batch, targets, phones [][]int) (final, mid float64, err error) {
	net, ws := bl.net, bl.ws
	out := net.Forward(ws, b, true)
	net.Params.ZeroGrad()
	V := net.Output
	lengths := b.Lengths
	if lengths == nil {
		lengths = make([]int, b.B)
		for i := range lengths {
			lengths[i] = b.T
		}
	}
	// ctcGrad puts the per-utterance CTC gradients of logits [T][B][V] into
	// a new slice and returns it with the losses.
	ctcGrad := func(logits []float32) ([]float32, []float64, error) {
		dz := make([]float32, len(logits))
		lv := make([][][]float32, b.B)
		gv := make([][][]float32, b.B)
		for i := range b.B {
			lv[i] = lstm.Frames(logits, b.T, b.B, V, i, lengths[i])
			gv[i] = lstm.Frames(dz, b.T, b.B, V, i, lengths[i])
		}
		bo := ctc.BatchOptions{Logits: true, Workers: bl.threads}
		bo.Blank = bl.blank
		losses, _, err := ctc.BatchLossGrad(lv, targets, bo, gv)
		return dz, losses, err
	}
	finite := func(l float64) bool { return !math.IsNaN(l) && !math.IsInf(l, 0) }
	dy, losses, cerr := ctcGrad(out)
	good := 0
	for _, l := range losses {
		if finite(l) {
			final += l
			good++
		}
	}
	if good == 0 {
		return 0, 0, fmt.Errorf("no sequence had a finite loss (%v)", cerr)
	}
	final /= float64(good)
	w := bl.inter
	scale := float32((1 - w - bl.phoneW) / float64(good))
	for i := range dy {
		dy[i] *= scale
	}
	ws.LayerGrads = nil
	k := (net.Layers - 1) / 2
	TB := b.T * b.B
	var dh []float32 // gradient of the middle layer's output
	if w > 0 {
		h := ws.LayerOutput(k)
		fc := net.FC
		z := fc.Forward(h, TB)
		dz, ml, _ := ctcGrad(z)
		for i, l := range ml {
			if finite(l) && finite(losses[i]) {
				mid += l
			}
		}
		mid /= float64(good)
		scale := float32(w / float64(good))
		for i := range dz {
			dz[i] *= scale
		}
		dh = make([]float32, TB*fc.In)
		fc.Backward(dz, h, dh, TB)
	}
	if bl.phone != nil {
		ph := bl.phone
		h := ws.LayerOutput(k)
		P := ph.Out
		z := ph.Forward(h, TB)
		// Only the utterances with phone targets take part.
		var lv, gv [][][]float32
		var tg [][]int
		dz := make([]float32, len(z))
		for i := range b.B {
			if phones[i] == nil || !finite(losses[i]) {
				continue
			}
			lv = append(lv, lstm.Frames(z, b.T, b.B, P, i, lengths[i]))
			gv = append(gv, lstm.Frames(dz, b.T, b.B, P, i, lengths[i]))
			tg = append(tg, phones[i])
		}
		if len(tg) > 0 {
			bo := ctc.BatchOptions{Logits: true, Workers: bl.threads}
			pl, _, _ := ctc.BatchLossGrad(lv, tg, bo, gv)
			n := 0
			for _, l := range pl {
				if finite(l) {
					n++
				}
			}
			if n > 0 {
				scale := float32(bl.phoneW / float64(n))
				for i := range dz {
					dz[i] *= scale
				}
				if dh == nil {
					dh = make([]float32, TB*ph.In)
				}
				ph.Backward(dz, h, dh, TB)
			}
		}
	}
	if dh != nil {
		ws.LayerGrads = make([][]float32, net.Layers)
		ws.LayerGrads[k] = dh
	}
	net.Backward(ws, dy)
	ws.LayerGrads = nil
	return final, mid, nil
}

func (t *trainer) names(idx []int) string {
	var s []string
	for _, i := range idx[:min(3, len(idx))] {
		s = append(s, t.utts[i].Path)
	}
	if len(idx) > 3 {
		s = append(s, "...")
	}
	return strings.Join(s, ", ")
}

// evaluate scores the dev set with greedy decoding and records it.
func (t *trainer) evaluate(trainLoss float64) DevMark {
	mark := DevMark{Step: t.st.Step, Minutes: t.st.Elapsed / 60, Loss: trainLoss,
		Epoch: float64(t.st.Epoch) + float64(t.st.Batch)/float64(max(1, len(t.batches(t.st.Epoch))))}
	if len(t.dev) == 0 {
		t.st.History = append(t.st.History, mark)
		return mark
	}
	mark.CER, mark.WER = t.score(t.dev)
	t.st.History = append(t.st.History, mark)
	return mark
}

// score decodes utts greedily in batches with the training network and
// returns their character and word error rates as text/wer counts them
// with the options `transcribe eval` uses by default (text.Normalize on
// both sides, case folded, characters other than white space), so that
// the figures recorded in a model's provenance are the ones eval prints
// for the same set. Audio that cannot be read counts as all deletions.
func (t *trainer) score(utts []trainUtt) (cer, wordER float64) {
	o := wer.Options{Normalize: text.Normalize}
	ws := wer.NewScorer(o)
	o.Chars = true
	cs := wer.NewScorer(o)
	ws.KeepUtterances(false)
	cs.KeepUtterances(false)
	add := func(id, ref, hyp string, ok bool) {
		if !ok {
			ws.AddMissing(id, ref)
			cs.AddMissing(id, ref)
			return
		}
		ws.Add(id, ref, hyp)
		cs.Add(id, ref, hyp)
	}
	work := lstm.NewWorkspace(0)
	const bs = 16
	for i := 0; i < len(utts); i += bs {
		var inputs [][][]float32
		var batch []trainUtt
		for _, u := range utts[i:min(i+bs, len(utts))] {
			x, err := t.samples(&u.Utterance)
			in := t.fe.Input(x)
			if err != nil || len(in) == 0 {
				add(u.Path, u.Transcript, "", false)
				continue
			}
			inputs = append(inputs, in)
			batch = append(batch, u)
		}
		if len(inputs) == 0 {
			continue
		}
		b := lstm.PadBatch(inputs, t.cfg.InputSize)
		out := t.net.Forward(work, b, false)
		for j, u := range batch {
			fr := lstm.Frames(out, b.T, b.B, t.cfg.OutputSize, j, len(inputs[j]))
			toks := ctc.Greedy(fr, t.cfg.Tokenizer.Blank)
			add(u.Path, u.Transcript, t.vocab.decode(ctc.Labels(toks)), true)
		}
	}
	return cs.Report().Total.ErrorRate(), ws.Report().Total.ErrorRate()
}

// model returns the current weights as a Model (a copy).
func (t *trainer) model() *Model {
	c := t.cfg
	c.Provenance = Provenance{
		Created:    time.Now().UTC().Format(time.RFC3339),
		Trainer:    "ecoute transcribe train",
		Command:    t.o.Command,
		Corpus:     t.o.Train,
		Utterances: len(t.utts),
		Hours:      math.Round(t.hours*100) / 100,
		Epochs:     float64(t.st.Epoch) + float64(t.st.Batch)/float64(max(1, len(t.batches(t.st.Epoch)))),
		Steps:      t.st.Step,
		Seed:       t.o.Seed,
		TrainSecs:  math.Round(t.st.Elapsed),
	}
	if n := len(t.st.History); n > 0 && len(t.dev) > 0 {
		h := t.st.History[n-1]
		c.Provenance.Dev = map[string]float64{"cer": h.CER, "wer": h.WER}
	}
	ts := map[string][]float32{}
	for _, s := range TensorSpecs(&c) {
		ts[s.Name] = t.net.Params.Tensor(s.Name).W() // NewModel copies
	}
	m, err := NewModel(c, ts)
	if err != nil {
		panic("asr: trainer built an inconsistent model: " + err.Error())
	}
	return m
}

// Checkpoints are model files with two more tensors (the Adam moments) and a
// second metadata entry holding the TrainState.
const ckptStateKey = "ecoute.train_state"

func (t *trainer) saveCheckpoint() error {
	if t.o.Checkpoint == "" {
		return nil
	}
	m := t.model()
	cfg, _ := json.Marshal(&m.Config)
	st, _ := json.Marshal(&t.st)
	var ts []safetensors.Tensor
	for _, s := range TensorSpecs(&m.Config) {
		ts = append(ts, safetensors.Tensor{Name: s.Name, Shape: s.Shape, F32: m.Tensor(s.Name)})
	}
	// The step count is in the TrainState; before the first step the
	// moments are zero.
	am, av, _ := t.adam.State()
	if am == nil {
		am, av = make([]float32, t.net.Params.Len()), make([]float32, t.net.Params.Len())
	}
	// The moments of the heads' parameters (at the end of the flat buffer)
	// are stored apart, beside each head, so that the network's part has
	// the size of the model file's network.
	n := t.netLen()
	ts = append(ts,
		safetensors.Tensor{Name: "adam.m", Shape: []int{n}, F32: am[:n]},
		safetensors.Tensor{Name: "adam.v", Shape: []int{n}, F32: av[:n]})
	for i, h := range t.net.Heads {
		name := t.net.Config.Heads[i].Name
		lo, hi := h.W.Off, h.B.Off+h.B.Len
		ts = append(ts,
			safetensors.Tensor{Name: name + ".weight", Shape: h.W.Shape, F32: h.W.W()},
			safetensors.Tensor{Name: name + ".bias", Shape: h.B.Shape, F32: h.B.W()},
			safetensors.Tensor{Name: name + ".adam.m", Shape: []int{hi - lo}, F32: am[lo:hi]},
			safetensors.Tensor{Name: name + ".adam.v", Shape: []int{hi - lo}, F32: av[lo:hi]})
	}
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, ts, map[string]string{MetadataKey: string(cfg), ckptStateKey: string(st)}); err != nil {
		return err
	}
	tmp := t.o.Checkpoint + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, t.o.Checkpoint); err != nil {
		return err
	}
	if t.o.Out != "" {
		return m.SaveFile(t.o.Out)
	}
	return nil
}

// netLen is the number of parameters of the network proper: those before
// the first extra head in the flat buffer.
func (t *trainer) netLen() int {
	if len(t.net.Heads) > 0 {
		return t.net.Heads[0].W.Off
	}
	return t.net.Params.Len()
}

func (t *trainer) loadCheckpoint() error {
	b, err := os.ReadFile(t.o.Checkpoint)
	if err != nil {
		return fmt.Errorf("asr: resume: %w", err)
	}
	m, err := Load(b)
	if err != nil {
		return fmt.Errorf("asr: resume %s: %w", t.o.Checkpoint, err)
	}
	f, _ := safetensors.Parse(b)
	var st TrainState
	if err := json.Unmarshal([]byte(f.Metadata[ckptStateKey]), &st); err != nil {
		return fmt.Errorf("asr: resume %s: no training state: %v", t.o.Checkpoint, err)
	}
	if st.OptionsID != t.st.OptionsID {
		return fmt.Errorf("asr: resume %s: the checkpoint was made with other options or data (id %s, now %s)", t.o.Checkpoint, st.OptionsID, t.st.OptionsID)
	}
	for _, s := range TensorSpecs(&t.cfg) {
		w := m.Tensor(s.Name)
		if w == nil || len(w) != t.net.Params.Tensor(s.Name).Len {
			return fmt.Errorf("asr: resume %s: tensor %s does not match the model", t.o.Checkpoint, s.Name)
		}
		copy(t.net.Params.Tensor(s.Name).W(), w)
	}
	n := t.netLen()
	moments := [2][]float32{make([]float32, t.net.Params.Len()), make([]float32, t.net.Params.Len())}
	for i, name := range []string{"adam.m", "adam.v"} {
		v, err := f.Float32(name)
		if err != nil || len(v) != n {
			return fmt.Errorf("asr: resume %s: optimizer state %s missing or wrong size", t.o.Checkpoint, name)
		}
		copy(moments[i], v)
	}
	for i, h := range t.net.Heads {
		name := t.net.Config.Heads[i].Name
		lo, hi := h.W.Off, h.B.Off+h.B.Len
		dst := [4][]float32{h.W.W(), h.B.W(), moments[0][lo:hi], moments[1][lo:hi]}
		for j, suffix := range []string{".weight", ".bias", ".adam.m", ".adam.v"} {
			v, err := f.Float32(name + suffix)
			if err != nil {
				return fmt.Errorf("asr: resume %s: output layer %s: %v", t.o.Checkpoint, name, err)
			}
			if len(v) != len(dst[j]) {
				return fmt.Errorf("asr: resume %s: output layer %s has %d values in %s%s, the model being trained %d (another lexicon?)", t.o.Checkpoint, name, len(v), name, suffix, len(dst[j]))
			}
			copy(dst[j], v)
		}
	}
	// Skipped batches took no optimizer step.
	t.adam.SetState(moments[0], moments[1], st.Step-st.Skipped)
	t.st = st
	t.startStep = st.Step
	t.logf("resumed from %s at step %d (epoch %d, batch %d)", t.o.Checkpoint, st.Step, st.Epoch+1, st.Batch)
	return nil
}
