// Package lstmlm trains and runs LSTM language models over words or
// characters: an embedding, a stack of LSTM layers (package lstm) and a
// linear output layer with a softmax over the vocabulary, optionally sharing
// its weight matrix with the embedding ("tied" weights).
//
// The architecture, initialisation, dropout placement and training recipe
// follow PyTorch's word_language_model example
// (https://github.com/pytorch/examples/tree/main/word_language_model,
// model.py and main.py): dropout on the embedding output, between LSTM
// layers and on the top LSTM output; embedding and output weights uniform in
// ±0.1, output bias zero, LSTM weights as nn.LSTM; truncated
// backpropagation through time over one continuous token stream cut into
// Batch columns, the hidden state carried from one chunk of BPTT steps to the
// next (Zaremba, Sutskever & Vinyals 2014, "Recurrent Neural Network
// Regularization"); plain SGD with the learning rate divided by 4 when the
// validation loss stops improving, and gradient clipping by global norm.
// Tied weights follow Press & Wolf 2017 and Inan et al. 2017. The character
// model is the char-rnn setting (Karpathy 2015) on raw characters, newlines
// included.
//
// # Using it
//
//	v, stream, err := lstmlm.BuildVocab(trainText, lstmlm.Word) // or lstmlm.Char
//	m := lstmlm.New(lstmlm.Config{Vocab: v, Embed: 200, Hidden: 200, Layers: 2, Dropout: 0.2})
//	m.Init(seed)
//	tr := lstmlm.NewTrainer(m, lstmlm.TrainConfig{BPTT: 35, Batch: 20, LR: 20, Clip: 0.25})
//	for epoch := 0; epoch < 6; epoch++ {
//		tr.Epoch(stream, nil)
//		tr.EndEpoch(m.Evaluate(validIDs, 10, 35).Loss)   // anneals on plateau
//	}
//	r := m.Evaluate(testIDs, 10, 35)  // r.Perplexity(), r.BitsPerToken()
//	text, _ := m.Sample(rng, "the", 50, lstmlm.SampleOptions{Temperature: 0.8, TopK: 40})
//	lp, n, _ := m.NewScorer().LogProb("a hypothesis from an n-best list") // rescoring
//
// # The output layer
//
// For a word model the softmax over the vocabulary dominates the cost
// (33,278 words x 200 units on WikiText-2 is 92% of the arithmetic). It is
// fused: the output weights are packed once per step for the GEMM of
// internal/kernel, then each goroutine takes blocks of rows, forms their
// logits, turns them in place into the loss and its gradient (softmax minus
// one-hot, divided by the number of tokens) and multiplies the block back by
// the weights for the gradient of the LSTM output while it is still in
// cache. The weight gradient is one product over all rows at the end, split
// by vocabulary rows. The logits are never written out as a separate
// log-softmax. The softmax itself runs on the vector row kernels of
// internal/kernel (AddMax, ExpSum, Scal, Acc).
//
// # Files
//
// A model file is a safetensors container (internal/safetensors) with
// PyTorch's word_language_model tensor names (encoder.weight,
// rnn.weight_ih_l0, ..., decoder.weight, decoder.bias; no decoder.weight
// when tied) and a metadata entry "lstmlm" holding the configuration and the
// vocabulary, so a file is self-contained. Checkpoints add the training
// state (metadata "lstmlm.train") and the carried hidden state (tensors
// state.h, state.c) so that training resumes where it stopped; dropout
// masks and Adam's moments are not saved, so a resumed run is not
// bit-identical to an uninterrupted one.
//
// # Errors
//
// Text that is empty, not UTF-8, or holds NUL bytes is rejected with an
// error; a token outside the vocabulary maps to <unk> when the vocabulary
// has it (every word vocabulary does) and is otherwise an *UnknownError.
// Files that do not match (missing tensors, wrong shapes, a vocabulary whose
// size differs from the embedding) return errors. Shape misuse by a caller
// panics.
package lstmlm
