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

data_dir, batches = sys.argv[1], int(sys.argv[2])
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
max_sec = float(sys.argv[4]) if len(sys.argv) > 4 else float("inf")
torch.set_num_threads(threads)
torch.manual_seed(1111)

# data.Corpus: dictionary over train, valid, test; <eos> per line.
w2i = {}
def tokenize(path):
    ids = []
    with open(path, encoding="utf8") as f:
        for line in f:
            for w in line.split() + ["<eos>"]:
                if w not in w2i:
                    w2i[w] = len(w2i)
                ids.append(w2i[w])
    return torch.tensor(ids, dtype=torch.int64)
train = tokenize(os.path.join(data_dir, "train.txt"))
tokenize(os.path.join(data_dir, "valid.txt"))
tokenize(os.path.join(data_dir, "test.txt"))
V = len(w2i)

def batchify(d, bsz):
    n = d.size(0) // bsz
    return d[: n * bsz].view(bsz, -1).t().contiguous()

class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.2, tie=False):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie:
            self.decoder.weight = self.encoder.weight
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -0.1, 0.1)
        self.nlayers, self.nhid = nlayers, nhid
    def forward(self, x, hidden):
        emb = self.drop(self.encoder(x))
        out, hidden = self.rnn(emb, hidden)
        out = self.drop(out)
        dec = self.decoder(out).view(-1, self.decoder.out_features)
        return nn.functional.log_softmax(dec, dim=1), hidden
    def init_hidden(self, bsz):
        w = next(self.parameters())
        return (w.new_zeros(self.nlayers, bsz, self.nhid), w.new_zeros(self.nlayers, bsz, self.nhid))

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
    hidden = tuple(h.detach() for h in hidden)
    model.zero_grad()
    out, hidden = model(x, hidden)
    loss = crit(out, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    for p in model.parameters():
        p.data.add_(p.grad, alpha=-lr)
    tokens += seq * bsz
    total += loss.item()
    done = b + 1
    if (b + 1) % 10 == 0:
        print("torch batch %d loss %.3f" % (b + 1, total / 10), file=sys.stderr, flush=True)
        total = 0.0
el = time.perf_counter() - t0
print("torch %d batches (after %d warm-up): %d tokens in %.2f s: %.1f tok/s" % (done - warm, warm, tokens, el, tokens / el))
