// Package ctc implements Connectionist Temporal Classification: the loss and
// its gradient for training, decoders (best path and prefix beam search
// with language-model fusion) for recognition, and forced alignment (the
// Viterbi path of a known target, ForcedAlign, and its windowed form for
// hours of input, AlignLong).
//
// Inputs are per-frame scores over a label alphabet of size V, one row per
// frame: logProbs [T][V]float32 holds log-probabilities (the output of a
// log-softmax), logits [T][V]float32 holds unnormalised scores. Nothing here
// depends on the model that produced them.
//
// Sources:
//
//   - A. Graves, S. Fernández, F. Gomez, J. Schmidhuber, "Connectionist
//     Temporal Classification: Labelling Unsegmented Sequence Data with
//     Recurrent Neural Networks", ICML 2006 (the forward-backward recursions,
//     the extended label sequence with blanks, and the rescaling of alpha and
//     beta per frame, section 4.1).
//   - PyTorch's torch.nn.functional.ctc_loss (aten/src/ATen/native/LossCTC.cpp)
//     for the conventions checked by the golden tests: blank index, per-sample
//     losses, 'mean' reduction dividing by target lengths, zero_infinity.
//   - A. Y. Hannun, A. L. Maas, D. Jurafsky, A. Y. Ng, "First-Pass Large
//     Vocabulary Continuous Speech Recognition using Bi-Directional Recurrent
//     DNNs", arXiv:1408.2873, 2014 (prefix beam search with a language model,
//     weight alpha and word insertion bonus beta).
//   - L. Kürzinger, D. Winkelbauer, L. Li, T. Watzel, G. Rigoll,
//     "CTC-Segmentation of Large Corpora for German End-to-end Speech
//     Recognition", SPECOM 2020 (aligning long audio window by window);
//     torchaudio.functional.forced_align for the layout of an alignment (a
//     label and its log-probability per frame).
//
// Errors and panics: bad data (an empty input, a label out of range or equal to
// the blank, a target that cannot fit in T frames) is reported as an error;
// misuse by the caller (a gradient buffer whose shape differs from the input,
// rows of different lengths) panics, and the doc comment of each function says
// so.
package ctc
