// Package lstm implements long short-term memory networks (Hochreiter &
// Schmidhuber 1997, with the forget gate of Gers et al. 2000): unidirectional
// and bidirectional layers, stacks of them, an embedding and a linear head,
// exact backpropagation through time, PyTorch's initialisation, optimizers,
// gradient clipping and learning-rate schedules.
//
// The cell equations, gate order (in, forget, cell, out), the two bias
// vectors and the tensor names follow PyTorch's nn.LSTM documentation
// (https://pytorch.org/docs/1.13/generated/torch.nn.LSTM.html):
//
//	i = σ(W_ii x + b_ii + W_hi h + b_hi)
//	f = σ(W_if x + b_if + W_hf h + b_hf)
//	g = tanh(W_ig x + b_ig + W_hg h + b_hg)
//	o = σ(W_io x + b_io + W_ho h + b_ho)
//	c' = f*c + i*g
//	h' = o*tanh(c')
//
// # Using it
//
//	m := lstm.New(lstm.Config{Input: 39, Hidden: 256, Layers: 3, Bidirectional: true, Output: 29})
//	m.Init(seed, lstm.InitOptions{ForgetBias: 1})
//	ws := lstm.NewWorkspace(seed)              // reuse across batches
//	b := lstm.PadBatch(utterances, 39)         // time-major [T][B][39], per-sequence Lengths
//	logits := m.Forward(ws, b, true)           // [T][B][29]
//	// ... loss and its gradient dlogits (rows at padding frames are ignored)
//	m.Params.ZeroGrad()                        // (before Forward/Backward of a step)
//	m.Backward(ws, dlogits)                    // adds into m.Params.Grad
//	lstm.ClipGlobalNorm(m.Params.Grad, 5)
//	opt.Step(m.Params.Data, m.Params.Grad, sched.LR(step))  // opt := lstm.NewAdam()
//
// A checkpoint keeps opt.State() (Adam's moments and step count) beside
// Params.Data; opt.SetState resumes it exactly.
//
// Inference is m.Forward(ws, b, false); LogSoftmax turns logits into
// log-probabilities (LogSoftmaxBackward is its gradient). Frames(out, ...)
// cuts one sequence out of a batched output.
//
// # Layout
//
// Sequences are batched time-major, x[t][b][f] at (t*B+b)*F+f, with one
// length per sequence: the forward direction stops at each sequence's last
// frame (its final state is kept), the reverse direction starts there, as
// pack_padded_sequence does; padding frames of the input are never read
// into a result and padding rows of outputs are zero (the head gives its
// bias there). States are [Layers*Dirs][B][Hidden], as PyTorch's h_0/h_n.
//
// All parameters live in one flat []float32 (Params.Data) with one gradient
// buffer of the same layout (Params.Grad); each Tensor is a named view
// (W() values, G() gradient) with PyTorch's name and shape:
// embed.weight [Vocab][Input]; lstm.weight_ih_l{k}[_reverse] [4H][In],
// lstm.weight_hh_l{k}[_reverse] [4H][H], lstm.bias_ih_l{k}[_reverse] [4H],
// lstm.bias_hh_l{k}[_reverse] [4H]; fc.weight [Output][Dirs*H],
// fc.bias [Output], in the order of PyTorch's state_dict. Save and
// LoadBytes/NewFromBytes use the safetensors container with these names,
// so weights exported from PyTorch load directly; a missing, extra or
// misshaped tensor is a *ParamError naming it.
//
// # Speed and determinism
//
// The input projection of all frames is one matrix product, the recurrent
// product one per step, and the backward pass forms the weight gradients as
// products over all frames; all run on the GEMM of internal/kernel (AVX2+FMA
// assembly on amd64, pure Go elsewhere). Directions, batch chunks and row
// blocks run on Model.Threads goroutines; results do not depend on the
// number of threads. A Workspace grows to the largest batch and is then
// reused without allocation.
//
// # Errors
//
// Shape mismatches between a batch and the model are programmer errors and
// panic with a message naming both shapes; bad parameter files return
// errors. NaN in an input propagates to that sequence's outputs (and to the
// parameter gradients) but never to other sequences of the batch.
package lstm
