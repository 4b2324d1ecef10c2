// Package asr is ecoute's speech recognizer: the model file, the Recognizer
// that turns audio into words with times and confidences, the trainer, and an
// embedded default English model.
//
// The recognition path is
//
//	audio (a PCM, or an audio.Reader read as it goes) -> energy VAD cuts
//	  at pauses into chunks of 2-15 s (a recording of up to 15 s is one)
//	  -> resample to the model rate -> the front end: MFCC or log-mel,
//	     deltas, per-utterance CMVN (features.NewPipeline, configured by
//	     FrontEnd, computed by FrontEndComputer)
//	  -> frame stacking (xK, subsample K)
//	  -> bidirectional LSTM stack (lstm) -> linear -> log-softmax
//	  -> CTC greedy or prefix beam search with a word n-gram LM (ctc, text/lm)
//	  -> Result{Text, Words[{Word, Start, End, Confidence}]}
//
// The model file is a safetensors container: an 8-byte little-endian header
// length, a JSON header naming each tensor's dtype, shape and byte range, then
// the raw little-endian tensors. The header's "__metadata__" object holds one
// key, "ecoute.config", whose value is the model Config as JSON (format
// version, front-end options, tokenizer and vocabulary, layer sizes, frame
// stacking and training provenance). Tensor names follow PyTorch's nn.LSTM
// (lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0, and
// the same with _reverse for the backward direction; gate order in, forget,
// cell, out) and nn.Linear (fc.weight [V][2H], fc.bias [V]), so a model
// trained in PyTorch with the same layout loads here and ours loads there
// (see testdata/gen/asr_torch_model.py). Loading parses only the header; the
// weights are used in place when the platform allows.
//
// Sources: Graves et al. 2006 (CTC); Graves, Mohamed & Hinton 2013 (deep
// bidirectional LSTM for speech); Sak et al. 2015 (frame stacking and
// subsampling for CTC acoustic models); Park et al. 2019 (SpecAugment); Ko et
// al. 2015 (speed perturbation); Hannun et al. 2014 (prefix beam search with
// an LM); Kaldi for the feature pipeline.
//
// AppendJSON writes a Result in the layout of `transcribe --format json`; the
// CLI, the WebAssembly engine and the HTTP server all answer through it.
// Seeded random models for tests come from the asrtest package.
//
// Errors: a corrupt, truncated or wrong-version model file gives a
// *ModelError saying what is wrong; undecodable audio gives the audio
// package's errors. Nothing here panics on bad data; misuse (a nil model)
// panics.
package asr
