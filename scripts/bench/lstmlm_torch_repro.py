#!/usr/bin/python3
"""PyTorch's word_language_model (pytorch/examples, main.py + model.py with
--model LSTM), trained end to end: the reference side of
scripts/bench/lstmlm_repro.sh wt2. Same configuration as that script and as
main.py's defaults: embedding 200, 2x200 LSTM, dropout 0.2, bptt 35, batch 20
(evaluation batch 10), SGD lr 20 divided by 4 when the validation loss does
not improve, clip 0.25, seed 1111, 6 epochs; the best epoch's model is
evaluated on the test set.

Usage: python3 lstmlm_torch_repro.py DATA_DIR [--tied] [--epochs N] [--seed S] [--device cpu|cuda]
Prints one line per epoch and 'test loss L ppl P' at the end.
"""
import argparse, math, os, sys, time, copy
import torch
import torch.nn as nn

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--tied", action="store_true")
ap.add_argument("--epochs", type=int, default=6)
ap.add_argument("--seed", type=int, default=1111)
ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
ap.add_argument("--threads", type=int, default=2)
args = ap.parse_args()
torch.manual_seed(args.seed)
torch.set_num_threads(args.threads)
dev = torch.device(args.device)

# data.Corpus: one dictionary over train, valid and test; <eos> after each line.
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
train = tokenize(os.path.join(args.data, "train.txt"))
valid = tokenize(os.path.join(args.data, "valid.txt"))
test = tokenize(os.path.join(args.data, "test.txt"))
V = len(w2i)

def batchify(d, bsz):
    n = d.size(0) // bsz
    return d[: n * bsz].view(bsz, -1).t().contiguous().to(dev)

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

bptt, bsz, ebsz, clip = 35, 20, 10, 0.25
lr = 20.0
train_data, val_data, test_data = batchify(train, bsz), batchify(valid, ebsz), batchify(test, ebsz)
model = RNNModel(V, 200, 200, 2, 0.2, args.tied).to(dev)
crit = nn.NLLLoss()

def get_batch(src, i):
    seq = min(bptt, len(src) - 1 - i)
    return src[i:i + seq], src[i + 1:i + 1 + seq].reshape(-1)

def evaluate(src):
    model.eval()
    total = 0.0
    hidden = model.init_hidden(ebsz)
    with torch.no_grad():
        for i in range(0, src.size(0) - 1, bptt):
            x, y = get_batch(src, i)
            out, hidden = model(x, hidden)
            hidden = tuple(h.detach() for h in hidden)
            total += len(x) * crit(out, y).item()
    return total / (len(src) - 1)

best_val, best = None, None
t0 = time.time()
for epoch in range(1, args.epochs + 1):
    model.train()
    hidden = model.init_hidden(bsz)
    for i in range(0, train_data.size(0) - 1, bptt):
        x, y = get_batch(train_data, i)
        hidden = tuple(h.detach() for h in hidden)
        model.zero_grad()
        out, hidden = model(x, hidden)
        loss = crit(out, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
    val = evaluate(val_data)
    print("end of epoch %d | valid loss %.4f ppl %.2f | lr %g | %.0f s" % (epoch, val, math.exp(val), lr, time.time() - t0), flush=True)
    if best_val is None or val < best_val:
        best_val, best = val, copy.deepcopy(model.state_dict())
    else:
        lr /= 4.0
model.load_state_dict(best)
tl = evaluate(test_data)
print("test loss %.4f ppl %.2f (torch %s, %s, tied=%s, seed %d, vocabulary %d)" % (tl, math.exp(tl), torch.__version__, dev, args.tied, args.seed, V), flush=True)
