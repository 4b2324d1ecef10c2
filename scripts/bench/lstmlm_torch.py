#!/usr/bin/python3
"""PyTorch side of scripts/bench/lstmlm_bench.sh: trains PyTorch's
word_language_model (examples/word_language_model, model.py RNNModel with
LSTM, main.py's train loop: repackaged hidden state, clip_grad_norm_, plain
SGD update) on WikiText-2 for a fixed number of batches and prints tokens/s.

Usage: /usr/bin/python3 lstmlm_torch.py DATA_DIR BATCHES [THREADS [MAX_SECONDS]]
(stops early, reporting the batches done, after MAX_SECONDS of timed batches)
"""
import math, os, sys, time
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wlm_torch import RNNModel, batchify, corpus, train_step

data_dir, batches = sys.argv[1], int(sys.argv[2])
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
max_sec = float(sys.argv[4]) if len(sys.argv) > 4 else float("inf")
torch.set_num_threads(threads)
torch.manual_seed(1111)

train, _, _, V = corpus(data_dir)

bptt, bsz, lr, clip = 35, 20, 20.0, 0.25
data = batchify(train, bsz)
model = RNNModel(V, 200, 200, 2, 0.2)
crit = nn.NLLLoss()
model.train()
hidden = model.init_hidden(bsz)
warm = 2
t0 = None
tokens = 0
total = 0.0
done = 0
for b, i in enumerate(range(0, batches * bptt, bptt)):
    if t0 is not None and time.perf_counter() - t0 > max_sec:
        break
    if b == warm:
        t0, tokens = time.perf_counter(), 0
    seq = min(bptt, len(data) - 1 - i)
    x, y = data[i:i + seq], data[i + 1:i + 1 + seq].reshape(-1)
    loss, hidden = train_step(model, crit, x, y, hidden, lr, clip)
    tokens += seq * bsz
    total += loss.item()
    done = b + 1
    if (b + 1) % 10 == 0:
        print("torch batch %d loss %.3f" % (b + 1, total / 10), file=sys.stderr, flush=True)
        total = 0.0
el = time.perf_counter() - t0
print("torch %d batches (after %d warm-up): %d tokens in %.2f s: %.1f tok/s" % (done - warm, warm, tokens, el, tokens / el))
