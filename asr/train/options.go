package train

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

// Options configures Run. The zero value of a field means its
// default (see DefaultOptions), except for the booleans.
type Options struct {
	Model asr.Config `json:"model"` // architecture and front end (Provenance is filled in)
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

	// Log receives what happens (data read, dev scores, checkpoints,
	// skipped batches), one line each; Progress, when set, receives a
	// report about every 10 seconds and after the last step. Neither
	// changes the result.
	Log      io.Writer      `json:"-"`
	Progress func(Progress) `json:"-"`
}

// Progress is a report on a running job.
type Progress struct {
	Step, Total    int           // optimizer steps taken, and in all
	Epoch          int           // the epoch under way, from 1
	Batch, Batches int           // batches of the epoch done, and in it
	Loss           float64       // mean training loss since the last report
	FramesPerSec   float64       // input frames trained on per second in this process
	LR             float32       // the learning rate of the last step
	Elapsed        time.Duration // training time so far, earlier runs of a resumed job included
	ETA            time.Duration // estimated time to the last step
}

// DefaultOptions returns the options of the default model's recipe
// except for the data paths.
func DefaultOptions() Options {
	return Options{
		Model:       asr.DefaultConfig(),
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

// State is the position of a training run, stored in checkpoints.
type State struct {
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

func fillDefaults(o Options) Options {
	d := DefaultOptions()
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
func optionsID(o Options) string {
	c := o
	c.Out, c.Checkpoint, c.CheckpointMinutes, c.StopAfter, c.MaxSteps, c.Threads = "", "", 0, 0, 0, 0
	c.Model.Provenance = asr.Provenance{}
	c.DevMax, c.Dev = 0, nil
	b, _ := json.Marshal(c)
	var h uint64 = 14695981039346656037
	for _, x := range b {
		h = (h ^ uint64(x)) * 1099511628211
	}
	return fmt.Sprintf("%016x", h)
}
