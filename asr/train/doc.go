// Package train trains ecoute's acoustic models: a bidirectional LSTM
// (package lstm) with a CTC output layer (package ctc) on the labels of the
// model's tokenizer (asr.Labels), from corpora that asr.ReadManifest reads.
// Run writes an asr model file, checkpoints as it goes, and resumes a
// stopped run to the same result as an uninterrupted one: every random
// choice derives from the seed, the epoch and the position. Dev sets are
// scored with package text/wer as `transcribe eval` scores them, and the
// scores go into the model's provenance.
//
// The files follow a step's path: data.go reads the corpora, batch.go cuts
// length-sorted batches and computes their (augmented) inputs, step.go
// runs the loss, its gradient and the optimizer step, eval.go scores the
// dev set, checkpoint.go saves and restores the state, train.go holds the
// loop. The caller gets log lines through Options.Log and progress reports
// through Options.Progress; it draws them as it likes.
//
// Sources:
//   - Graves et al. 2006, Connectionist Temporal Classification: the loss.
//   - Kingma & Ba 2015, Adam; Loshchilov & Hutter 2017 (SGDR) for the
//     cosine learning-rate decay after a linear warm-up.
//   - Park et al. 2019, SpecAugment: frequency and time masks.
//   - Jaitly & Hinton 2013, vocal tract length perturbation (VTLP).
//   - Lee & Watanabe 2021, intermediate CTC loss on a middle layer.
//   - Sanabria & Metze 2018, hierarchical multitask CTC: the phone loss.
//   - Zaremba et al. 2014 and PyTorch's nn.LSTM for dropout between layers.
package train
