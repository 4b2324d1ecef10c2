package lstmlm

import "math"

// RunOptions configures Trainer.Run.
type RunOptions struct {
	Epochs    int // train until this many epochs are complete
	EvalBatch int // streams for the validation loss (default 10)
	// CheckpointEvery is the number of steps between calls of
	// SaveCheckpoint within an epoch (0: at epoch ends and stops only).
	CheckpointEvery int
	MaxSteps        int // stop after this many steps in this run (0: no limit)
	// Stop, when set, is asked after every step whether to stop (a time
	// limit, an interrupt); a stop keeps the position for a resume.
	Stop func() bool
	// EvalOnStop evaluates the current model on the validation text when
	// the run stops early, and saves it with SaveBest when no epoch has
	// finished yet or it beats the best one.
	EvalOnStop bool

	// SaveBest receives the model after an epoch that improved the
	// validation loss; SaveCheckpoint receives the trainer (for
	// SaveCheckpoint) every CheckpointEvery steps, at each epoch's end and
	// when the run stops. Either may be nil. An error ends the run.
	SaveBest       func(*Model) error
	SaveCheckpoint func(*Trainer) error
	// Step and Epoch, when set, receive each step's and each finished
	// epoch's report (for progress output).
	Step  func(StepInfo)
	Epoch func(EpochStats)
}

// RunResult says how a run ended.
type RunResult struct {
	Steps, Tokens int  // trained in this run
	Stopped       bool // stopped early (MaxSteps or Stop), resumable
	// StopValid is the current model's validation loss when the run
	// stopped early with EvalOnStop, else NaN.
	StopValid float64
}

// Run is the training loop: epochs over the train stream with truncated
// BPTT (resuming at the trainer's position), each closed by the validation
// loss (EndEpoch: the best model is kept, the learning rate annealed when
// it did not improve), with checkpoints on the way, until o.Epochs are
// complete or it stops early. It panics as Epoch does on streams too
// short for the batch.
func (t *Trainer) Run(train, valid []int, o RunOptions) (RunResult, error) {
	if o.EvalBatch <= 0 {
		o.EvalBatch = 10
	}
	r := RunResult{StopValid: math.NaN()}
	var err error
	save := func() {
		if err == nil && o.SaveCheckpoint != nil {
			err = o.SaveCheckpoint(t)
		}
	}
	for t.Epochs < o.Epochs && !r.Stopped && err == nil {
		done := t.Epoch(train, func(s StepInfo) bool {
			r.Steps++
			r.Tokens += t.Cfg.BPTT * t.Cfg.Batch
			if o.Step != nil {
				o.Step(s)
			}
			if o.CheckpointEvery > 0 && s.Step%o.CheckpointEvery == 0 {
				save()
			}
			if o.MaxSteps > 0 && r.Steps >= o.MaxSteps || o.Stop != nil && o.Stop() {
				r.Stopped = true
			}
			return !r.Stopped && err == nil
		})
		if !done || err != nil {
			break
		}
		improved := t.EndEpoch(t.M.Evaluate(valid, o.EvalBatch, t.Cfg.BPTT).Loss)
		if o.Epoch != nil {
			o.Epoch(t.History[len(t.History)-1])
		}
		if improved && o.SaveBest != nil {
			err = o.SaveBest(t.M)
		}
		save()
	}
	if err != nil {
		return r, err
	}
	if r.Stopped {
		save()
		if o.EvalOnStop && err == nil {
			r.StopValid = t.M.Evaluate(valid, o.EvalBatch, t.Cfg.BPTT).Loss
			if o.SaveBest != nil && (math.IsInf(t.BestValid, 1) || r.StopValid < t.BestValid) {
				err = o.SaveBest(t.M)
			}
		}
	}
	return r, err
}
